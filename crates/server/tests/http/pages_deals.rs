//! A lead's deals on its page over HTTP: the panel lists the deals the reader may read (stage,
//! value, listing), and the "New deal" form (`POST /leads/{id}/deals`) creates one through the
//! same use case as the API — it then shows on the lead page and the pipeline board; a lead the
//! reader may not read is a 404, a missing CSRF field a 403, a bad value an error notice with
//! nothing created. A deal moved to Won marks its lead WON.

use domain::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::pages::{Session, lead, sign_in, user};
use crate::support::{Res, TestApp};

async fn get(app: &TestApp, s: &Session, path: &str) -> Res {
    app.get("dar", path).header("cookie", &s.cookie).send().await
}

async fn post(app: &TestApp, s: &Session, path: &str, form: String) -> Res {
    app.post("dar", path).header("cookie", &s.cookie).body("application/x-www-form-urlencoded", form).send().await
}

fn location(res: &Res) -> &str {
    res.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
}

/// The deals of `lead`, read as the system.
async fn deals_of(app: &TestApp, lead: &str) -> Vec<Value> {
    let rows = app.app.db.as_system("test: read back").find_many("Deal", json!({"where": {"leadId": lead}})).await;
    match rows.unwrap() {
        Value::Array(rows) => rows,
        other => panic!("{other}"),
    }
}

