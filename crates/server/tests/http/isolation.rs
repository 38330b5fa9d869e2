//! The isolation matrix, generated from the router's own route table (`web::routes::table()`):
//! every route × method × caller, against records of another agency and of another agent of the
//! same agency. Another agency's record answers exactly like a missing one (404) on every route
//! that takes an id; lists, exports and profiles never mention another agency's ids; and the
//! victims' records are unchanged afterwards. A route the matrix does not know fails the test.

use reqwest::Method;
use serde_json::{Value, json};

use crate::imports::{multipart, wait_job};
use crate::support::TestApp;

/// Routes that touch no stored record of an agency, and why they are outside the matrix.
const OUTSIDE: &[(&str, &str)] = &[
    ("/healthz", "process liveness"),
    ("/readyz", "database readiness"),
    ("/metrics", "server metrics, no agency data"),
    ("/api/v1/openapi.json", "the API description"),
    ("/api/v1/auth/login", "credentials are tested in login.rs"),
    ("/api/v1/auth/refresh", "tokens are tested in refresh.rs"),
    ("/api/v1/auth/logout", "tokens are tested in refresh.rs"),
];

/// One agency's records the matrix aims at.
struct Records {
    lead: String,
    file: String,
    job: String,
    tenant: String,
}

async fn records(app: &TestApp, host: &str, admin: &str, agent_id: &str) -> Records {
    let lead = app
        .post(host, "/api/v1/leads")
        .bearer(admin)
        .json(&json!({"name": format!("victim of {host}"), "phones": ["0507654321"], "assigneeId": agent_id}))
        .send()
        .await;
    assert_eq!(lead.status, 201, "{}", lead.body);
    let lead = lead.json()["id"].as_str().expect("lead id").to_owned();
    let (ct, body) =
        multipart(&[("ownerType", "lead"), ("ownerId", &lead)], "plan.pdf", "application/pdf", b"%PDF-1.4\n%victim\n");
    let file = app.post(host, "/api/v1/files").bearer(admin).body(&ct, body).send().await;
    assert_eq!(file.status, 201, "{}", file.body);
    let file = file.json()["id"].as_str().expect("file id").to_owned();
    let job = app
        .post(host, "/api/v1/imports/leads")
        .bearer(admin)
        .body("text/csv", "Name,Phone\r\nImported,0509998877\r\n")
        .send()
        .await;
    assert_eq!(job.status, 202, "{}", job.body);
    let job = job.json()["id"].as_str().expect("job id").to_owned();
    wait_job(app, host, admin, &job).await;
    let me = app.get(host, "/api/v1/me").bearer(admin).send().await.json();
    Records { lead, file, job, tenant: me["tenantId"].as_str().expect("tenant").to_owned() }
}

/// The id a `{id}` route takes, from a set of records.
fn id_for<'r>(path: &str, r: &'r Records) -> Option<&'r str> {
    if path.starts_with("/api/v1/leads/") {
        Some(&r.lead)
    } else if path.starts_with("/api/v1/files/") {
        Some(&r.file)
    } else if path.starts_with("/api/v1/jobs/") {
        Some(&r.job)
    } else {
        None
    }
}

/// A body the route would accept from a caller allowed to use it.
fn body_for(path: &str, method: &Method) -> Option<Value> {
    match (path, method) {
        ("/api/v1/leads/{id}", &Method::PATCH) => Some(json!({"name": "pwned"})),
        ("/api/v1/leads/{id}/assign", _) => Some(json!({"assigneeId": null})),
        ("/api/v1/leads/{id}/status", _) => Some(json!({"status": "LOST", "lostReason": "pwned"})),
        ("/api/v1/leads", &Method::POST) => Some(json!({"name": "probe", "phones": ["0501112233"]})),
        (_, &Method::POST) | (_, &Method::PATCH) => Some(json!({})),
        _ => None,
    }
}

fn method_of(verb: web::routes::Verb) -> Method {
    match verb {
        web::routes::Verb::Get => Method::GET,
        web::routes::Verb::Post => Method::POST,
        web::routes::Verb::Patch => Method::PATCH,
        web::routes::Verb::Delete => Method::DELETE,
    }
}

async fn snapshot(app: &TestApp, host: &str, admin: &str, r: &Records) -> Vec<String> {
    let mut out = Vec::new();
    for path in
        [format!("/api/v1/leads/{}", r.lead), format!("/api/v1/files/{}", r.file), format!("/api/v1/jobs/{}", r.job)]
    {
        let res = app.get(host, &path).bearer(admin).send().await;
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        out.push(res.body);
    }
    out
}

