//! The Leads API: list/filter/sort/paginate, Arabic search, create (normalisation, duplicates,
//! routing), isolation between agents, teams and agencies, assign, status, audit history.

use std::collections::HashSet;

use app::users::{NewUser, UserView};
use domain::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Res, SECRET, TestApp};

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A signed access token for `user` (no login round trip: the server reads the user row anyway).
fn token(user: &UserView) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"sub": user.id, "tid": user.tenant_id, "aud": "manzil", "exp": now + 600, "iat": now, "jti": "t"});
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
}

/// A new (invited) user of agency `slug`.
async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
    let new = NewUser {
        tenant_slug: slug.to_owned(),
        email: format!("{who}@{slug}.example"),
        name: format!("{who} of {slug}"),
        role,
        locale: None,
        password: None,
    };
    app::users::create(&app.app.db, &app.app.tenants, new).await.unwrap()
}

/// A team of agency `tenant_id` led by `manager`, with `members`.
async fn team(app: &TestApp, manager: &UserView, members: &[&UserView]) -> String {
    let team = app
        .app
        .db
        .as_system("test: create a team")
        .create("Team", json!({"data": {"tenantId": manager.tenant_id, "name": "Marina", "managerId": manager.id}}))
        .await
        .unwrap();
    let id = team["id"].as_str().unwrap().to_owned();
    for m in members.iter().copied().chain([manager]) {
        app.update_user(m, json!({"teamId": id})).await;
    }
    id
}

/// Switches an agency's lead routing (`ROUND_ROBIN` or `MANUAL`).
async fn routing(app: &TestApp, tenant_id: &str, mode: &str) {
    app.app
        .db
        .as_system("test: change the routing mode")
        .update("Tenant", json!({"where": {"id": tenant_id}, "data": {"routingMode": mode}}))
        .await
        .unwrap();
}

/// The manager's view of `user` now (after team changes), for a fresh token.
async fn reload(app: &TestApp, user: &UserView) -> UserView {
    let row = app.app.db.as_system("test: reload a user").find_unique("User", json!({"where": {"id": user.id}})).await;
    let row = row.unwrap();
    UserView { team_id: row["teamId"].as_str().map(str::to_owned), ..user.clone() }
}

fn call(app: &TestApp, method: Method, host: &str, path: &str, token: &str) -> crate::support::Req {
    app.request(method, host, path).bearer(token)
}

async fn create(app: &TestApp, host: &str, token: &str, body: Value) -> Res {
    call(app, Method::POST, host, "/api/v1/leads", token).json(&body).send().await
}

/// Creates a lead and returns it, failing the test on anything but 201.
async fn created(app: &TestApp, host: &str, token: &str, body: Value) -> Value {
    let res = create(app, host, token, body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

async fn list(app: &TestApp, host: &str, token: &str, query: &str) -> Res {
    call(app, Method::GET, host, &format!("/api/v1/leads?{query}"), token).send().await
}

/// The ids of one list page (status 200 asserted).
async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = list(app, "dar", token, query).await;
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_owned()).collect()
}

fn id(lead: &Value) -> String {
    lead["id"].as_str().unwrap().to_owned()
}

