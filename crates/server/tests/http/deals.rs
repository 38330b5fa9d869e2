//! The Deals API: create (references, defaults, validation), read, edit, delete; filters, sorts
//! and cursor pages (NULL closing dates last); who sees and changes what (agent, manager's team,
//! admin; the commission field rule); stage moves and their history in the audit log.

use std::collections::HashSet;

use app::users::{NewUser, UserView};
use domain::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Res, SECRET, TestApp};

// ---------------------------------------------------------------------------------------------
// Fixtures (shared with activities.rs)

/// A signed access token for `user` (the server reads the user row on every request anyway).
pub(crate) fn token(user: &UserView) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"sub": user.id, "tid": user.tenant_id, "aud": "manzil", "exp": now + 600, "iat": now, "jti": "t"});
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
}

/// A new (invited) user of agency `slug`.
pub(crate) async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
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

/// A team led by `manager`, with `members` (the manager is a member too).
pub(crate) async fn team(app: &TestApp, manager: &UserView, members: &[&UserView]) {
    let team = app
        .app
        .db
        .as_system("test: create a team")
        .create("Team", json!({"data": {"tenantId": manager.tenant_id, "name": "Marina", "managerId": manager.id}}))
        .await
        .unwrap();
    for m in members.iter().copied().chain([manager]) {
        app.update_user(m, json!({"teamId": team["id"]})).await;
    }
}

/// A lead of `tenant_id` assigned to `assignee` (or to nobody), written behind the API's back.
pub(crate) async fn lead(app: &TestApp, tenant_id: &str, name: &str, assignee: Option<&UserView>) -> String {
    let row = app
        .app
        .db
        .as_system("test: create a lead")
        .create("Lead", json!({"data": {"tenantId": tenant_id, "name": name, "assigneeId": assignee.map(|u| &u.id)}}))
        .await
        .unwrap();
    row["id"].as_str().unwrap().to_owned()
}

/// A listing of `tenant_id`, written behind the API's back.
pub(crate) async fn listing(app: &TestApp, tenant_id: &str, reference: &str) -> String {
    let data = json!({
        "tenantId": tenant_id, "reference": reference, "titleEn": "Villa", "titleAr": "فيلا",
        "purpose": "SALE", "type": "VILLA", "city": "Dubai", "price": "2500000", "currency": "AED",
    });
    let row = app.app.db.as_system("test: create a listing").create("Property", json!({ "data": data })).await;
    row.unwrap()["id"].as_str().unwrap().to_owned()
}

pub(crate) fn call(app: &TestApp, method: Method, path: &str, token: &str) -> crate::support::Req {
    app.request(method, "dar", path).bearer(token)
}

pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

