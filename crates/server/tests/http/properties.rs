//! The listings API: create/read/edit/delete with validation, filters, Arabic search, cursor
//! pages, the role rules (agents list their own, managers their team's, only admins delete),
//! the owner's contact hidden field by field, and another agency's listings never seen.

use std::collections::HashSet;

use app::users::{NewUser, UserView};
use domain::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Method;
use serde_json::{Value, json};

use crate::imports::multipart;
use crate::support::{Res, SECRET, TestApp};

// ---------------------------------------------------------------------------------------------
// Fixtures (shared with matching.rs)

/// A signed access token for `user` (no login round trip: the server reads the user row anyway).
pub fn token(user: &UserView) -> String {
    let now = chrono::Utc::now().timestamp();
    let claims =
        json!({"sub": user.id, "tid": user.tenant_id, "aud": "manzil", "exp": now + 600, "iat": now, "jti": "t"});
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
}

/// A new (invited) user of agency `slug`.
pub async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
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

/// Puts `manager` and `members` in one new team of the manager's agency.
pub async fn team(app: &TestApp, manager: &UserView, members: &[&UserView]) {
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

pub fn call(app: &TestApp, method: Method, host: &str, path: &str, token: &str) -> crate::support::Req {
    app.request(method, host, path).bearer(token)
}

/// A valid new listing with `reference`.
pub fn body(reference: &str) -> Value {
    json!({
        "reference": reference,
        "titleEn": format!("Listing {reference}"),
        "titleAr": format!("عقار {reference}"),
        "purpose": "SALE",
        "type": "APARTMENT",
        "city": "Dubai",
        "price": "1000000",
    })
}

/// `base` with the fields of `extra` set.
pub fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

pub async fn create(app: &TestApp, host: &str, token: &str, body: &Value) -> Res {
    call(app, Method::POST, host, "/api/v1/properties", token).json(body).send().await
}

/// Creates a listing, failing the test on anything but 201.
pub async fn created(app: &TestApp, host: &str, token: &str, body: Value) -> Value {
    let res = create(app, host, token, &body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn patch(app: &TestApp, token: &str, listing: &str, body: Value) -> Res {
    call(app, Method::PATCH, "dar", &format!("/api/v1/properties/{listing}"), token).json(&body).send().await
}

async fn get(app: &TestApp, token: &str, listing: &str) -> Res {
    call(app, Method::GET, "dar", &format!("/api/v1/properties/{listing}"), token).send().await
}

async fn list(app: &TestApp, token: &str, query: &str) -> Res {
    call(app, Method::GET, "dar", &format!("/api/v1/properties?{query}"), token).send().await
}

/// The references of one list page (status 200 asserted).
async fn refs(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = list(app, token, query).await;
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"].as_array().unwrap().iter().map(|l| l["reference"].as_str().unwrap().to_owned()).collect()
}

fn set(v: Vec<String>) -> HashSet<String> {
    v.into_iter().collect()
}

fn expect_error(res: &Res, status: u16, code: &str, field: Option<&str>) {
    assert_eq!(res.status, status, "{}", res.body);
    assert_eq!(res.code(), code, "{}", res.body);
    if let Some(field) = field {
        assert_eq!(res.json()["error"]["field"], field, "{}", res.body);
    }
}

/// A file attached to a record of `host`, uploaded by `token`.
pub async fn upload(app: &TestApp, host: &str, token: &str, owner_type: &str, owner_id: &str) -> String {
    let (ct, bytes) = multipart(&[("ownerType", owner_type), ("ownerId", owner_id)], "front.png", "image/png", PNG);
    let res = app.post(host, "/api/v1/files").bearer(token).body(&ct, bytes).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    id(&res.json())
}

/// The smallest PNG signature the upload sniffer accepts.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

// ---------------------------------------------------------------------------------------------
// Create, read, edit, delete; validation

async fn crud_and_validation(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;

    let new = with(
        body("DAR-1"),
        json!({
            "type": "town house",
            "community": " Dubai Marina ",
            "bedrooms": 2,
            "bathrooms": 3,
            "areaSqm": 120.5,
            "price": 1250000.5,
            "listingAgentId": agent.id,
            "ownerName": "سالم",
            "ownerPhone": "٠٥٠ ١٢٣ ٤٥٦٧",
            "permitNumber": "P-77",
            "permitExpiresAt": "2027-01-31",
        }),
    );
    let res = create(app, "dar", &admin, &new).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let listing = res.json();
    let lid = id(&listing);
    assert_eq!(res.headers.get("location").unwrap().to_str().unwrap(), format!("/api/v1/properties/{lid}"));
    assert_eq!(listing["type"], "TOWN_HOUSE");
    assert_eq!(listing["community"], "Dubai Marina");
    assert_eq!(listing["currency"], "AED", "the agency's currency by default");
    assert_eq!(listing["status"], "DRAFT");
    assert_eq!(listing["ownerPhone"], "+971501234567");
    assert_eq!(listing["permitExpiresAt"], "2027-01-31T00:00:00.000Z");
    assert_eq!(listing["listingAgentId"], json!(agent.id));
    assert_eq!(listing["price"].as_str().unwrap().parse::<f64>().unwrap(), 1_250_000.5);
    assert!(listing.get("searchText").is_none() && listing.get("tenantId").is_none(), "{listing}");
    assert_eq!(get(app, &admin, &lid).await.json(), listing);

    // Partial edit: absent fields stay, null clears.
    let res = patch(
        app,
        &admin,
        &lid,
        json!({"titleEn": "Marina view", "community": null, "price": "1195000", "status": "AVAILABLE"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let edited = res.json();
    assert_eq!(edited["titleEn"], "Marina view");
    assert_eq!(edited["community"], Value::Null);
    assert_eq!(edited["price"].as_str().unwrap().parse::<f64>().unwrap(), 1_195_000.0);
    assert_eq!(edited["status"], "AVAILABLE");
    assert_eq!(edited["bedrooms"], 2, "untouched");
    assert_eq!(edited["ownerPhone"], "+971501234567", "untouched");
    // The search column follows the edit.
    assert_eq!(refs(app, &admin, "q=marina%20view").await, vec!["DAR-1"]);
    assert!(refs(app, &admin, "q=dubai%20marina").await.is_empty(), "the cleared community is no longer searched");
    // An empty edit answers the listing as it is.
    assert_eq!(patch(app, &admin, &lid, json!({})).await.json(), edited);

    // Validation, each on its field.
    let bad = |extra: Value| with(body("DAR-X"), extra);
    for (extra, code, field) in [
        (json!({"price": "-1"}), "property.invalid_price", "price"),
        (json!({"price": "1,000"}), "property.invalid_price", "price"),
        (json!({"price": -5}), "property.invalid_price", "price"),
        (json!({"currency": "aed"}), "property.invalid_currency", "currency"),
        (json!({"currency": "DIRHAM"}), "property.invalid_currency", "currency"),
        (json!({"bedrooms": -1}), "property.invalid_number", "bedrooms"),
        (json!({"bathrooms": -2}), "property.invalid_number", "bathrooms"),
        (json!({"areaSqm": 0}), "property.invalid_number", "areaSqm"),
        (json!({"permitExpiresAt": "soon"}), "property.invalid_date", "permitExpiresAt"),
        (json!({"ownerPhone": "12"}), "property.invalid_phone", "ownerPhone"),
        (json!({"reference": "  "}), "property.required", "reference"),
        (json!({"titleAr": ""}), "property.required", "titleAr"),
        (json!({"titleEn": " "}), "property.required", "titleEn"),
        (json!({"city": ""}), "property.required", "city"),
        (json!({"listingAgentId": "00000000-0000-4000-8000-000000000000"}), "property.invalid_agent", "listingAgentId"),
        (json!({"listingAgentId": app.harbor.agent.id}), "property.invalid_agent", "listingAgentId"),
    ] {
        let res = create(app, "dar", &admin, &bad(extra.clone())).await;
        expect_error(&res, 400, code, Some(field));
        assert!(!res.json()["error"]["message"].as_str().unwrap_or_default().is_empty(), "{extra}");
    }
    // A title is required in both languages; a missing field, an unknown one, or a wrong type is
    // a shapeless 400; broken JSON its own code.
    let mut no_ar = body("DAR-X");
    no_ar.as_object_mut().unwrap().remove("titleAr");
    expect_error(&create(app, "dar", &admin, &no_ar).await, 400, "request.invalid", None);
    expect_error(&create(app, "dar", &admin, &bad(json!({"colour": "blue"}))).await, 400, "request.invalid", None);
    expect_error(&create(app, "dar", &admin, &bad(json!({"purpose": "LEASE"}))).await, 400, "request.invalid", None);
    let broken = call(app, Method::POST, "dar", "/api/v1/properties", &admin)
        .body("application/json", "{\"reference\": \"DAR-2\",")
        .send()
        .await;
    expect_error(&broken, 400, "request.malformed_json", None);
    expect_error(&patch(app, &admin, &lid, json!({"ownerEmail": "x@y.z"})).await, 400, "request.invalid", None);
    expect_error(
        &patch(app, &admin, &lid, json!({"price": "free"})).await,
        400,
        "property.invalid_price",
        Some("price"),
    );
    expect_error(&patch(app, &admin, &lid, json!({"titleAr": " "})).await, 400, "property.required", Some("titleAr"));
    // Nothing of the refused attempts was stored.
    assert_eq!(refs(app, &admin, "").await, vec!["DAR-1"]);

    // The reference is unique in the agency (on create and on edit), not across agencies.
    expect_error(&create(app, "dar", &admin, &body("DAR-1")).await, 409, "property.reference_taken", Some("reference"));
    let other = created(app, "dar", &admin, body("DAR-2")).await;
    expect_error(
        &patch(app, &admin, &id(&other), json!({"reference": "DAR-1"})).await,
        409,
        "property.reference_taken",
        Some("reference"),
    );
    let harbor_admin = token(&app.harbor.admin);
    let harbor = created(app, "harbor", &harbor_admin, body("DAR-1")).await;
    expect_error(&get(app, &admin, &id(&harbor)).await, 404, "property.not_found", None);
    expect_error(&patch(app, &admin, &id(&harbor), json!({"titleEn": "pwned"})).await, 404, "property.not_found", None);

    // Photos: files of the agency the caller can open, in order, repeats dropped.
    let front = upload(app, "dar", &admin, "property", &lid).await;
    // Kept by the admin (not routed to an agent), so the agent below cannot read it.
    let lead = call(app, Method::POST, "dar", "/api/v1/leads", &admin)
        .json(&json!({"name": "Photo owner", "assigneeId": app.dar.admin.id}))
        .send()
        .await;
    assert_eq!(lead.status, 201, "{}", lead.body);
    let plan = upload(app, "dar", &admin, "lead", &id(&lead.json())).await;
    let res = patch(app, &admin, &lid, json!({"photos": [plan, front, plan]})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["photos"], json!([plan, front]));
    let harbor_file = upload(app, "harbor", &harbor_admin, "property", &id(&harbor)).await;
    for photos in [json!([front, "00000000-0000-4000-8000-000000000000"]), json!([front, harbor_file])] {
        expect_error(
            &patch(app, &admin, &lid, json!({"photos": photos})).await,
            400,
            "property.invalid_photo",
            Some("photos[1]"),
        );
    }
    // A photo attached to a lead the caller cannot read is not theirs to use.
    let agent_token = token(agent);
    expect_error(
        &patch(app, &agent_token, &lid, json!({"photos": [plan]})).await,
        400,
        "property.invalid_photo",
        Some("photos[0]"),
    );

    // Delete: admin only; then gone.
    let res = call(app, Method::DELETE, "dar", &format!("/api/v1/properties/{lid}"), &admin).send().await;
    assert_eq!(res.status, 204, "{}", res.body);
    expect_error(&get(app, &admin, &lid).await, 404, "property.not_found", None);
    let res = call(app, Method::DELETE, "dar", &format!("/api/v1/properties/{lid}"), &admin).send().await;
    expect_error(&res, 404, "property.not_found", None);
    // The other agency's listing with the same reference is untouched.
    let path = format!("/api/v1/properties/{}", id(&harbor));
    assert_eq!(call(app, Method::GET, "harbor", &path, &harbor_admin).send().await.status, 200);
}

// ---------------------------------------------------------------------------------------------
// List: filters, search, order, pages

async fn list_filters_search_and_pages(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let rows = [
        ("A-1", "SALE", "APARTMENT", "Dubai", Some("Dubai Marina"), Some(1), "900000", "AVAILABLE", true),
        ("A-2", "RENT", "VILLA", "Dubai", Some("Arabian Ranches"), Some(4), "250000", "AVAILABLE", false),
        ("A-3", "SALE", "VILLA", "Abu Dhabi", None, Some(5), "4500000", "RESERVED", true),
        ("A-4", "SALE", "OFFICE", "Sharjah", None, None, "650000.75", "DRAFT", false),
        ("A-5", "RENT", "APARTMENT", "Dubai", Some("Dubai Marina"), Some(2), "120000", "SOLD", false),
        ("A-6", "SALE", "TOWNHOUSE", "الشارقة", Some("الإمارات هيلز"), Some(3), "2100000", "AVAILABLE", true),
    ];
    for (reference, purpose, kind, city, community, bedrooms, price, status, agents) in rows {
        let mut b = with(
            body(reference),
            json!({"purpose": purpose, "type": kind, "city": city, "community": community, "bedrooms": bedrooms, "price": price, "status": status}),
        );
        if agents {
            b["listingAgentId"] = json!(agent.id);
        }
        created(app, "dar", &admin, b).await;
    }
    // Another agency's listings never show.
    created(
        app,
        "harbor",
        &token(&app.harbor.admin),
        with(body("H-1"), json!({"city": "Dubai", "titleAr": "الإمارات"})),
    )
    .await;

    // Default order: newest first.
    assert_eq!(refs(app, &admin, "").await, vec!["A-6", "A-5", "A-4", "A-3", "A-2", "A-1"]);
    // Filters.
    assert_eq!(set(refs(app, &admin, "status=AVAILABLE").await), set(vec!["A-1".into(), "A-2".into(), "A-6".into()]));
    assert_eq!(set(refs(app, &admin, "status=reserved,SOLD").await), set(vec!["A-3".into(), "A-5".into()]));
    assert_eq!(set(refs(app, &admin, "purpose=RENT").await), set(vec!["A-2".into(), "A-5".into()]));
    assert_eq!(set(refs(app, &admin, "type=villa,Office").await), set(vec!["A-2".into(), "A-3".into(), "A-4".into()]));
    assert_eq!(set(refs(app, &admin, "city=Dubai").await), set(vec!["A-1".into(), "A-2".into(), "A-5".into()]));
    assert_eq!(set(refs(app, &admin, "community=Dubai%20Marina").await), set(vec!["A-1".into(), "A-5".into()]));
    assert_eq!(
        set(refs(app, &admin, &format!("listingAgentId={}", agent.id)).await),
        set(vec!["A-1".into(), "A-3".into(), "A-6".into()])
    );
    assert_eq!(set(refs(app, &admin, "minBedrooms=4").await), set(vec!["A-2".into(), "A-3".into()]));
    assert_eq!(
        set(refs(app, &admin, "minPrice=650000.75&maxPrice=2100000").await),
        set(vec!["A-1".into(), "A-4".into(), "A-6".into()])
    );
    assert!(refs(app, &admin, "city=dubai").await.is_empty(), "exact, as the menu offers it");
    assert_eq!(refs(app, &admin, "purpose=SALE&city=Dubai&minBedrooms=1").await, vec!["A-1"]);
    // Search: folded Arabic (stored "الإمارات", typed "الامارات"), references, case.
    assert_eq!(refs(app, &admin, "q=%D8%A7%D9%84%D8%A7%D9%85%D8%A7%D8%B1%D8%A7%D8%AA").await, vec!["A-6"]);
    assert_eq!(refs(app, &admin, "q=a-3").await, vec!["A-3"]);
    assert_eq!(refs(app, &admin, "q=%D8%B9%D9%82%D8%A7%D8%B1%20A-2").await, vec!["A-2"], "the Arabic title");
    assert!(refs(app, &admin, "q=H-1").await.is_empty());

    // Orders, read in pages without gaps or repeats.
    let by_price = all_pages(app, &admin, "sort=price", 2).await;
    assert_eq!(by_price, vec!["A-5", "A-2", "A-4", "A-1", "A-6", "A-3"]);
    let by_price_desc = all_pages(app, &admin, "sort=-price", 4).await;
    assert_eq!(by_price_desc, vec!["A-3", "A-6", "A-1", "A-4", "A-2", "A-5"]);
    assert_eq!(all_pages(app, &admin, "sort=reference", 5).await, vec!["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]);
    assert_eq!(all_pages(app, &admin, "sort=-createdAt", 1).await, vec!["A-6", "A-5", "A-4", "A-3", "A-2", "A-1"]);
    assert_eq!(all_pages(app, &admin, "sort=updatedAt&status=AVAILABLE", 1).await.len(), 3);
    // Every member reads every listing; the agent's list is the same.
    assert_eq!(refs(app, &token(agent), "sort=reference").await.len(), 6);

    // Bad queries.
    for query in [
        "minPrice=cheap",
        "maxPrice=-1",
        "sort=ownerPhone",
        "status=LOST",
        "purpose=LEASE",
        "minBedrooms=two",
        "limit=0",
        "limit=101",
        "colour=blue",
    ] {
        expect_error(&list(app, &admin, query).await, 400, "request.invalid_query", None);
    }
    let first = list(app, &admin, "sort=price&limit=2").await.json();
    let cursor = first["nextCursor"].as_str().unwrap();
    expect_error(
        &list(app, &admin, &format!("sort=reference&cursor={cursor}")).await,
        400,
        "request.invalid_cursor",
        None,
    );
    expect_error(&list(app, &admin, "cursor=garbage").await, 400, "request.invalid_cursor", None);
}

/// Every page of `query`, `limit` at a time: the references in order.
async fn all_pages(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..50 {
        let mut q = format!("{query}&limit={limit}");
        if let Some(c) = &cursor {
            q.push_str(&format!("&cursor={c}"));
        }
        let res = list(app, token, &q).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let page = res.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        out.extend(items.iter().map(|l| l["reference"].as_str().unwrap().to_owned()));
        match page["nextCursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return out,
        }
    }
    panic!("pagination did not end");
}

// ---------------------------------------------------------------------------------------------
// Role rules

async fn roles_decide_who_lists_edits_and_deletes(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent1 = &app.dar.agent;
    let agent2 = user(app, "dar", "agent2", Role::Agent).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, &manager, &[agent1]).await;
    let (a1, a2, mgr) = (token(agent1), token(&agent2), token(&manager));

    // An agent's listing is theirs; they may list for no one else.
    let own = created(app, "dar", &a1, body("R-1")).await;
    assert_eq!(own["listingAgentId"], json!(agent1.id));
    expect_error(
        &create(app, "dar", &a1, &with(body("R-2"), json!({"listingAgentId": agent2.id}))).await,
        403,
        "policy.denied",
        None,
    );
    let theirs = created(app, "dar", &a2, body("R-3")).await;
    let unlisted = created(app, "dar", &admin, body("R-4")).await;
    assert_eq!(unlisted["listingAgentId"], Value::Null, "an admin's listing has no agent unless named");

    // Agents edit the listings they list, and cannot hand them over.
    assert_eq!(patch(app, &a1, &id(&own), json!({"titleEn": "mine"})).await.status, 200);
    expect_error(&patch(app, &a1, &id(&theirs), json!({"titleEn": "pwned"})).await, 403, "policy.denied", None);
    expect_error(&patch(app, &a1, &id(&unlisted), json!({"titleEn": "pwned"})).await, 403, "policy.denied", None);
    expect_error(&patch(app, &a1, &id(&own), json!({"listingAgentId": agent2.id})).await, 403, "policy.denied", None);
    expect_error(&patch(app, &a1, &id(&own), json!({"listingAgentId": null})).await, 403, "policy.denied", None);

    // Managers: their team's listings and those without an agent; not another team's.
    assert_eq!(patch(app, &mgr, &id(&own), json!({"status": "AVAILABLE"})).await.status, 200);
    assert_eq!(patch(app, &mgr, &id(&unlisted), json!({"status": "AVAILABLE"})).await.status, 200);
    expect_error(&patch(app, &mgr, &id(&theirs), json!({"status": "WITHDRAWN"})).await, 403, "policy.denied", None);
    expect_error(&patch(app, &mgr, &id(&own), json!({"listingAgentId": agent2.id})).await, 403, "policy.denied", None);
    let res = patch(app, &mgr, &id(&unlisted), json!({"listingAgentId": agent1.id})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["listingAgentId"], json!(agent1.id));
    let team_listing = created(app, "dar", &mgr, with(body("R-5"), json!({"listingAgentId": agent1.id}))).await;
    assert_eq!(team_listing["listingAgentId"], json!(agent1.id));
    expect_error(
        &create(app, "dar", &mgr, &with(body("R-6"), json!({"listingAgentId": agent2.id}))).await,
        403,
        "policy.denied",
        None,
    );
    // An inactive user is no listing agent.
    app.update_user(&agent2, json!({"active": false})).await;
    expect_error(
        &patch(app, &admin, &id(&own), json!({"listingAgentId": agent2.id})).await,
        400,
        "property.invalid_agent",
        Some("listingAgentId"),
    );

    // Only admins delete; everyone else can read the listing, so they are refused (403).
    for who in [&a1, &mgr] {
        let res = call(app, Method::DELETE, "dar", &format!("/api/v1/properties/{}", id(&own)), who).send().await;
        expect_error(&res, 403, "policy.denied", None);
    }
    assert_eq!(get(app, &admin, &id(&own)).await.status, 200, "still there");
    let res = call(app, Method::DELETE, "dar", &format!("/api/v1/properties/{}", id(&own)), &admin).send().await;
    assert_eq!(res.status, 204, "{}", res.body);
    // Another agency's admin cannot even see it.
    let harbor_admin = token(&app.harbor.admin);
    let res =
        call(app, Method::DELETE, "harbor", &format!("/api/v1/properties/{}", id(&theirs)), &harbor_admin).send().await;
    expect_error(&res, 404, "property.not_found", None);
}

// ---------------------------------------------------------------------------------------------
// The owner's contact

async fn owner_contact_is_for_the_listing_agent(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let lister = &app.dar.agent;
    let colleague = user(app, "dar", "agent2", Role::Agent).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let listing = created(
        app,
        "dar",
        &admin,
        with(body("O-1"), json!({"listingAgentId": lister.id, "ownerName": "Salem", "ownerPhone": "0501234567"})),
    )
    .await;
    let lid = id(&listing);

    let seen = get(app, &token(lister), &lid).await.json();
    assert_eq!((seen["ownerName"].as_str(), seen["ownerPhone"].as_str()), (Some("Salem"), Some("+971501234567")));
    let seen = get(app, &token(&manager), &lid).await.json();
    assert_eq!(seen["ownerPhone"], "+971501234567", "managers see it");

    let colleague = token(&colleague);
    let hidden = get(app, &colleague, &lid).await;
    assert_eq!(hidden.status, 200, "every member reads the listing: {}", hidden.body);
    let hidden = hidden.json();
    assert_eq!((hidden["ownerName"].clone(), hidden["ownerPhone"].clone()), (Value::Null, Value::Null));
    assert_eq!(hidden["reference"], "O-1");
    assert!(!list(app, &colleague, "").await.body.contains("+971501234567"), "nor in the list");
    assert!(!list(app, &colleague, "q=0501234567").await.body.contains("O-1"), "the phone is not searchable");
    // The listing agent's own edit answers with the contact.
    let res = patch(app, &token(lister), &lid, json!({"ownerPhone": "+971 55 765 4321"})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["ownerPhone"], "+971557654321");
}

crate::on_both_databases!(
    crud_and_validation,
    list_filters_search_and_pages,
    roles_decide_who_lists_edits_and_deletes,
    owner_contact_is_for_the_listing_agent,
);