/// Reads every page of `query` with `limit`, asserting no page is larger than asked.
async fn all_pages(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let mut q = format!("{query}&limit={limit}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let res = list(app, "dar", token, &q).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let body = res.json();
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().cloned());
        match body["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
    panic!("pagination did not end");
}

// ---------------------------------------------------------------------------------------------
// List, filter, sort, paginate

async fn list_filters_sorts_and_paginates(app: &TestApp) {
    routing(app, &app.dar.tenant.id, "MANUAL").await;
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let names = ["Omar", "Basma", "Hind", "Zaid", "Adel", "Kareem", "Lina"];
    let mut made = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut body = json!({"name": name, "source": if i % 2 == 0 { "BAYUT" } else { "WEBSITE" }, "tags": if i < 3 { json!(["vip"]) } else { json!([]) }});
        if i % 3 == 0 {
            body["assigneeId"] = json!(agent.id);
        }
        made.push(created(app, "dar", &admin, body).await);
    }
    let lead_status = |lead: &Value, status: &str| {
        let path = format!("/api/v1/leads/{}/status", id(lead));
        call(app, Method::POST, "dar", &path, &admin).json(&json!({"status": status})).send()
    };
    assert_eq!(lead_status(&made[1], "CONTACTED").await.status, 200);
    assert_eq!(lead_status(&made[2], "QUALIFIED").await.status, 200);

    // Default order: newest first, paged without duplicates or gaps.
    let everything = all_pages(app, &admin, "sort=-createdAt", 3).await;
    let mut newest_first: Vec<(String, String)> =
        made.iter().map(|l| (l["createdAt"].as_str().unwrap().to_owned(), id(l))).collect();
    newest_first.sort();
    newest_first.reverse();
    let expected: Vec<String> = newest_first.into_iter().map(|(_, id)| id).collect();
    assert_eq!(everything.iter().map(id).collect::<Vec<_>>(), expected);
    // The same set whatever the page size.
    for limit in [1, 2, 7, 100] {
        let got: Vec<String> = all_pages(app, &admin, "sort=createdAt", limit).await.iter().map(id).collect();
        let mut expected_asc = expected.clone();
        expected_asc.reverse();
        assert_eq!(got, expected_asc, "limit {limit}");
    }

    // By name, both ways, in pages of two.
    let by_name: Vec<String> =
        all_pages(app, &admin, "sort=name", 2).await.iter().map(|l| l["name"].as_str().unwrap().to_owned()).collect();
    let mut sorted: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    sorted.sort();
    assert_eq!(by_name, sorted);
    let desc: Vec<String> =
        all_pages(app, &admin, "sort=-name", 4).await.iter().map(|l| l["name"].as_str().unwrap().to_owned()).collect();
    sorted.reverse();
    assert_eq!(desc, sorted);
    let by_status = all_pages(app, &admin, "sort=status", 2).await;
    let statuses: Vec<&str> = by_status.iter().map(|l| l["status"].as_str().unwrap()).collect();
    assert_eq!(statuses.len(), 7);
    assert!(statuses.windows(2).all(|w| w[0] <= w[1]), "{statuses:?}");
    assert_eq!(all_pages(app, &admin, "sort=updatedAt", 3).await.len(), 7);

    // Filters.
    assert_eq!(ids(app, &admin, "status=CONTACTED").await, vec![id(&made[1])]);
    let two: HashSet<String> = ids(app, &admin, "status=CONTACTED,qualified").await.into_iter().collect();
    assert_eq!(two, HashSet::from([id(&made[1]), id(&made[2])]));
    assert_eq!(ids(app, &admin, "source=BAYUT").await.len(), 4);
    assert_eq!(ids(app, &admin, "tag=vip").await.len(), 3);
    let assigned: HashSet<String> = ids(app, &admin, &format!("assigneeId={}", agent.id)).await.into_iter().collect();
    assert_eq!(assigned, HashSet::from([id(&made[0]), id(&made[3]), id(&made[6])]));
    assert_eq!(ids(app, &admin, "unassigned=true").await.len(), 4);
    let created_at = made[3]["createdAt"].as_str().unwrap();
    let from: HashSet<String> =
        ids(app, &admin, &format!("createdFrom={}", urlencode(created_at))).await.into_iter().collect();
    let expected: HashSet<String> =
        made.iter().filter(|l| l["createdAt"].as_str().unwrap() >= created_at).map(id).collect();
    assert_eq!(from, expected);
    let to: HashSet<String> =
        ids(app, &admin, &format!("createdTo={}", urlencode(created_at))).await.into_iter().collect();
    let expected: HashSet<String> =
        made.iter().filter(|l| l["createdAt"].as_str().unwrap() <= created_at).map(id).collect();
    assert_eq!(to, expected);
    let today = &created_at[..10];
    assert_eq!(ids(app, &admin, &format!("createdFrom={today}&createdTo={today}")).await.len(), 7);
    assert!(ids(app, &admin, "createdTo=2000-01-01").await.is_empty());
    assert!(ids(app, &admin, "createdFrom=2999-01-01T00:00:00Z").await.is_empty());

    // Refused arguments.
    for (query, code) in [
        ("sort=passwordHash", "request.invalid_query"),
        ("sort=searchText", "request.invalid_query"),
        ("limit=0", "request.invalid_query"),
        ("limit=101", "request.invalid_query"),
        ("limit=ten", "request.invalid_query"),
        ("status=SLEEPING", "request.invalid_query"),
        ("createdFrom=yesterday", "request.invalid_query"),
        ("colour=blue", "request.invalid_query"),
        ("cursor=bm90LWEtY3Vyc29y", "request.invalid_cursor"),
    ] {
        let res = list(app, "dar", &admin, query).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{query}");
    }
    // A cursor belongs to its order.
    let first = list(app, "dar", &admin, "limit=2").await.json();
    let cursor = first["nextCursor"].as_str().unwrap();
    let res = list(app, "dar", &admin, &format!("sort=name&cursor={cursor}")).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid_cursor"));
}