/// Reads every page of `path?query` with `limit`, asserting no page is larger than asked.
pub(crate) async fn all_pages(app: &TestApp, token: &str, path: &str, query: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    for _ in 0..50 {
        let res = call(app, Method::GET, &format!("{path}?{query}&limit={limit}{cursor}"), token).send().await;
        assert_eq!(res.status, 200, "{query}: {}", res.body);
        let body = res.json();
        let items = body["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().map(id));
        match body["nextCursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => return out,
        }
    }
    panic!("pagination did not end");
}

async fn create(app: &TestApp, token: &str, body: Value) -> Res {
    call(app, Method::POST, "/api/v1/deals", token).json(&body).send().await
}

/// Creates a deal and returns it, failing the test on anything but 201.
async fn created(app: &TestApp, token: &str, body: Value) -> Value {
    let res = create(app, token, body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn path(deal: &Value) -> String {
    format!("/api/v1/deals/{}", id(deal))
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = call(app, Method::GET, &format!("/api/v1/deals?{query}"), token).send().await;
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"].as_array().unwrap().iter().map(id).collect()
}

fn amount(v: &Value) -> f64 {
    v.as_str().unwrap_or_else(|| panic!("not a decimal string: {v}")).parse().unwrap()
}

// ---------------------------------------------------------------------------------------------
// Create, read, edit, delete

async fn crud_with_defaults(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let lead_id = lead(app, &app.dar.tenant.id, "Salma", Some(agent)).await;
    let villa = listing(app, &app.dar.tenant.id, "DAR-1").await;
    // The agency's currency is the default.
    app.app
        .db
        .as_system("test: change the agency's currency")
        .update("Tenant", json!({"where": {"id": app.dar.tenant.id}, "data": {"currency": "SAR"}}))
        .await
        .unwrap();

    let res = create(
        app,
        &admin,
        json!({"leadId": lead_id, "propertyId": villa, "value": 1850000.5, "commission": "37000", "expectedCloseAt": "2026-06-30"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let deal = res.json();
    assert_eq!(res.headers["location"].to_str().unwrap(), path(&deal));
    assert_eq!(deal["stage"], "OFFER");
    assert_eq!(deal["currency"], "SAR");
    assert_eq!(amount(&deal["value"]), 1_850_000.5);
    assert_eq!(amount(&deal["commission"]), 37_000.0);
    assert_eq!(deal["propertyId"], villa.as_str());
    assert_eq!(deal["expectedCloseAt"], "2026-06-30T00:00:00.000Z");
    // An admin naming no agent: the lead's assignee works the deal.
    assert_eq!(deal["agentId"], agent.id.as_str());

    let got = call(app, Method::GET, &path(&deal), &admin).send().await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), deal);

    // A partial edit: absent fields stay, null clears.
    let res = call(app, Method::PATCH, &path(&deal), &admin)
        .json(&json!({"value": "1900000", "currency": "aed", "propertyId": null, "expectedCloseAt": "2026-07-15T12:00:00+04:00"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let edited = res.json();
    assert_eq!(amount(&edited["value"]), 1_900_000.0);
    assert_eq!(edited["currency"], "AED");
    assert_eq!(edited["propertyId"], Value::Null);
    assert_eq!(edited["expectedCloseAt"], "2026-07-15T08:00:00.000Z");
    assert_eq!(amount(&edited["commission"]), 37_000.0, "untouched");
    let res = call(app, Method::PATCH, &path(&deal), &admin)
        .json(&json!({"commission": null, "expectedCloseAt": null, "agentId": null}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let cleared = res.json();
    assert_eq!(
        (&cleared["commission"], &cleared["expectedCloseAt"], &cleared["agentId"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    // An empty edit changes nothing.
    let res = call(app, Method::PATCH, &path(&deal), &admin).json(&json!({})).send().await;
    assert_eq!(res.json(), cleared);

    let res = call(app, Method::DELETE, &path(&deal), &admin).send().await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = call(app, Method::GET, &path(&deal), &admin).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "deal.not_found"));
    let res = call(app, Method::DELETE, &path(&deal), &admin).send().await;
    assert_eq!(res.status, 404);
}

async fn validation_errors(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = token(&app.dar.agent);
    let lead_id = lead(app, &app.dar.tenant.id, "Valid", Some(&app.dar.agent)).await;
    let bad = |tok: String, body: Value| async move { create(app, &tok, body).await };
    let expect = |res: Res, code: &str, field: Option<&str>| {
        assert_eq!((res.status, res.code().as_str()), (400, code), "{}", res.body);
        if let Some(field) = field {
            assert_eq!(res.json()["error"]["field"], field, "{}", res.body);
        }
    };

    // Amounts: non-negative decimals only.
    for value in
        [json!("-5"), json!(-5), json!("1e9"), json!("12,5"), json!("abc"), json!(""), json!(true), json!(null)]
    {
        expect(bad(admin.clone(), json!({"leadId": lead_id, "value": value})).await, "request.invalid", None);
    }
    expect(
        bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "commission": "-1"})).await,
        "request.invalid",
        None,
    );
    expect(bad(admin.clone(), json!({"leadId": lead_id})).await, "request.invalid", None);
    expect(bad(admin.clone(), json!({"value": "1"})).await, "request.invalid", None);
    // Unknown fields, a stage on create, malformed JSON, no JSON at all.
    expect(bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "notes": "x"})).await, "request.invalid", None);
    expect(
        bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "stage": "CONTRACT"})).await,
        "request.invalid",
        None,
    );
    let res = call(app, Method::POST, "/api/v1/deals", &admin).body("application/json", "{\"leadId\": ").send().await;
    expect(res, "request.malformed_json", None);
    let res = call(app, Method::POST, "/api/v1/deals", &admin).body("text/plain", "leadId=x").send().await;
    assert_eq!(res.status, 415);

    // References the caller cannot read answer 400 — exactly like missing ones, never 404.
    let harbor_lead = lead(app, &app.harbor.tenant.id, "Harbor", Some(&app.harbor.agent)).await;
    let colleague_lead = lead(app, &app.dar.tenant.id, "Colleague's", Some(&app.dar.admin)).await;
    for (tok, missing) in [
        (&admin, harbor_lead.as_str()),
        (&admin, "00000000-0000-4000-8000-000000000000"),
        (&agent, colleague_lead.as_str()),
        (&agent, harbor_lead.as_str()),
        (&admin, "  "),
    ] {
        let res = bad(tok.clone(), json!({"leadId": missing, "value": "1"})).await;
        assert!(!res.body.contains(&app.harbor.tenant.id));
        expect(res, "deal.invalid_lead", Some("leadId"));
    }
    let harbor_villa = listing(app, &app.harbor.tenant.id, "HB-1").await;
    expect(
        bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "propertyId": harbor_villa})).await,
        "deal.invalid_property",
        Some("propertyId"),
    );
    let gone = user(app, "dar", "gone", Role::Agent).await;
    app.update_user(&gone, json!({"active": false})).await;
    for agent_id in [&gone.id, &app.harbor.agent.id] {
        expect(
            bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "agentId": agent_id})).await,
            "deal.invalid_agent",
            Some("agentId"),
        );
    }
    for currency in ["DIRHAM", "A1D", ""] {
        expect(
            bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "currency": currency})).await,
            "deal.invalid_currency",
            Some("currency"),
        );
    }
    expect(
        bad(admin.clone(), json!({"leadId": lead_id, "value": "1", "expectedCloseAt": "next week"})).await,
        "deal.invalid_date",
        Some("expectedCloseAt"),
    );

    // Edits: the same checks; null where a value is required, and the stage, are refused.
    let deal = created(app, &admin, json!({"leadId": lead_id, "value": "10"})).await;
    for body in [
        json!({"value": null}),
        json!({"value": "-1"}),
        json!({"leadId": null}),
        json!({"currency": null}),
        json!({"stage": "CONTRACT"}),
        json!({"id": "x"}),
    ] {
        let res = call(app, Method::PATCH, &path(&deal), &admin).json(&body).send().await;
        expect(res, "request.invalid", None);
    }
    let res = call(app, Method::PATCH, &path(&deal), &admin).json(&json!({"leadId": harbor_lead})).send().await;
    expect(res, "deal.invalid_lead", Some("leadId"));
    let res = call(app, Method::PATCH, &path(&deal), &admin).json(&json!({"agentId": gone.id})).send().await;
    expect(res, "deal.invalid_agent", Some("agentId"));
    let res =
        call(app, Method::PATCH, &path(&deal), &admin).json(&json!({"expectedCloseAt": "31/12/2026"})).send().await;
    expect(res, "deal.invalid_date", Some("expectedCloseAt"));
    let res = call(app, Method::POST, &format!("{}/stage", path(&deal)), &admin)
        .json(&json!({"stage": "SIGNED"}))
        .send()
        .await;
    expect(res, "request.invalid", None);
    // Well-formed JSON of the wrong shape is `request.invalid`, also `null` for an enum.
    for body in [json!({"stage": null}), json!({}), json!("CONTRACT")] {
        let res = call(app, Method::POST, &format!("{}/stage", path(&deal)), &admin).json(&body).send().await;
        expect(res, "request.invalid", None);
    }
    // Nothing of that changed the deal.
    let res = call(app, Method::GET, &path(&deal), &admin).send().await;
    assert_eq!(res.json(), deal);
}