async fn every_route_isolates_agencies_and_agents(app: &TestApp) {
    let dar_admin = app.token("dar", &app.dar.admin).await;
    let dar_agent = app.token("dar", &app.dar.agent).await;
    let harbor_admin = app.token("harbor", &app.harbor.admin).await;
    // A second agent of dar, to aim at the first agent's records.
    let other = app::users::create(
        &app.app.db,
        &app.app.tenants,
        app::users::NewUser {
            tenant_slug: "dar".to_owned(),
            email: "agent2@dar.example".to_owned(),
            name: "agent2 of dar".to_owned(),
            role: app::Role::Agent,
            locale: None,
            password: Some(crate::support::PASSWORD.to_owned()),
        },
    )
    .await
    .expect("second agent");
    let dar_other = app.token("dar", &other).await;

    let dar = records(app, "dar", &dar_admin, &app.dar.agent.id).await;
    let harbor = records(app, "harbor", &harbor_admin, &app.harbor.agent.id).await;
    let harbor_before = snapshot(app, "harbor", &harbor_admin, &harbor).await;
    let dar_before = snapshot(app, "dar", &dar_admin, &dar).await;

    let callers = [("dar admin", &dar_admin), ("dar agent", &dar_agent), ("dar other agent", &dar_other)];
    let mut exercised = 0;
    for route in web::routes::table() {
        if let Some((_, why)) = OUTSIDE.iter().find(|(p, _)| *p == route.path) {
            assert!(!why.is_empty());
            continue;
        }
        let method = method_of(route.verb);
        exercised += 1;
        if route.path.contains("{id}") {
            let Some(foreign) = id_for(route.path, &harbor) else {
                panic!("the isolation matrix does not know route {} {}: add it", route.verb.as_str(), route.path);
            };
            // Another agency's record: exactly like a missing one, for every caller.
            for (who, token) in callers {
                for id in [foreign, "00000000-0000-4000-8000-000000000000"] {
                    let path = route.path.replace("{id}", id);
                    let mut req = app.request(method.clone(), "dar", &path).bearer(token);
                    if let Some(b) = body_for(route.path, &method) {
                        req = req.json(&b);
                    }
                    let res = req.send().await;
                    assert_eq!(res.status, 404, "{who} {} {path}: {}", route.verb.as_str(), res.body);
                    assert!(!res.body.contains(&harbor.tenant), "{who} {path} leaks the other agency: {}", res.body);
                }
            }
            // Another agent's record in the same agency: hidden from the second agent.
            let own = id_for(route.path, &dar).unwrap_or_default();
            let path = route.path.replace("{id}", own);
            let mut req = app.request(method.clone(), "dar", &path).bearer(&dar_other);
            if let Some(b) = body_for(route.path, &method) {
                req = req.json(&b);
            }
            let res = req.send().await;
            assert_eq!(res.status, 404, "dar other agent {} {path}: {}", route.verb.as_str(), res.body);
        } else {
            // Lists, exports, imports, profile: nothing of the other agency ever appears.
            for (who, token) in callers {
                let mut req = app.request(method.clone(), "dar", route.path).bearer(token);
                if route.path.starts_with("/api/v1/imports/") {
                    req = req.body("text/csv", "Name,Phone\r\nProbe,0501212121\r\n");
                } else if route.path == "/api/v1/files" {
                    let (ct, body) = multipart(
                        &[("ownerType", "lead"), ("ownerId", &harbor.lead)],
                        "x.pdf",
                        "application/pdf",
                        b"%PDF-1.4\n",
                    );
                    req = req.body(&ct, body);
                } else if let Some(b) = body_for(route.path, &method) {
                    req = req.json(&b);
                }
                let res = req.send().await;
                assert!(res.status < 500, "{who} {} {}: {}", route.verb.as_str(), route.path, res.body);
                for id in [&harbor.lead, &harbor.file, &harbor.job, &harbor.tenant] {
                    assert!(
                        !res.body.contains(id.as_str()),
                        "{who} {} {} leaks {id}: {}",
                        route.verb.as_str(),
                        route.path,
                        res.body
                    );
                }
                if route.path == "/api/v1/files" {
                    assert_eq!(res.status, 404, "uploading to another agency's lead: {}", res.body);
                }
            }
        }
    }
    assert!(exercised >= 15, "the matrix exercised only {exercised} routes");

    // The victims are untouched.
    assert_eq!(
        snapshot(app, "harbor", &harbor_admin, &harbor).await,
        harbor_before,
        "another agency's records changed"
    );
    assert_eq!(snapshot(app, "dar", &dar_admin, &dar).await, dar_before, "the first agent's records changed");
}

crate::on_both_databases!(every_route_isolates_agencies_and_agents);