fn urlencode(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}

// ---------------------------------------------------------------------------------------------
// Search

async fn search_folds_arabic_and_phone_digits(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let ahmad = created(app, "dar", &admin, json!({"name": "أحمد الهاشمي"})).await;
    let school = created(app, "dar", &admin, json!({"name": "مدرسة النور", "notes": "يريد فيلا"})).await;
    let phone =
        created(app, "dar", &admin, json!({"name": "Sara", "phones": ["+971501234567"], "email": "sara@mail.example"}))
            .await;
    let q = |q: &str| {
        let query = format!("q={}", q.replace('+', "%2B"));
        let admin = admin.clone();
        async move { ids(app, &admin, &query).await }
    };
    assert_eq!(q("احمد").await, vec![id(&ahmad)]);
    assert_eq!(q("أحمد").await, vec![id(&ahmad)]);
    assert_eq!(q("مدرسه").await, vec![id(&school)]);
    assert_eq!(q("فيلا").await, vec![id(&school)]);
    assert_eq!(q("0501234567").await, vec![id(&phone)]);
    assert_eq!(q("٠٥٠١٢٣").await, vec![id(&phone)]);
    assert_eq!(q("+971501234567").await, vec![id(&phone)]);
    assert_eq!(q("SARA@MAIL").await, vec![id(&phone)]);
    assert!(q("محمد").await.is_empty());
    // Search stays within the caller's rules: the agent sees none of the admin's routed leads
    // unless they are theirs.
    let agent_hits = ids(app, &token(&app.dar.agent), "q=%D8%A7%D8%AD%D9%85%D8%AF").await;
    let ahmad_owner = ahmad["assigneeId"].as_str();
    assert_eq!(agent_hits.len(), usize::from(ahmad_owner == Some(app.dar.agent.id.as_str())));
    // Another agency never sees them.
    assert!(
        list(app, "harbor", &token(&app.harbor.admin), "q=احمد").await.json()["items"].as_array().unwrap().is_empty()
    );
}

// ---------------------------------------------------------------------------------------------
// Create: normalisation and validation

