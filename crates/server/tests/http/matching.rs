//! Matching: the listings that fit a lead and the leads a listing fits, scored 0–100 with the
//! reasons, best first; hard criteria exclude, soft ones only cost points; hidden records answer
//! 404; another agency's records never appear.

use reqwest::Method;
use serde_json::{Value, json};

use domain::Role;

use crate::properties::{body, call, created, id, team, token, user, with};
use crate::support::{Res, TestApp};

/// Leads stay where they are put (no round-robin routing) in these tests.
async fn manual_routing(app: &TestApp, tenant_id: &str) {
    app.app
        .db
        .as_system("test: change the routing mode")
        .update("Tenant", json!({"where": {"id": tenant_id}, "data": {"routingMode": "MANUAL"}}))
        .await
        .unwrap();
}

async fn lead(app: &TestApp, host: &str, token: &str, body: Value) -> Value {
    let res = call(app, Method::POST, host, "/api/v1/leads", token).json(&body).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

/// The lead who wants a two-bedroom apartment for sale in Dubai Marina for AED 1.0–1.5 million.
fn marina_buyer(name: &str) -> Value {
    json!({
        "name": name,
        "intent": "SALE",
        "propertyTypes": ["apartment"],
        "cities": ["dubai"],
        "communities": ["Dubai Marina"],
        "minBedrooms": 2,
        "budgetMin": "1000000",
        "budgetMax": "1500000",
    })
}

/// An available listing for sale: an apartment in Dubai Marina, two bedrooms, AED `price`.
fn marina_flat(reference: &str, price: &str) -> Value {
    with(body(reference), json!({"status": "AVAILABLE", "community": "Dubai Marina", "bedrooms": 2, "price": price}))
}

async fn matches(app: &TestApp, token: &str, path: &str) -> Res {
    call(app, Method::GET, "dar", path, token).send().await
}

/// `(key, score)` of every item: the listing's reference or the lead's name.
fn scored(res: &Res, record: &str, key: &str) -> Vec<(String, u64)> {
    assert_eq!(res.status, 200, "{}", res.body);
    let body = res.json();
    assert_eq!(body["truncated"], false);
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m[record][key].as_str().unwrap().to_owned(), m["score"].as_u64().unwrap()))
        .collect()
}

fn pairs(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(k, s)| ((*k).to_owned(), *s)).collect()
}

