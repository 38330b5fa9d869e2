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
    ("/webhooks/whatsapp", "provider webhooks, routed by the delivery: tested in webhooks_whatsapp.rs"),
    ("/webhooks/sms", "provider webhooks, routed by the delivery: tested in webhooks_sms.rs"),
    ("/webhooks/sms/status", "provider webhooks, routed by the delivery: tested in webhooks_sms.rs"),
    ("/webhooks/email/{mailbox}", "provider webhooks, routed by the delivery: tested in webhooks_email.rs"),
];

/// One agency's records the matrix aims at.
struct Records {
    lead: String,
    /// A listing of the first agent, with the owner's phone (readable by every colleague, the
    /// phone only by the listing agent).
    property: String,
    /// A deal on `lead`, of the first agent.
    deal: String,
    /// A task on `lead` and `deal`, logged by the admin and assigned to the first agent.
    activity: String,
    file: String,
    job: String,
    tenant: String,
    /// A team (no owner: readable by every colleague).
    team: String,
    /// The first agent's own user record (readable by every colleague).
    user: String,
    /// A WhatsApp channel account (readable by every colleague, secrets by nobody).
    channel: String,
    /// A WhatsApp conversation on `lead` over `channel` (inserted as the system).
    conversation: String,
}

/// `{id}` routes whose records every member of the agency may read by design (`@@allow('read',
/// true)` in schema.zmodel). For them, the second agent's GET answers 200 and every write 403 or
/// 404 — never 2xx — instead of a plain 404; the snapshot below proves nothing changed.
const READ_BY_COLLEAGUES: &[&str] = &["/api/v1/teams/", "/api/v1/users/", "/api/v1/properties/", "/api/v1/channels/"];

/// The victims' phone in E.164 (the lead's and the listing owner's): hidden from the second agent
/// even where the record itself is readable.
const VICTIM_PHONE: &str = "+971507654321";

async fn records(app: &TestApp, host: &str, admin: &str, agent_id: &str) -> Records {
    let lead = app
        .post(host, "/api/v1/leads")
        .bearer(admin)
        .json(&json!({"name": format!("victim of {host}"), "phones": ["0507654321"], "assigneeId": agent_id}))
        .send()
        .await;
    assert_eq!(lead.status, 201, "{}", lead.body);
    let lead = lead.json()["id"].as_str().expect("lead id").to_owned();
    let property = app
        .post(host, "/api/v1/properties")
        .bearer(admin)
        .json(&json!({
            "reference": "VICTIM-1", "titleEn": "Victim", "titleAr": "ضحية", "purpose": "SALE", "type": "VILLA",
            "city": "Dubai", "price": "1000000", "status": "AVAILABLE", "listingAgentId": agent_id,
            "ownerName": "Owner", "ownerPhone": "0507654321",
        }))
        .send()
        .await;
    assert_eq!(property.status, 201, "{}", property.body);
    let property = property.json()["id"].as_str().expect("property id").to_owned();
    let deal = app
        .post(host, "/api/v1/deals")
        .bearer(admin)
        .json(&json!({"leadId": lead, "value": "1500000", "commission": "30000", "agentId": agent_id}))
        .send()
        .await;
    assert_eq!(deal.status, 201, "{}", deal.body);
    let deal = deal.json()["id"].as_str().expect("deal id").to_owned();
    let activity = app
        .post(host, "/api/v1/activities")
        .bearer(admin)
        .json(&json!({"type": "TASK", "leadId": lead, "dealId": deal, "title": "Call back", "assigneeId": agent_id}))
        .send()
        .await;
    assert_eq!(activity.status, 201, "{}", activity.body);
    let activity = activity.json()["id"].as_str().expect("activity id").to_owned();
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
    let team =
        app.post(host, "/api/v1/teams").bearer(admin).json(&json!({"name": format!("team of {host}")})).send().await;
    assert_eq!(team.status, 201, "{}", team.body);
    let team = team.json()["id"].as_str().expect("team id").to_owned();
    let user = agent_id.to_owned();
    let number = if host == "dar" { "1000001" } else { "1000002" };
    let channel = app
        .post(host, "/api/v1/channels")
        .bearer(admin)
        .json(&json!({"kind": "WHATSAPP", "name": "victim number", "phoneNumberId": number, "appSecret": "s3cr3t-of-the-victim"}))
        .send()
        .await;
    assert_eq!(channel.status, 201, "{}", channel.body);
    let channel = channel.json()["id"].as_str().expect("channel id").to_owned();
    let me = app.get(host, "/api/v1/me").bearer(admin).send().await.json();
    let conversation = {
        let system = app.app.db.as_system("test fixture");
        let tenant = me["tenantId"].clone();
        let identity = system
            .create(
                "ChannelIdentity",
                json!({"data": {"tenantId": tenant, "channelAccountId": channel, "kind": "WHATSAPP",
                                "addressType": "WA_ID", "address": number, "leadId": lead}}),
            )
            .await
            .expect("identity");
        let conversation = system
            .create(
                "Conversation",
                json!({"data": {"tenantId": tenant, "leadId": lead, "channelAccountId": channel,
                                "identityId": identity["id"]}}),
            )
            .await
            .expect("conversation");
        conversation["id"].as_str().expect("conversation id").to_owned()
    };
    Records {
        lead,
        property,
        deal,
        activity,
        file,
        job,
        tenant: me["tenantId"].as_str().expect("tenant").to_owned(),
        team,
        user,
        channel,
        conversation,
    }
}