async fn create_normalises_phones_and_email(app: &TestApp) {
    let agent = token(&app.dar.agent);
    let lead = created(
        app,
        "dar",
        &agent,
        json!({"name": "  سلمى  ", "phones": ["٠٥٠ ١٢٣ ٤٥٦٧", "+971 55 765 4321", "0501234567"], "email": " Salma@Mail.EXAMPLE ", "preferredLanguage": "ar", "budgetMin": 900000, "budgetMax": "1250000.50"}),
    )
    .await;
    assert_eq!(lead["name"], "سلمى");
    assert_eq!(lead["phones"], json!(["+971501234567", "+971557654321"]));
    assert_eq!(lead["primaryPhone"], "+971501234567");
    assert_eq!(lead["email"], "Salma@mail.example");
    assert_eq!(lead["status"], "NEW");
    assert_eq!(lead["source"], "OTHER");
    assert_eq!(lead["preferredLanguage"], "ar");
    assert_eq!(lead["assigneeId"], app.dar.agent.id.as_str(), "an agent's lead is theirs");
    assert!(lead.get("searchText").is_none() && lead.get("emailNormalized").is_none());
    assert!(lead["budgetMax"].as_str().unwrap().starts_with("1250000.5"));

    let bad = |body: Value| create(app, "dar", &agent, body);
    let res = bad(json!({"name": "x", "phones": ["0501112222", "12"]})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.invalid_phone"));
    assert_eq!(res.json()["error"]["field"], "phones[1]");
    assert!(!res.json()["error"]["message"].as_str().unwrap().is_empty());
    let res = bad(json!({"name": "x", "phones": ["call me"]})).await;
    assert_eq!(
        (res.status, res.code().as_str(), res.json()["error"]["field"].as_str()),
        (400, "lead.invalid_phone", Some("phones[0]"))
    );
    let res = bad(json!({"name": "x", "email": "not-an-email"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.invalid_email"));
    assert_eq!(res.json()["error"]["field"], "email");
    let res = bad(json!({"name": "   "})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.name_required"));
    let res = bad(json!({"name": "x", "budgetMin": "-5"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    let res = bad(json!({"name": "x", "source": "TELEPATHY"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    // Messages come in the user's language: Arabic at dar, English at harbor.
    let res = bad(json!({"name": "x", "email": "nope"})).await;
    assert_eq!(res.json()["error"]["message"], "عنوان البريد الإلكتروني هذا غير صالح.");
    let res = create(app, "harbor", &token(&app.harbor.agent), json!({"name": "x", "email": "nope"})).await;
    assert_eq!(res.json()["error"]["message"], "This e-mail address is not valid.");
}

async fn malformed_json_and_unknown_fields(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let res =
        call(app, Method::POST, "dar", "/api/v1/leads", &admin).body("application/json", "{\"name\": ").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
    let res = create(app, "dar", &admin, json!({"name": "x", "tenantId": app.harbor.tenant.id})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    let res = create(app, "dar", &admin, json!({"name": "x", "searchText": "planted"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    let lead = created(app, "dar", &admin, json!({"name": "x"})).await;
    let path = format!("/api/v1/leads/{}", id(&lead));
    let res = call(app, Method::PATCH, "dar", &path, &admin).json(&json!({"status": "WON"})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"), "status has its own operation");
    let res =
        call(app, Method::PATCH, "dar", &path, &admin).body("application/json", "{\"name\": \"y\",}").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
    let res = call(app, Method::POST, "dar", &format!("{path}/assign"), &admin)
        .json(&json!({"assigneeId": null, "force": true}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    let res =
        call(app, Method::POST, "dar", &format!("{path}/status"), &admin).json(&json!({"status": "DONE"})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    let res = call(app, Method::POST, "dar", "/api/v1/leads", &admin).body("text/plain", "name=x").send().await;
    assert_eq!((res.status, res.code().as_str()), (415, "request.unsupported_media_type"));
}

// ---------------------------------------------------------------------------------------------
// Duplicates

async fn duplicates_are_refused_within_the_agency(app: &TestApp) {
    let other_agent = user(app, "dar", "agent2", Role::Agent).await;
    let first = created(
        app,
        "dar",
        &token(&app.dar.agent),
        json!({"name": "Mona", "phones": ["0501234567"], "email": "mona@mail.example"}),
    )
    .await;

    // Another agent, who cannot read the first lead: refused, and told nothing about it.
    let res =
        create(app, "dar", &token(&other_agent), json!({"name": "Mona again", "phones": ["+971 50 123 4567"]})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "lead.duplicate"));
    assert_eq!(res.json()["error"]["field"], "phones");
    assert!(res.json()["error"].get("existingId").is_none(), "{}", res.body);
    assert!(!res.body.contains(&id(&first)) && !res.body.contains("Mona"));

    // By e-mail, in any case; the admin may read the other lead, so they learn its id.
    let res = create(app, "dar", &token(&app.dar.admin), json!({"name": "M", "email": "MONA@mail.example"})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "lead.duplicate"));
    assert_eq!(res.json()["error"]["field"], "email");
    assert_eq!(res.json()["error"]["existingId"], id(&first).as_str());

    // Arabic-Indic digits are the same number.
    let res = create(app, "dar", &token(&app.dar.admin), json!({"name": "M", "phones": ["٠٥٠١٢٣٤٥٦٧"]})).await;
    assert_eq!(res.status, 409);

    // Editing another lead into a duplicate is refused too; keeping one's own number is fine.
    let second = created(app, "dar", &token(&app.dar.agent), json!({"name": "Nada", "phones": ["0509990000"]})).await;
    let path = format!("/api/v1/leads/{}", id(&second));
    let res = call(app, Method::PATCH, "dar", &path, &token(&app.dar.agent))
        .json(&json!({"phones": ["0501234567"]}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (409, "lead.duplicate"));
    assert_eq!(res.json()["error"]["existingId"], id(&first).as_str(), "the agent may read their own lead");
    let res = call(app, Method::PATCH, "dar", &path, &token(&app.dar.agent))
        .json(&json!({"phones": ["0509990000", "0509990001"]}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);

    // Never across agencies: the same phone and e-mail in harbor are a new lead.
    let res = create(
        app,
        "harbor",
        &token(&app.harbor.admin),
        json!({"name": "Mona", "phones": ["0501234567"], "email": "mona@mail.example"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.body);
}

// ---------------------------------------------------------------------------------------------
// Routing

async fn round_robin_routing(app: &TestApp) {
    let admin = token(&app.dar.admin);
    // dar.agent was created first; then two more agents, an inactive one, and a manager.
    let a1 = app.dar.agent.clone();
    let a2 = user(app, "dar", "agent2", Role::Agent).await;
    let a3 = user(app, "dar", "agent3", Role::Agent).await;
    let gone = user(app, "dar", "gone", Role::Agent).await;
    app.update_user(&gone, json!({"active": false})).await;
    user(app, "dar", "manager", Role::Manager).await;

    let mut order = Vec::new();
    for i in 0..4 {
        let lead = created(app, "dar", &admin, json!({"name": format!("RR {i}")})).await;
        order.push(lead["assigneeId"].as_str().unwrap().to_owned());
    }
    assert_eq!(order, vec![a1.id.clone(), a2.id.clone(), a3.id.clone(), a1.id.clone()]);

    // Language preference beats the line: only agent3 speaks English.
    app.update_user(&a1, json!({"languages": ["ar"]})).await;
    app.update_user(&a2, json!({"languages": ["ar"]})).await;
    app.update_user(&a3, json!({"languages": ["ar", "en"]})).await;
    let en = created(app, "dar", &admin, json!({"name": "John", "preferredLanguage": "en"})).await;
    assert_eq!(en["assigneeId"], a3.id.as_str());
    // Without a speaker of the language, the line decides (agent2 is next).
    let ru = created(app, "dar", &admin, json!({"name": "Ivan"})).await;
    assert_eq!(ru["assigneeId"], a2.id.as_str());

    // An explicit assignee wins; an agent's own lead is theirs; MANUAL agencies leave it unassigned.
    let explicit = created(app, "dar", &admin, json!({"name": "Direct", "assigneeId": a3.id})).await;
    assert_eq!(explicit["assigneeId"], a3.id.as_str());
    let own = created(app, "dar", &token(&a2), json!({"name": "Walk-in"})).await;
    assert_eq!(own["assigneeId"], a2.id.as_str());
    routing(app, &app.dar.tenant.id, "MANUAL").await;
    let manual = created(app, "dar", &admin, json!({"name": "Manual"})).await;
    assert!(manual["assigneeId"].is_null());
    // An inactive or unknown assignee is refused.
    for bad in [gone.id.as_str(), "no-such-user", app.harbor.agent.id.as_str()] {
        let res = create(app, "dar", &admin, json!({"name": "x", "assigneeId": bad})).await;
        assert_eq!((res.status, res.code().as_str()), (400, "lead.invalid_assignee"), "{bad}");
    }
    // An agent may not create a lead for someone else.
    let res = create(app, "dar", &token(&a2), json!({"name": "x", "assigneeId": a3.id})).await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
}

async fn manager_leads_are_routed_within_the_team(app: &TestApp) {
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let outsider = app.dar.agent.clone(); // first in line, but not in the team
    let member = user(app, "dar", "member", Role::Agent).await;
    team(app, &manager, &[&member]).await;
    let manager = reload(app, &manager).await;
    let lead = created(app, "dar", &token(&manager), json!({"name": "Team lead"})).await;
    assert_eq!(lead["assigneeId"], member.id.as_str());
    assert_ne!(lead["assigneeId"], outsider.id.as_str());
}

// ---------------------------------------------------------------------------------------------
// Isolation

async fn agents_and_agencies_are_isolated(app: &TestApp) {
    let a2 = user(app, "dar", "agent2", Role::Agent).await;
    let lead = created(app, "dar", &token(&app.dar.agent), json!({"name": "Private"})).await;
    let path = format!("/api/v1/leads/{}", id(&lead));
    let not_found = |res: Res, what: &str| {
        assert_eq!((res.status, res.code().as_str()), (404, "lead.not_found"), "{what}: {}", res.body);
        res.body
    };
    let routes = |host: &'static str, tok: String| {
        let path = path.clone();
        async move {
            vec![
                ("get", call(app, Method::GET, host, &path, &tok).send().await),
                ("patch", call(app, Method::PATCH, host, &path, &tok).json(&json!({"name": "Mine"})).send().await),
                ("delete", call(app, Method::DELETE, host, &path, &tok).send().await),
                (
                    "assign",
                    call(app, Method::POST, host, &format!("{path}/assign"), &tok)
                        .json(&json!({"assigneeId": null}))
                        .send()
                        .await,
                ),
                (
                    "status",
                    call(app, Method::POST, host, &format!("{path}/status"), &tok)
                        .json(&json!({"status": "WON"}))
                        .send()
                        .await,
                ),
            ]
        }
    };
    // Another agent of the same agency.
    let missing =
        not_found(call(app, Method::GET, "dar", "/api/v1/leads/no-such-id", &token(&a2)).send().await, "missing");
    for (what, res) in routes("dar", token(&a2)).await {
        assert_eq!(not_found(res, what), missing, "{what}: hidden and missing look the same");
    }
    assert!(ids(app, &token(&a2), "sort=-createdAt").await.is_empty());
    // Another agency's admin, on their own host, and with their token on the bare host.
    for (what, res) in routes("harbor", token(&app.harbor.admin)).await {
        not_found(res, what);
    }
    for (what, res) in routes("", token(&app.harbor.admin)).await {
        not_found(res, what);
    }
    // Nothing changed.
    let after = call(app, Method::GET, "dar", &path, &token(&app.dar.agent)).send().await.json();
    assert_eq!((after["name"].as_str(), after["status"].as_str()), (Some("Private"), Some("NEW")));
    // A dar token on harbor's host is refused outright.
    let res = call(app, Method::GET, "harbor", &path, &token(&app.dar.admin)).send().await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
}

async fn manager_sees_team_and_unassigned(app: &TestApp) {
    routing(app, &app.dar.tenant.id, "MANUAL").await;
    let admin = token(&app.dar.admin);
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    team(app, &manager, &[&member]).await;
    let manager = reload(app, &manager).await;
    let team_lead = created(app, "dar", &admin, json!({"name": "Team", "assigneeId": member.id})).await;
    let pool_lead = created(app, "dar", &admin, json!({"name": "Pool"})).await;
    let other_lead = created(app, "dar", &admin, json!({"name": "Other", "assigneeId": app.dar.agent.id})).await;
    let seen: HashSet<String> = ids(app, &token(&manager), "sort=-createdAt").await.into_iter().collect();
    assert_eq!(seen, HashSet::from([id(&team_lead), id(&pool_lead)]));
    let res =
        call(app, Method::GET, "dar", &format!("/api/v1/leads/{}", id(&other_lead)), &token(&manager)).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "lead.not_found"));
    // The member sees only their own.
    assert_eq!(ids(app, &token(&member), "sort=-createdAt").await, vec![id(&team_lead)]);
}

// ---------------------------------------------------------------------------------------------
// Assign, status, update, delete

async fn assign_by_manager_refused_for_agents(app: &TestApp) {
    routing(app, &app.dar.tenant.id, "MANUAL").await;
    let admin = token(&app.dar.admin);
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    team(app, &manager, &[&member]).await;
    let manager = token(&reload(app, &manager).await);
    let lead = created(app, "dar", &admin, json!({"name": "Pool"})).await;
    let assign = |tok: String, lead: String, to: Value| async move {
        call(app, Method::POST, "dar", &format!("/api/v1/leads/{lead}/assign"), &tok)
            .json(&json!({"assigneeId": to}))
            .send()
            .await
    };

    let res = assign(manager.clone(), id(&lead), json!(member.id)).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["assigneeId"], member.id.as_str());
    // The member may read it now, but not give it away (the assigneeId field rule): 403.
    let res = assign(token(&member), id(&lead), json!(app.dar.agent.id)).await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    // An agent on a lead they cannot read: 404.
    let res = assign(token(&app.dar.agent), id(&lead), json!(app.dar.agent.id)).await;
    assert_eq!((res.status, res.code().as_str()), (404, "lead.not_found"));
    // A manager may not hand a lead to another team.
    let res = assign(manager.clone(), id(&lead), json!(app.dar.agent.id)).await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    // Unknown assignee.
    let res = assign(manager.clone(), id(&lead), json!("nobody")).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.invalid_assignee"));
    // Back to the pool, then the admin gives it to anyone.
    let res = assign(manager.clone(), id(&lead), Value::Null).await;
    assert_eq!((res.status, res.json()["assigneeId"].is_null()), (200, true));
    let res = assign(admin.clone(), id(&lead), json!(app.dar.agent.id)).await;
    assert_eq!(res.json()["assigneeId"], app.dar.agent.id.as_str());
    let now =
        call(app, Method::GET, "dar", &format!("/api/v1/leads/{}", id(&lead)), &token(&app.dar.agent)).send().await;
    assert_eq!(now.status, 200);
}

async fn status_change_needs_a_lost_reason(app: &TestApp) {
    let agent = token(&app.dar.agent);
    let lead = created(app, "dar", &agent, json!({"name": "Maybe"})).await;
    let path = format!("/api/v1/leads/{}/status", id(&lead));
    let status = |body: Value| call(app, Method::POST, "dar", &path, &agent).json(&body).send();
    let res = status(json!({"status": "LOST"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.lost_reason_required"));
    assert_eq!(res.json()["error"]["field"], "lostReason");
    let res = status(json!({"status": "LOST", "lostReason": "   "})).await;
    assert_eq!(res.code(), "lead.lost_reason_required");
    let res = status(json!({"status": "CONTACTED", "lostReason": "why"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.lost_reason_not_allowed"));
    let res = status(json!({"status": "LOST", "lostReason": "اشترى من وكالة أخرى"})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        (res.json()["status"].as_str(), res.json()["lostReason"].as_str()),
        (Some("LOST"), Some("اشترى من وكالة أخرى"))
    );
    let res = status(json!({"status": "CONTACTED"})).await;
    assert_eq!((res.json()["status"].as_str(), res.json()["lostReason"].is_null()), (Some("CONTACTED"), true));
}

async fn update_recomputes_search_and_delete_is_admin_only(app: &TestApp) {
    let agent = token(&app.dar.agent);
    let lead = created(app, "dar", &agent, json!({"name": "Old Name", "notes": "likes the sea", "tags": ["a"]})).await;
    let path = format!("/api/v1/leads/{}", id(&lead));
    let res = call(app, Method::PATCH, "dar", &path, &agent)
        .json(&json!({"name": "فاطمة", "phones": ["٠٥٥١١١٢٢٢٢"], "notes": null, "intent": "RENT", "minBedrooms": 2}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = res.json();
    assert_eq!(body["name"], "فاطمة");
    assert_eq!(body["phones"], json!(["+971551112222"]));
    assert!(body["notes"].is_null());
    assert_eq!((body["intent"].as_str(), body["minBedrooms"].as_i64()), (Some("RENT"), Some(2)));
    assert_eq!(body["tags"], json!(["a"]), "absent fields stay");
    assert_eq!(ids(app, &agent, "q=فاطمه").await, vec![id(&lead)]);
    assert_eq!(ids(app, &agent, "q=0551112222").await, vec![id(&lead)]);
    assert!(ids(app, &agent, "q=old").await.is_empty());
    assert!(ids(app, &agent, "q=sea").await.is_empty());
    let res = call(app, Method::PATCH, "dar", &path, &agent).json(&json!({"phones": ["123"]})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.invalid_phone"));
    let res = call(app, Method::PATCH, "dar", &path, &agent).json(&json!({"name": ""})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "lead.name_required"));

    // Deleting: the agent may read it but not delete it (403); the admin may (204).
    let res = call(app, Method::DELETE, "dar", &path, &agent).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = call(app, Method::DELETE, "dar", &path, &token(&app.dar.admin)).send().await;
    assert_eq!(res.status, 204);
    let res = call(app, Method::GET, "dar", &path, &token(&app.dar.admin)).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "lead.not_found"));
    let res = call(app, Method::DELETE, "dar", &path, &token(&app.dar.admin)).send().await;
    assert_eq!(res.status, 404);
}

// ---------------------------------------------------------------------------------------------
// Audit

async fn audit_history_is_for_admins(app: &TestApp) {
    let agent = token(&app.dar.agent);
    let admin = token(&app.dar.admin);
    let lead = created(app, "dar", &agent, json!({"name": "Audited"})).await;
    let lead_path = format!("/api/v1/leads/{}", id(&lead));
    call(app, Method::PATCH, "dar", &lead_path, &agent).json(&json!({"notes": "called"})).send().await;
    call(app, Method::POST, "dar", &format!("{lead_path}/status"), &agent)
        .json(&json!({"status": "LOST", "lostReason": "budget"}))
        .send()
        .await;
    let audit = |tok: String, query: String| {
        let path = format!("/api/v1/audit?model=Lead&recordId={}{query}", id(&lead));
        async move { call(app, Method::GET, "dar", &path, &tok).send().await }
    };
    let res = audit(admin.clone(), String::new()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let events = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.iter().all(|e| e["recordId"] == id(&lead).as_str() && e["model"] == "Lead"));
    assert!(events.iter().all(|e| e["actorId"] == app.dar.agent.id.as_str()));
    let mut actions: Vec<&str> = events.iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort_unstable();
    assert_eq!(actions, vec!["create", "update", "update"]);
    assert!(events.iter().any(|e| e["changes"].to_string().contains("budget")));
    let times: Vec<&str> = events.iter().map(|e| e["createdAt"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // Paged one by one, the same events.
    let mut paged = Vec::new();
    let mut cursor = String::new();
    loop {
        let res = audit(admin.clone(), format!("&limit=1{cursor}")).await.json();
        paged.extend(res["items"].as_array().unwrap().iter().map(|e| e["id"].clone()));
        match res["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(paged, events.iter().map(|e| e["id"].clone()).collect::<Vec<_>>());

    // Not for the agent who made the changes (the rules show them nothing), nor another agency.
    let res = audit(agent, String::new()).await;
    assert_eq!(res.status, 200);
    assert!(res.json()["items"].as_array().unwrap().is_empty());
    let res =
        call(app, Method::GET, "harbor", &format!("/api/v1/audit?recordId={}", id(&lead)), &token(&app.harbor.admin))
            .send()
            .await;
    assert!(res.json()["items"].as_array().unwrap().is_empty());
    let res = audit(admin, "&limit=500".to_owned()).await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid_query"));
}

crate::on_both_databases!(
    list_filters_sorts_and_paginates,
    search_folds_arabic_and_phone_digits,
    create_normalises_phones_and_email,
    malformed_json_and_unknown_fields,
    duplicates_are_refused_within_the_agency,
    round_robin_routing,
    manager_leads_are_routed_within_the_team,
    agents_and_agencies_are_isolated,
    manager_sees_team_and_unassigned,
    assign_by_manager_refused_for_agents,
    status_change_needs_a_lost_reason,
    update_recomputes_search_and_delete_is_admin_only,
    audit_history_is_for_admins,
);