// ---------------------------------------------------------------------------------------------
// List, filter, sort, paginate

async fn list_filters_sorts_and_paginates(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let other = user(app, "dar", "other", Role::Agent).await;
    let lead_a = lead(app, &app.dar.tenant.id, "A", Some(agent)).await;
    let lead_b = lead(app, &app.dar.tenant.id, "B", Some(&other)).await;
    let villa = listing(app, &app.dar.tenant.id, "DAR-7").await;
    // (lead, agent, value, expected close, stage)
    let specs = [
        (&lead_a, agent, "500000", Some("2026-05-01"), "OFFER"),
        (&lead_a, agent, "1500000", None, "CONTRACT"),
        (&lead_b, &other, "90000", Some("2026-06-15"), "OFFER"),
        (&lead_b, &other, "2500000", Some("2026-06-30T20:00:00Z"), "CLOSED_WON"),
        (&lead_a, agent, "750000.25", None, "RESERVATION"),
        (&lead_b, &other, "1200000", Some("2026-07-01"), "CLOSED_LOST"),
        (&lead_a, agent, "300000", Some("2026-05-01"), "OFFER"),
    ];
    let mut made = Vec::new();
    for (i, (lead_id, who, value, close, stage)) in specs.iter().enumerate() {
        let mut body = json!({"leadId": lead_id, "agentId": who.id, "value": value, "expectedCloseAt": close});
        if i == 0 {
            body["propertyId"] = json!(villa);
        }
        let deal = created(app, &admin, body).await;
        if *stage != "OFFER" {
            let res = call(app, Method::POST, &format!("{}/stage", path(&deal)), &admin)
                .json(&json!({"stage": stage}))
                .send()
                .await;
            assert_eq!(res.status, 200, "{}", res.body);
        }
        made.push(id(&deal));
    }
    let set = |ids: Vec<String>| ids.into_iter().collect::<HashSet<_>>();
    let pick = |idx: &[usize]| idx.iter().map(|&i| made[i].clone()).collect::<HashSet<_>>();

    // Newest first by default.
    let mut newest = made.clone();
    newest.reverse();
    assert_eq!(ids(app, &admin, "").await, newest);
    assert_eq!(set(ids(app, &admin, "stage=offer,CONTRACT").await), pick(&[0, 1, 2, 6]));
    assert_eq!(set(ids(app, &admin, &format!("agentId={}", other.id)).await), pick(&[2, 3, 5]));
    assert_eq!(set(ids(app, &admin, &format!("leadId={lead_a}")).await), pick(&[0, 1, 4, 6]));
    assert_eq!(ids(app, &admin, &format!("propertyId={villa}")).await, vec![made[0].clone()]);
    assert_eq!(
        set(ids(app, &admin, "expectedCloseFrom=2026-06-01&expectedCloseTo=2026-06-30").await),
        pick(&[2, 3]),
        "the whole last day"
    );
    assert_eq!(set(ids(app, &admin, "expectedCloseTo=2026-05-01").await), pick(&[0, 6]));
    assert_eq!(set(ids(app, &admin, &format!("stage=OFFER&leadId={lead_a}")).await), pick(&[0, 6]));

    // By value, both ways, a page of two at a time: the same order as sorted all at once.
    let by_value = |desc: bool| {
        let mut v: Vec<(f64, String)> =
            specs.iter().zip(&made).map(|(s, id)| (s.2.parse::<f64>().unwrap(), id.clone())).collect();
        v.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
        if desc {
            v.reverse();
        }
        v.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    assert_eq!(all_pages(app, &admin, "/api/v1/deals", "sort=value", 2).await, by_value(false));
    assert_eq!(all_pages(app, &admin, "/api/v1/deals", "sort=-value", 2).await, by_value(true));
    assert_eq!(all_pages(app, &admin, "/api/v1/deals", "sort=-createdAt", 3).await, newest);

    // By expected closing date: deals without one come last in either direction, and pages of
    // two cross from dated to undated deals without losing or repeating one.
    for (query, limit) in [("sort=expectedCloseAt", 2), ("sort=-expectedCloseAt", 2), ("sort=expectedCloseAt", 4)] {
        let paged = all_pages(app, &admin, "/api/v1/deals", query, limit).await;
        assert_eq!(paged.len(), made.len(), "{query}: {paged:?}");
        assert_eq!(set(paged.clone()), set(made.clone()));
        let undated: HashSet<String> = pick(&[1, 4]);
        assert!(paged[5..].iter().all(|id| undated.contains(id)), "{query}: undated last");
        let dated: Vec<usize> = paged[..5].iter().map(|id| made.iter().position(|m| m == id).unwrap()).collect();
        let days: Vec<&str> = dated.iter().map(|&i| specs[i].3.unwrap()).collect();
        let mut sorted = days.clone();
        sorted.sort_unstable();
        if query.contains('-') {
            sorted.reverse();
        }
        assert_eq!(days, sorted, "{query}");
    }

    // Bad queries.
    for (query, code) in [
        ("sort=commission", "request.invalid_query"),
        ("stage=SIGNED", "request.invalid_query"),
        ("limit=0", "request.invalid_query"),
        ("limit=101", "request.invalid_query"),
        ("expectedCloseFrom=soon", "request.invalid_query"),
        ("owner=me", "request.invalid_query"),
        ("cursor=garbage", "request.invalid_cursor"),
    ] {
        let res = call(app, Method::GET, &format!("/api/v1/deals?{query}"), &admin).send().await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{query}: {}", res.body);
    }
    // A cursor belongs to its order.
    let res = call(app, Method::GET, "/api/v1/deals?sort=value&limit=1", &admin).send().await.json();
    let cursor = res["nextCursor"].as_str().unwrap();
    let res = call(app, Method::GET, &format!("/api/v1/deals?sort=createdAt&cursor={cursor}"), &admin).send().await;
    assert_eq!(res.code(), "request.invalid_cursor");
}

// ---------------------------------------------------------------------------------------------
// Who sees and changes what

async fn agents_see_and_change_only_their_deals(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = token(&app.dar.agent);
    let other = user(app, "dar", "other", Role::Agent).await;
    let other_tok = token(&other);
    let mine = lead(app, &app.dar.tenant.id, "Mine", Some(&app.dar.agent)).await;
    let theirs = lead(app, &app.dar.tenant.id, "Theirs", Some(&other)).await;

    // An agent opens a deal on their own lead, for themselves (by default), without commission.
    let deal = created(app, &agent, json!({"leadId": mine, "value": "800000"})).await;
    assert_eq!(deal["agentId"], app.dar.agent.id.as_str());
    assert_eq!(deal["commission"], Value::Null);
    for (body, why) in [
        (json!({"leadId": mine, "value": "1", "commission": "5000"}), "an agent may not set the commission"),
        (json!({"leadId": mine, "value": "1", "agentId": other.id}), "nor open a deal for someone else"),
    ] {
        let res = create(app, &agent, body).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{why}: {}", res.body);
    }
    let res = create(app, &agent, json!({"leadId": theirs, "value": "1"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "deal.invalid_lead"), "a lead they cannot read");

    // The admin sets the commission; the deal's agent reads it.
    let res = call(app, Method::PATCH, &path(&deal), &admin).json(&json!({"commission": "16000"})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = call(app, Method::GET, &path(&deal), &agent).send().await;
    assert_eq!(amount(&res.json()["commission"]), 16_000.0);

    // The agent edits what is theirs to edit, but not the commission, the agent or the lead.
    let res = call(app, Method::PATCH, &path(&deal), &agent).json(&json!({"value": "820000"})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    for body in [
        json!({"commission": "99999"}),
        json!({"commission": null}),
        json!({"agentId": other.id}),
        json!({"leadId": mine}),
    ] {
        let res = call(app, Method::PATCH, &path(&deal), &agent).json(&body).send().await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{body}: {}", res.body);
    }
    // Nor delete it: that is for admins.
    let res = call(app, Method::DELETE, &path(&deal), &agent).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));

    // The other agent sees none of it: not in the list, 404 everywhere.
    assert!(ids(app, &other_tok, "").await.is_empty());
    for (method, suffix, body) in [
        (Method::GET, "", None),
        (Method::PATCH, "", Some(json!({"value": "1"}))),
        (Method::DELETE, "", None),
        (Method::POST, "/stage", Some(json!({"stage": "CLOSED_LOST"}))),
    ] {
        let mut req = call(app, method.clone(), &format!("{}{suffix}", path(&deal)), &other_tok);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let res = req.send().await;
        assert_eq!((res.status, res.code().as_str()), (404, "deal.not_found"), "{method} {suffix}");
    }
    assert_eq!(ids(app, &agent, "").await, vec![id(&deal)]);

    // Given to the other agent, the deal (and its commission) leaves the first agent entirely:
    // no partial view with the commission blanked, the whole deal is gone.
    let res = call(app, Method::PATCH, &path(&deal), &admin).json(&json!({"agentId": other.id})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = call(app, Method::GET, &path(&deal), &agent).send().await;
    assert_eq!(res.status, 404);
    let res = call(app, Method::GET, &path(&deal), &other_tok).send().await;
    assert_eq!(amount(&res.json()["commission"]), 16_000.0, "the deal's agent reads the commission");

    // Another agency never sees it.
    let res = app.get("harbor", &path(&deal)).bearer(&token(&app.harbor.admin)).send().await;
    assert_eq!(res.status, 404);
}

async fn managers_work_their_team_and_admins_all(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    team(app, &manager, &[&member]).await;
    let manager_tok = token(&manager);
    let outsider = &app.dar.agent; // no team
    let team_lead = lead(app, &app.dar.tenant.id, "Team", Some(&member)).await;
    let pool_lead = lead(app, &app.dar.tenant.id, "Pool", None).await;
    let outside_lead = lead(app, &app.dar.tenant.id, "Outside", Some(outsider)).await;

    // A manager opens deals on the team's leads, sets the commission, names a team member.
    let team_deal = created(
        app,
        &manager_tok,
        json!({"leadId": team_lead, "value": "1000000", "commission": "20000", "agentId": member.id}),
    )
    .await;
    assert_eq!(amount(&team_deal["commission"]), 20_000.0);
    let pool_deal = created(app, &manager_tok, json!({"leadId": pool_lead, "value": "500000"})).await;
    assert_eq!(pool_deal["agentId"], Value::Null, "an unassigned lead gives no agent");
    // …but not for an agent outside the team, nor on a lead outside it.
    let res = create(app, &manager_tok, json!({"leadId": team_lead, "value": "1", "agentId": outsider.id})).await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
    let res = create(app, &manager_tok, json!({"leadId": outside_lead, "value": "1"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "deal.invalid_lead"));

    let outside_deal =
        created(app, &admin, json!({"leadId": outside_lead, "value": "700000", "commission": "1"})).await;
    assert_eq!(outside_deal["agentId"], outsider.id.as_str());

    let seen: HashSet<String> = ids(app, &manager_tok, "").await.into_iter().collect();
    assert_eq!(seen, HashSet::from([id(&team_deal), id(&pool_deal)]));
    let res = call(app, Method::GET, &path(&outside_deal), &manager_tok).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "deal.not_found"));
    // The member sees their own deal, with its commission; the admin sees everything.
    assert_eq!(ids(app, &token(&member), "").await, vec![id(&team_deal)]);
    let res = call(app, Method::GET, &path(&team_deal), &token(&member)).send().await;
    assert_eq!(amount(&res.json()["commission"]), 20_000.0);
    let all: HashSet<String> = ids(app, &admin, "").await.into_iter().collect();
    assert_eq!(all, HashSet::from([id(&team_deal), id(&pool_deal), id(&outside_deal)]));

    // The manager edits the commission, but may not hand the deal out of the team.
    let res =
        call(app, Method::PATCH, &path(&team_deal), &manager_tok).json(&json!({"commission": "25000"})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res =
        call(app, Method::PATCH, &path(&team_deal), &manager_tok).json(&json!({"agentId": outsider.id})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
    let res = call(app, Method::GET, &path(&team_deal), &admin).send().await;
    assert_eq!(res.json()["agentId"], member.id.as_str(), "unchanged");
    // Deleting stays with the admin.
    let res = call(app, Method::DELETE, &path(&team_deal), &manager_tok).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = call(app, Method::DELETE, &path(&team_deal), &admin).send().await;
    assert_eq!(res.status, 204);
}

// ---------------------------------------------------------------------------------------------
// Stages and their history

async fn stage_moves_and_their_audit_history(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = token(&app.dar.agent);
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, &manager, &[&app.dar.agent]).await;
    let manager = token(&manager);
    let lead_id = lead(app, &app.dar.tenant.id, "Staged", Some(&app.dar.agent)).await;
    let deal = created(app, &agent, json!({"leadId": lead_id, "value": "1200000"})).await;
    let stage_path = format!("{}/stage", path(&deal));
    let mv = |tok: String, stage: &'static str| {
        let stage_path = stage_path.clone();
        async move { call(app, Method::POST, &stage_path, &tok).json(&json!({"stage": stage})).send().await }
    };
    let moved = |res: Res, stage: &str| {
        assert_eq!(res.status, 200, "to {stage}: {}", res.body);
        assert_eq!(res.json()["stage"], stage);
    };

    // Forward, skipping a stage; back to correct it; forward again; closed.
    moved(mv(agent.clone(), "CONTRACT").await, "CONTRACT");
    moved(mv(agent.clone(), "RESERVATION").await, "RESERVATION");
    moved(mv(agent.clone(), "CONTRACT").await, "CONTRACT");
    moved(mv(agent.clone(), "CLOSED_WON").await, "CLOSED_WON");
    // The same stage again changes nothing (and records nothing).
    moved(mv(agent.clone(), "CLOSED_WON").await, "CLOSED_WON");
    // A closed deal is final for the agent: no move, no edit.
    for stage in ["CONTRACT", "CLOSED_LOST", "OFFER"] {
        let res = mv(agent.clone(), stage).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{stage}");
    }
    let res = call(app, Method::PATCH, &path(&deal), &agent).json(&json!({"value": "1"})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    // A manager reopens it; then the agent may move it again, and loses it.
    moved(mv(manager.clone(), "CONTRACT").await, "CONTRACT");
    moved(mv(agent.clone(), "CLOSED_LOST").await, "CLOSED_LOST");
    // An admin re-closes it the other way.
    moved(mv(admin.clone(), "CLOSED_WON").await, "CLOSED_WON");

    // The audit log holds every move: who, from, to.
    let res = call(app, Method::GET, &format!("/api/v1/audit?model=Deal&recordId={}&limit=100", id(&deal)), &admin)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let events = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(events.iter().filter(|e| e["action"] == "create").count(), 1);
    let create = events.iter().find(|e| e["action"] == "create").unwrap();
    assert_eq!(create["changes"]["stage"], "OFFER");
    let mut moves: Vec<(String, String, String)> = events
        .iter()
        .filter(|e| e["action"] == "update" && e["changes"]["stage"].is_object())
        .map(|e| {
            let s = &e["changes"]["stage"];
            (
                s["from"].as_str().unwrap().to_owned(),
                s["to"].as_str().unwrap().to_owned(),
                e["actorId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    moves.sort();
    let (agent_id, admin_id) = (app.dar.agent.id.clone(), app.dar.admin.id.clone());
    let manager_id = events.iter().find_map(|e| {
        let who = e["actorId"].as_str()?;
        (who != agent_id && who != admin_id).then(|| who.to_owned())
    });
    let manager_id = manager_id.expect("the manager's move is recorded");
    let mut expected: Vec<(String, String, String)> = [
        ("OFFER", "CONTRACT", &agent_id),
        ("CONTRACT", "RESERVATION", &agent_id),
        ("RESERVATION", "CONTRACT", &agent_id),
        ("CONTRACT", "CLOSED_WON", &agent_id),
        ("CLOSED_WON", "CONTRACT", &manager_id),
        ("CONTRACT", "CLOSED_LOST", &agent_id),
        ("CLOSED_LOST", "CLOSED_WON", &admin_id),
    ]
    .into_iter()
    .map(|(a, b, who)| (a.to_owned(), b.to_owned(), who.clone()))
    .collect();
    expected.sort();
    assert_eq!(moves, expected);
    // The agent who made most of it reads no history (the log is for admins).
    let res = call(app, Method::GET, &format!("/api/v1/audit?model=Deal&recordId={}", id(&deal)), &agent).send().await;
    assert!(res.json()["items"].as_array().unwrap().is_empty());
}

async fn documented_in_openapi(app: &TestApp) {
    let doc = app.get("", "/api/v1/openapi.json").send().await.json();
    for schema in ["DealView", "NewDeal", "DealPatch", "MoveStage", "DealStage"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    let list = &doc["paths"]["/api/v1/deals"]["get"];
    let params: Vec<&str> = list["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    for p in
        ["stage", "agentId", "leadId", "propertyId", "expectedCloseFrom", "expectedCloseTo", "sort", "limit", "cursor"]
    {
        assert!(params.contains(&p), "{p} in {params:?}");
    }
    assert!(doc["paths"]["/api/v1/deals/{id}/stage"]["post"].is_object());
}

crate::on_both_databases!(
    crud_with_defaults,
    validation_errors,
    list_filters_sorts_and_paginates,
    agents_see_and_change_only_their_deals,
    managers_work_their_team_and_admins_all,
    stage_moves_and_their_audit_history,
    documented_in_openapi,
);