async fn listings_for_a_lead_are_scored_best_first(app: &TestApp) {
    manual_routing(app, &app.dar.tenant.id).await;
    let admin = token(&app.dar.admin);
    let buyer = lead(app, "dar", &admin, marina_buyer("Buyer")).await;

    let listings = [
        marina_flat("PERFECT", "1200000"),
        // Soft misses: a villa (−20) in another community (−10).
        with(marina_flat("VILLA", "1400000"), json!({"type": "VILLA", "community": "JVC", "bedrooms": 3})),
        // 1.6 M is above 1.5 M but within the 10 % tolerance: budgetNear (10 of 25 points).
        marina_flat("NEAR", "1600000"),
        // Another city (−15) and no community (−10), at the budget's floor.
        with(marina_flat("SHARJAH", "1000000"), json!({"city": "الشارقة", "community": null})),
        // Excluded: above the tolerance, for rent, too small, not available, another currency,
        // below the tolerance.
        marina_flat("TOO-DEAR", "1650001"),
        with(marina_flat("FOR-RENT", "1200000"), json!({"purpose": "RENT"})),
        with(marina_flat("STUDIO", "1200000"), json!({"bedrooms": 1})),
        with(marina_flat("DRAFT", "1200000"), json!({"status": "DRAFT"})),
        with(marina_flat("SOLD", "1200000"), json!({"status": "SOLD"})),
        with(marina_flat("DOLLARS", "1200000"), json!({"currency": "USD"})),
        marina_flat("TOO-CHEAP", "899999"),
    ];
    for l in listings {
        created(app, "dar", &admin, l).await;
    }
    // A perfect listing of another agency never appears.
    created(app, "harbor", &token(&app.harbor.admin), marina_flat("HARBOR", "1200000")).await;

    let path = format!("/api/v1/leads/{}/matches", id(&buyer));
    let res = matches(app, &admin, &path).await;
    assert_eq!(
        scored(&res, "property", "reference"),
        pairs(&[("PERFECT", 100), ("NEAR", 85), ("SHARJAH", 75), ("VILLA", 70)])
    );
    let items = res.json()["items"].clone();
    assert_eq!(items[0]["reasons"], json!(["purpose", "budget", "bedrooms", "type", "city", "community"]));
    assert_eq!(items[0]["missed"], json!([]));
    assert_eq!(items[1]["reasons"], json!(["purpose", "budgetNear", "bedrooms", "type", "city", "community"]));
    assert_eq!(items[3]["missed"], json!(["type", "community"]));
    assert!(items[0]["property"]["ownerPhone"].is_null() && items[0]["property"]["id"].is_string());

    // `limit` keeps the best.
    let top = matches(app, &admin, &format!("{path}?limit=2")).await;
    assert_eq!(scored(&top, "property", "reference"), pairs(&[("PERFECT", 100), ("NEAR", 85)]));
    for q in ["limit=0", "limit=101", "limit=x", "sort=score"] {
        let res = matches(app, &admin, &format!("{path}?{q}")).await;
        assert_eq!((res.status, res.code()), (400, "request.invalid_query".to_owned()), "{q}: {}", res.body);
    }

    // A lead without requirements fits every available listing fully.
    let anyone = lead(app, "dar", &admin, json!({"name": "Anyone"})).await;
    let res = matches(app, &admin, &format!("/api/v1/leads/{}/matches?limit=100", id(&anyone))).await;
    let all = scored(&res, "property", "reference");
    assert_eq!(all.len(), 9, "{all:?}");
    assert!(all.iter().all(|(r, s)| *s == 100 && r != "HARBOR" && r != "DRAFT" && r != "SOLD"), "{all:?}");

    // A budget without a currency is in the agency's; one in dollars finds the dollar listing.
    let dollars = lead(app, "dar", &admin, with(marina_buyer("Dollars"), json!({"budgetCurrency": "USD"}))).await;
    let res = matches(app, &admin, &format!("/api/v1/leads/{}/matches", id(&dollars))).await;
    assert_eq!(scored(&res, "property", "reference"), pairs(&[("DOLLARS", 100)]));

    // A lead the caller cannot read, or of another agency, answers 404.
    let colleague = token(&user(app, "dar", "agent2", Role::Agent).await);
    let kept = lead(app, "dar", &admin, with(marina_buyer("Kept"), json!({"assigneeId": app.dar.agent.id}))).await;
    let kept_path = format!("/api/v1/leads/{}/matches", id(&kept));
    let res = matches(app, &colleague, &kept_path).await;
    assert_eq!((res.status, res.code()), (404, "lead.not_found".to_owned()), "{}", res.body);
    assert_eq!(matches(app, &token(&app.dar.agent), &kept_path).await.status, 200, "the assignee may");
    let harbor_lead = lead(app, "harbor", &token(&app.harbor.admin), marina_buyer("Harbor buyer")).await;
    let res = matches(app, &admin, &format!("/api/v1/leads/{}/matches", id(&harbor_lead))).await;
    assert_eq!((res.status, res.code()), (404, "lead.not_found".to_owned()), "{}", res.body);
}

