//! Tenants from the host name.

use crate::support::TestApp;

async fn unknown_subdomain_is_not_found(app: &TestApp) {
    for host in ["nope.localhost", "dar.evil.example", "a.dar.localhost"] {
        let res = app.get(host, "/api/v1/me").send().await;
        assert_eq!((res.status, res.code().as_str()), (404, "tenant.not_found"), "{host}");
    }
}

async fn ports_and_case_do_not_matter(app: &TestApp) {
    let token = app.token("dar", &app.dar.agent).await;
    let res = app.get("DAR.localhost:8080", "/api/v1/me").bearer(&token).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
}

crate::on_both_databases!(unknown_subdomain_is_not_found, ports_and_case_do_not_matter);
