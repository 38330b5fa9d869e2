//! `POST /api/v1/auth/login`: success, one answer for every kind of failure, rate limits.

use serde_json::json;

use crate::support::{PASSWORD, TestApp};

async fn login_ok(app: &TestApp) {
    let body = app.login("dar", "ADMIN@dar.example").await;
    assert_eq!(body["tokenType"], "Bearer");
    assert_eq!(body["expiresIn"], 900);
    assert_eq!(body["user"]["id"], app.dar.admin.id.as_str());
    assert!(body["user"].get("passwordHash").is_none());
    assert_eq!(body["refreshToken"].as_str().unwrap().len(), 43);
    let me = app.get("dar", "/api/v1/me").bearer(body["accessToken"].as_str().unwrap()).send().await;
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.json()["email"], "admin@dar.example");
    assert_eq!(me.json()["role"], "ADMIN");
}

async fn wrong_password_and_unknown_user_look_the_same(app: &TestApp) {
    let attempt = |email: &str, password: &str| {
        app.post("dar", "/api/v1/auth/login").json(&json!({"email": email, "password": password})).send()
    };
    let wrong = attempt("admin@dar.example", "not the password").await;
    let unknown = attempt("nobody@dar.example", "not the password").await;
    let other_agency = attempt("admin@harbor.example", PASSWORD).await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.code(), "auth.invalid_credentials");
    for other in [&unknown, &other_agency] {
        assert_eq!((other.status, other.body.as_bytes()), (wrong.status, wrong.body.as_bytes()));
    }
}

async fn deactivated_user_cannot_log_in(app: &TestApp) {
    app.update_user(&app.dar.agent, json!({"active": false})).await;
    let res = app
        .post("dar", "/api/v1/auth/login")
        .json(&json!({"email": app.dar.agent.email, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_credentials"));
}

async fn login_needs_an_agency_host(app: &TestApp) {
    let res = app
        .post("", "/api/v1/auth/login")
        .json(&json!({"email": app.dar.admin.email, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (404, "tenant.not_found"));
}

async fn failed_logins_are_rate_limited(app: &TestApp) {
    for _ in 0..5 {
        let res = app
            .post("dar", "/api/v1/auth/login")
            .json(&json!({"email": app.dar.agent.email, "password": "guess"}))
            .send()
            .await;
        assert_eq!(res.status, 401);
    }
    // Even the right password is refused now, with a hint when to retry.
    let res = app
        .post("dar", "/api/v1/auth/login")
        .json(&json!({"email": app.dar.agent.email, "password": PASSWORD}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (429, "auth.rate_limited"));
    let retry: u64 = res.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry));
    // Another account is not affected.
    app.login("dar", &app.dar.admin.email).await;
}

crate::on_both_databases!(
    login_ok,
    wrong_password_and_unknown_user_look_the_same,
    deactivated_user_cannot_log_in,
    login_needs_an_agency_host,
    failed_logins_are_rate_limited,
    forwarded_for_from_an_untrusted_peer_is_ignored,
);

/// Failed logins from one address, each for another account: the per-address limit.
async fn fail_from(app: &TestApp, forwarded_for: impl Fn(usize) -> String, attempts: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..attempts {
        let res = app
            .post("dar", "/api/v1/auth/login")
            .header("x-forwarded-for", &forwarded_for(i))
            .json(&json!({"email": format!("nobody{i}@dar.example"), "password": "guess"}))
            .send()
            .await;
        statuses.push(res.status);
    }
    statuses
}

/// Without configured proxies a client cannot dodge the per-address limit by inventing
/// `X-Forwarded-For` addresses.
async fn forwarded_for_from_an_untrusted_peer_is_ignored(app: &TestApp) {
    let statuses = fail_from(app, |i| format!("198.51.100.{i}"), 21).await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 20, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
}

/// Behind a configured proxy each forwarded client has its own limit, and the proxy's own
/// address is never blamed.
#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = TestApp::sqlite_with(|c| c.server.trusted_proxies = vec!["127.0.0.0/8".to_owned()]).await;
    let spread = fail_from(&app, |i| format!("203.0.113.{i}"), 25).await;
    assert!(spread.iter().all(|s| *s == 401), "distinct clients share no limit: {spread:?}");
    // A client-written first entry does not help the client our proxy saw.
    let same = fail_from(&app, |i| format!("10.{i}.0.1, 192.0.2.200"), 21).await;
    assert_eq!(same.last(), Some(&429), "{same:?}");
    app.stop().await;
}