/// The id a `{id}` route takes, from a set of records.
fn id_for<'r>(path: &str, r: &'r Records) -> Option<&'r str> {
    if path.starts_with("/api/v1/leads/") {
        Some(&r.lead)
    } else if path.starts_with("/api/v1/properties/") {
        Some(&r.property)
    } else if path.starts_with("/api/v1/deals/") {
        Some(&r.deal)
    } else if path.starts_with("/api/v1/activities/") {
        Some(&r.activity)
    } else if path.starts_with("/api/v1/teams/") {
        Some(&r.team)
    } else if path.starts_with("/api/v1/users/") {
        Some(&r.user)
    } else if path.starts_with("/api/v1/files/") {
        Some(&r.file)
    } else if path.starts_with("/api/v1/jobs/") {
        Some(&r.job)
    } else if path.starts_with("/api/v1/channels/") {
        Some(&r.channel)
    } else if path.starts_with("/api/v1/conversations/") {
        Some(&r.conversation)
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
        ("/api/v1/deals/{id}", &Method::PATCH) => Some(json!({"value": "1", "expectedCloseAt": null})),
        ("/api/v1/deals/{id}/stage", _) => Some(json!({"stage": "CLOSED_LOST"})),
        ("/api/v1/activities/{id}", &Method::PATCH) => Some(json!({"title": "pwned", "dueAt": null})),
        ("/api/v1/leads", &Method::POST) => Some(json!({"name": "probe", "phones": ["0501112233"]})),
        ("/api/v1/properties/{id}", &Method::PATCH) => Some(json!({"titleEn": "pwned", "community": null})),
        ("/api/v1/properties", &Method::POST) => Some(json!({
            "reference": "PROBE-1", "titleEn": "Probe", "titleAr": "تجربة", "purpose": "RENT", "type": "APARTMENT",
            "city": "Dubai", "price": "90000",
        })),
        ("/api/v1/teams/{id}", &Method::PATCH) => Some(json!({"name": "pwned"})),
        ("/api/v1/conversations/{id}/messages", &Method::POST) => Some(json!({"text": "pwned"})),
        ("/api/v1/conversations/{id}/notes", _) => Some(json!({"body": "pwned"})),
        ("/api/v1/conversations/{id}/assign", _) => Some(json!({"assigneeId": null})),
        ("/api/v1/conversations/{id}/status", _) => Some(json!({"status": "CLOSED"})),
        ("/api/v1/channels/{id}", &Method::PATCH) => Some(json!({"name": "pwned", "appSecret": "pwned"})),
        ("/api/v1/channels", &Method::POST) => {
            Some(json!({"kind": "WHATSAPP", "name": "probe", "phoneNumberId": "1000001", "appSecret": "probe"}))
        }
        ("/api/v1/users/{id}", &Method::PATCH) => Some(json!({"name": "pwned", "role": "ADMIN"})),
        ("/api/v1/teams", &Method::POST) => Some(json!({"name": "probe"})),
        ("/api/v1/users", &Method::POST) => Some(json!({"email": "probe@probe.example", "name": "probe"})),
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
    for path in [
        format!("/api/v1/leads/{}", r.lead),
        format!("/api/v1/properties/{}", r.property),
        format!("/api/v1/deals/{}", r.deal),
        format!("/api/v1/activities/{}", r.activity),
        format!("/api/v1/files/{}", r.file),
        format!("/api/v1/jobs/{}", r.job),
        format!("/api/v1/teams/{}", r.team),
        format!("/api/v1/users/{}", r.user),
        format!("/api/v1/channels/{}", r.channel),
    ] {
        let res = app.get(host, &path).bearer(admin).send().await;
        assert_eq!(res.status, 200, "{path}: {}", res.body);
        if path.starts_with("/api/v1/users/") {
            // Lead routing stamps the agent's row (`lastAssignedAt`), which moves `updatedAt`.
            let mut user = res.json();
            user["updatedAt"] = Value::Null;
            out.push(user.to_string());
        } else {
            out.push(res.body);
        }
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
            if READ_BY_COLLEAGUES.iter().any(|p| route.path.starts_with(p)) {
                let expected: &[u16] = if method == Method::GET { &[200] } else { &[403, 404] };
                assert!(
                    expected.contains(&res.status),
                    "dar other agent {} {path}: {} {}",
                    route.verb.as_str(),
                    res.status,
                    res.body
                );
                // Readable, but not what the rules hide: the first agent's lead (listing
                // matches), the owner's phone (a listing's field rule).
                for hidden in [dar.lead.as_str(), VICTIM_PHONE] {
                    assert!(!res.body.contains(hidden), "dar other agent {path} sees {hidden}: {}", res.body);
                }
            } else {
                assert_eq!(res.status, 404, "dar other agent {} {path}: {}", route.verb.as_str(), res.body);
            }
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
                for id in [
                    &harbor.lead,
                    &harbor.property,
                    &harbor.deal,
                    &harbor.activity,
                    &harbor.file,
                    &harbor.job,
                    &harbor.tenant,
                    &harbor.team,
                    &harbor.user,
                    &harbor.channel,
                ] {
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