async fn leads_for_a_listing_are_the_callers_and_open(app: &TestApp) {
    manual_routing(app, &app.dar.tenant.id).await;
    manual_routing(app, &app.harbor.tenant.id).await;
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let flat = created(app, "dar", &admin, marina_flat("FLAT", "1200000")).await;
    let path = format!("/api/v1/properties/{}/matches", id(&flat));

    let leads = [
        marina_buyer("Perfect"),
        with(marina_buyer("Abu Dhabi"), json!({"cities": ["Abu Dhabi"], "communities": []})),
        // 1.2 M is within 10 % of 1.1 M: near the budget (10 of 25), and wants a villa (−20).
        with(marina_buyer("Villa near"), json!({"budgetMax": "1100000", "propertyTypes": ["VILLA"]})),
        // Excluded: budget too low, wants to rent, wants three bedrooms, budget in dollars.
        with(marina_buyer("Too low"), json!({"budgetMax": "1090000"})),
        with(marina_buyer("Renter"), json!({"intent": "RENT"})),
        with(marina_buyer("Big family"), json!({"minBedrooms": 3})),
        with(marina_buyer("Dollars"), json!({"budgetCurrency": "USD"})),
        with(marina_buyer("Agent's"), json!({"assigneeId": agent.id})),
    ];
    let mut made = Vec::new();
    for l in leads {
        made.push(lead(app, "dar", &admin, l).await);
    }
    // Closed leads are no match.
    let won = lead(app, "dar", &admin, marina_buyer("Won")).await;
    let res = call(app, Method::POST, "dar", &format!("/api/v1/leads/{}/status", id(&won)), &admin)
        .json(&json!({"status": "WON"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    // Another agency's perfect lead never appears.
    lead(app, "harbor", &token(&app.harbor.admin), marina_buyer("Harbor")).await;

    let res = matches(app, &admin, &path).await;
    let got = scored(&res, "lead", "name");
    assert_eq!(got.len(), 4, "{got:?}");
    let mut best: Vec<String> = got[..2].iter().map(|(n, s)| format!("{n}:{s}")).collect();
    best.sort();
    assert_eq!(best, vec!["Agent's:100", "Perfect:100"]);
    assert_eq!(got[2..], pairs(&[("Abu Dhabi", 85), ("Villa near", 65)]));
    let items = res.json()["items"].clone();
    assert_eq!(items[3]["reasons"], json!(["purpose", "budgetNear", "bedrooms", "city", "community"]));
    assert_eq!(items[3]["missed"], json!(["type"]));

    // An agent sees only the leads they may read; a colleague none of them.
    let res = matches(app, &token(agent), &path).await;
    assert_eq!(scored(&res, "lead", "name"), pairs(&[("Agent's", 100)]));
    let colleague = token(&user(app, "dar", "agent2", Role::Agent).await);
    let res = matches(app, &colleague, &path).await;
    assert_eq!(res.status, 200, "every member reads the listing: {}", res.body);
    assert_eq!(res.json()["items"], json!([]));
    // A manager: the team's leads and the unassigned ones.
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, &manager, &[]).await;
    let res = matches(app, &token(&manager), &path).await;
    let names: Vec<String> = scored(&res, "lead", "name").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 3, "the unassigned ones, not the agent's: {names:?}");
    assert!(!names.contains(&"Agent's".to_owned()));

    // `limit`, and listings of another agency or missing: 404.
    let res = matches(app, &admin, &format!("{path}?limit=1")).await;
    assert_eq!(scored(&res, "lead", "name").len(), 1);
    let harbor = created(app, "harbor", &token(&app.harbor.admin), marina_flat("H", "1200000")).await;
    for missing in [id(&harbor), "00000000-0000-4000-8000-000000000000".to_owned()] {
        let res = matches(app, &admin, &format!("/api/v1/properties/{missing}/matches")).await;
        assert_eq!((res.status, res.code()), (404, "property.not_found".to_owned()), "{}", res.body);
    }
}

async fn documented_in_openapi(app: &TestApp) {
    let doc = app.get("", "/api/v1/openapi.json").send().await.json();
    for schema in
        ["PropertyView", "NewProperty", "PropertyPatch", "ListingStatus", "PropertyMatches", "LeadMatches", "Criterion"]
    {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    // The scoring is spelled out on both match lists.
    for path in ["/api/v1/leads/{id}/matches", "/api/v1/properties/{id}/matches"] {
        let op = &doc["paths"][path]["get"];
        let text = op["description"].as_str().unwrap_or_default();
        for part in ["budgetMin × 0.9", "purpose 20", "community 10", "500 candidates"] {
            assert!(text.contains(part), "{path}: {part} in {text}");
        }
        let params: Vec<&str> =
            op["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(params, ["id", "limit"]);
    }
    let list = &doc["paths"]["/api/v1/properties"]["get"];
    let params: Vec<&str> = list["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    for p in [
        "status",
        "purpose",
        "type",
        "city",
        "community",
        "listingAgentId",
        "minBedrooms",
        "minPrice",
        "maxPrice",
        "q",
        "sort",
        "limit",
        "cursor",
    ] {
        assert!(params.contains(&p), "{p} in {params:?}");
    }
    let page = &list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"];
    assert_eq!(page, "#/components/schemas/Page_PropertyView");
    let page = &doc["components"]["schemas"]["Page_PropertyView"];
    assert!(page["properties"]["items"].is_object() && page["properties"]["nextCursor"].is_object(), "{page}");
}

crate::on_both_databases!(
    listings_for_a_lead_are_scored_best_first,
    leads_for_a_listing_are_the_callers_and_open,
    documented_in_openapi,
);