/// The stage column a deal's card is in on a board page, if it is there.
fn column_of(body: &str, deal: &str) -> Option<String> {
    const COLUMN: &str = r#"data-testid="stage-column" data-stage=""#;
    let card = body.find(&format!(r#"data-deal-id="{deal}""#))?;
    let col = body[..card].rfind(COLUMN)?;
    body[col + COLUMN.len()..].split('"').next().map(str::to_owned)
}

/// An available villa for sale in Dubai (it matches a lead without requirements).
pub async fn villa(app: &TestApp, tenant_id: &str, reference: &str) -> String {
    let data = json!({
        "tenantId": tenant_id, "reference": reference, "titleEn": format!("Marina villa {reference}"),
        "titleAr": format!("فيلا المرسى {reference}"), "purpose": "SALE", "type": "VILLA", "city": "دبي",
        "bedrooms": 4, "price": "2400000", "currency": "AED", "status": "AVAILABLE",
        "searchText": app::properties::search_text(reference, "Marina villa", "فيلا المرسى", "دبي", None),
    });
    let row = app.app.db.as_system("test: create a listing").create("Property", json!({ "data": data })).await;
    row.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn a_deal_created_from_the_lead_page_shows_there_and_on_the_board(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let listing = villa(app, t, "DAR-7").await;
    let layla = lead(app, t, "Layla", Some(&app.dar.agent.id)).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    let theirs = lead(app, t, "Member's", Some(&member.id)).await;
    let path = format!("/leads/{layla}/deals");

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, &agent, &format!("/leads/{layla}")).await.body;
    assert!(body.contains(r#"data-testid="lead-deals""#) && body.contains("لا صفقات بعد."), "no deals yet");
    assert!(body.contains(&format!(r#"action="/leads/{layla}/deals""#)));
    assert!(body.contains(r#"<label for="deal-value">"#) && body.contains(r#"<label for="deal-listing">"#));
    assert!(body.contains(&format!(r#"<option value="{listing}" dir="auto">"#)), "the matched listing is offered");
    assert!(body.contains(r#"<option value="OFFER" selected>"#), "the first open stage by default");
    assert!(!body.contains(r#"<option value="CLOSED_WON""#), "a new deal starts open");

    // No CSRF field: refused, nothing created.
    let res = post(app, &agent, &path, format!("listing={listing}&value=1850000&stage=OFFER")).await;
    assert_eq!(res.status, 403);
    assert!(deals_of(app, &layla).await.is_empty());

    // A value that is not an amount: an error notice, nothing created.
    for bad in ["", "lots", "-5", "1e9"] {
        let form = format!("csrf={}&listing={listing}&value={bad}&stage=OFFER", agent.csrf);
        let res = post(app, &agent, &path, form).await;
        assert_eq!((res.status, location(&res)), (303, format!("/leads/{layla}?error=invalid-value").as_str()));
    }
    let body = get(app, &agent, &format!("/leads/{layla}?error=invalid-value")).await.body;
    assert!(body.contains("اكتب القيمة رقمًا"), "the notice in Arabic");
    // A closed stage is not a start.
    let form = format!("csrf={}&value=10&stage=CLOSED_WON", agent.csrf);
    assert_eq!(location(&post(app, &agent, &path, form).await), format!("/leads/{layla}?error=invalid-stage"));
    assert!(deals_of(app, &layla).await.is_empty());

    // Another agent's lead is not found, as a missing one; nothing is created on it.
    let form = format!("csrf={}&value=1000&stage=OFFER", agent.csrf);
    for id in [theirs.as_str(), "00000000-0000-4000-8000-000000000000"] {
        let res = post(app, &agent, &format!("/leads/{id}/deals"), form.clone()).await;
        assert_eq!(res.status, 404, "{id}");
    }
    assert!(deals_of(app, &theirs).await.is_empty());

    // A deal: Arabic-Indic digits and separators read as typed, the agency's currency, the
    // chosen stage, the agent's own.
    let form = format!(
        "csrf={}&listing={listing}&value=%D9%A1%D9%AC%D9%A8%D9%A5%D9%A0%D9%AC%D9%A0%D9%A0%D9%A0&stage=RESERVATION",
        agent.csrf
    );
    let res = post(app, &agent, &path, form).await;
    assert_eq!((res.status, location(&res)), (303, format!("/leads/{layla}?ok=deal-created").as_str()));
    let rows = deals_of(app, &layla).await;
    assert_eq!(rows.len(), 1);
    let deal = rows[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(rows[0]["stage"], "RESERVATION");
    assert_eq!(rows[0]["currency"], "AED");
    assert_eq!(rows[0]["propertyId"], listing.as_str());
    assert_eq!(rows[0]["agentId"], app.dar.agent.id.as_str());
    assert_eq!(rows[0]["value"].as_str().map(|v| v.trim_end_matches(".00").trim_end_matches(".0")), Some("1850000"));

    let body = get(app, &agent, &format!("/leads/{layla}?ok=deal-created")).await.body;
    assert!(body.contains("أُنشئت الصفقة."));
    assert!(body.contains(&format!(r#"data-testid="lead-deal" data-deal-id="{deal}" data-stage="RESERVATION""#)));
    assert!(body.contains(r#"<bdi dir="ltr" class="deal-value" data-testid="lead-deal-value">AED 1,850,000</bdi>"#));
    assert!(body.contains(&format!(
        r#"<a href="/listings/{listing}" dir="auto" data-testid="lead-deal-listing">فيلا المرسى DAR-7</a>"#
    )));
    assert!(body.contains(r#"href="/pipeline""#));
    let board = get(app, &agent, "/pipeline").await.body;
    assert_eq!(column_of(&board, &deal).as_deref(), Some("RESERVATION"));

    // Another agent does not see it on the lead page they cannot open, nor on their board.
    let other = sign_in(app, "dar", &member.email).await;
    assert_eq!(get(app, &other, &format!("/leads/{layla}")).await.status, 404);
    assert!(!get(app, &other, "/pipeline").await.body.contains(&deal));

    // Won on the board: the deal is final for the agent and its lead is WON.
    let res =
        post(app, &agent, &format!("/pipeline/deals/{deal}/stage"), format!("csrf={}&stage=CLOSED_WON", agent.csrf))
            .await;
    assert_eq!(location(&res), "/pipeline?ok=deal-moved");
    let body = get(app, &agent, &format!("/leads/{layla}")).await.body;
    assert!(body.contains(r#"data-testid="lead-status" data-status="WON""#), "the lead is won");
    assert!(body.contains(r#"data-stage="CLOSED_WON""#));
}

/// A manager creates a deal on an unassigned lead (no agent); an admin's deal on a lead goes to
/// its assignee.
async fn managers_and_admins_create_deals_on_the_leads_they_see(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let pool = lead(app, t, "Nobody's", None).await;
    let m = sign_in(app, "dar", &manager.email).await;
    let res = post(app, &m, &format!("/leads/{pool}/deals"), format!("csrf={}&value=900000", m.csrf)).await;
    assert_eq!(location(&res), format!("/leads/{pool}?ok=deal-created"));
    let rows = deals_of(app, &pool).await;
    assert_eq!((rows.len(), rows[0]["stage"].as_str(), rows[0]["agentId"].as_str()), (1, Some("OFFER"), None));

    let layla = lead(app, t, "Layla", Some(&app.dar.agent.id)).await;
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let res = post(app, &admin, &format!("/leads/{layla}/deals"), format!("csrf={}&value=5", admin.csrf)).await;
    assert_eq!(location(&res), format!("/leads/{layla}?ok=deal-created"));
    assert_eq!(deals_of(app, &layla).await[0]["agentId"], app.dar.agent.id.as_str());
    // Another agency's lead is not found.
    let harbor = lead(app, &app.harbor.tenant.id, "Harbor", Some(&app.harbor.agent.id)).await;
    let res = post(app, &admin, &format!("/leads/{harbor}/deals"), format!("csrf={}&value=5", admin.csrf)).await;
    assert_eq!(res.status, 404);
    assert!(deals_of(app, &harbor).await.is_empty());
}

on_both_databases!(
    a_deal_created_from_the_lead_page_shows_there_and_on_the_board,
    managers_and_admins_create_deals_on_the_leads_they_see,
);
