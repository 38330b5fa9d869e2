//! A lead worked from its first WhatsApp message to a won deal, in Arabic, in headless Chromium
//! against the real server (the sandbox WhatsApp stand-in on): the message arrives as a signed
//! webhook and shows in the open inbox without a reload; the agent replies (ticks reach
//! delivered), opens the lead from the conversation's header, qualifies it, schedules a viewing,
//! creates a deal from the lead page and moves it through the pipeline to Won — by drag and drop
//! and by the card's stage menu — and the deal and its lead end won on the pages, in the API and
//! in the database. Also: dragging a card in the board moves the deal (and survives a reload).
//!
//! Screenshots of each step go to `target/screenshots/walkthrough-*.png` (see `browser.rs`).

use serde_json::{Value, json};
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

use crate::browser::Browser;
use crate::pages_deals::villa;
use crate::support::TestApp;

/// The row of `model` `id`, read as the system.
async fn row(app: &TestApp, model: &str, id: &str) -> Value {
    app.app.db.as_system("test: read back").find_unique(model, json!({"where": {"id": id}})).await.expect("row")
}

async fn click(b: &Browser, css: &str) {
    b.driver().find(By::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.expect("click");
}

async fn type_into(b: &Browser, css: &str, text: &str) {
    b.driver().find(By::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).send_keys(text).await.expect("type");
}

async fn choose(b: &Browser, css: &str, value: &str) {
    let menu = b.driver().find(By::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    SelectElement::new(&menu).await.expect("a select").select_by_value(value).await.expect("option");
}

/// A script that is true once the deal's card sits in the column of `stage`.
fn card_in(deal: &str, stage: &str) -> String {
    format!(
        "return document.readyState === 'complete' && !!document.querySelector('[data-testid=stage-column][data-stage={stage}] [data-testid=deal-card][data-deal-id=\"{deal}\"]')"
    )
}

/// Drags the deal's card onto the column of `stage` with the WebDriver's pointer (press on the
/// card, move onto the column, release): Chromium (156, from Debian) turns that into a native
/// HTML5 drag — `dragstart`, `dragover`, `drop` — which `pipeline.js` handles as for a mouse.
/// Both are brought into the viewport first (pointer actions do not scroll).
async fn drag(b: &Browser, deal: &str, stage: &str) {
    let card_css = format!("[data-testid=deal-card][data-deal-id='{deal}']");
    let column_css = format!("[data-testid=stage-column][data-stage={stage}]");
    let card = b.driver().find(By::Css(&card_css)).await.expect("the card");
    let column = b.driver().find(By::Css(&column_css)).await.expect("the column");
    b.js(&format!(
        "for (const s of [\"{column_css}\", \"{card_css}\"]) document.querySelector(s).scrollIntoView({{block: 'nearest', inline: 'nearest'}}); return 0"
    ))
    .await;
    b.driver().action_chain().drag_and_drop_element(&card, &column).perform().await.expect("drag and drop");
}

/// The WhatsApp sender's number (never seen by the agency before).
const CUSTOMER: &str = "+971502223344";

#[tokio::test]
async fn an_arabic_agent_works_a_whatsapp_lead_to_a_won_deal() {
    use app::inbox::sandbox::simulate::Inbound;
    let app = TestApp::sqlite_with(crate::sandbox::configure).await;
    crate::sandbox::sandbox_channels(&app).await;
    let listing = villa(&app, &app.dar.tenant.id, "DAR-21").await;
    let agent = app.dar.agent.clone();

    // The agent has the inbox open, live, in Arabic.
    let b = Browser::start(1440).await;
    b.sign_in(&app, "dar", &agent.email).await;
    b.driver().goto(Browser::url(&app, "dar", "/inbox")).await.expect("inbox");
    b.wait_js(
        "return document.readyState === 'complete' && !!window.ManzilInbox && window.ManzilInbox.isLive() === true",
        10,
    )
    .await;
    assert_eq!(
        b.js("return [document.documentElement.lang, document.documentElement.dir]").await,
        json!(["ar", "rtl"])
    );
    assert_eq!(b.js("return document.querySelectorAll('[data-testid=conversation]').length").await, 0);
    b.js("window.__stillHere = 1; return 0").await;

    // 1. A first WhatsApp message from an unknown number: a new lead (routed to the agent, the
    // agency's only one) and its conversation appear in the open inbox without a reload.
    let first = "السلام عليكم، أبحث عن فيلا في دبي";
    let inbound = Inbound::Whatsapp { from: CUSTOMER.into(), text: first.into(), name: Some("سلمى".into()) };
    assert_eq!(crate::sandbox::simulate(&app, "dar", &inbound).await.status, 200);
    b.wait_js("return document.querySelectorAll('[data-testid=conversation]').length === 1", 5).await;
    assert_eq!(b.js("return window.__stillHere").await, 1, "no reload");
    let preview = b.js("return document.querySelector('[data-testid=conversation-preview]').textContent").await;
    assert_eq!(preview, first);
    b.screenshot("walkthrough-1-inbox-ar").await;

    // 2. The agent opens it and replies; the reply reaches the WhatsApp stand-in, whose status
    // webhooks move its ticks to delivered.
    click(&b, "[data-testid=conversation]").await;
    b.wait_js(
        &format!("return document.readyState === 'complete' && [...document.querySelectorAll('[data-testid=message][data-direction=IN]')].some(m => m.textContent.includes('{first}'))"),
        5,
    )
    .await;
    b.wait_js("return !!window.ManzilInbox && window.ManzilInbox.isLive() === true", 10).await;
    let reply = "أهلًا سلمى، لدينا فيلا في المرسى تناسبك.";
    type_into(&b, "[data-testid=composer-text]", reply).await;
    click(&b, "[data-testid=composer-send]").await;
    b.wait_js(
        &format!("return [...document.querySelectorAll('[data-testid=message][data-direction=OUT]')].some(m => m.textContent.includes('{reply}') && ['DELIVERED','READ'].includes(m.dataset.status))"),
        10,
    )
    .await;
    let sent = crate::webhooks_support::rows(&app, "Message", json!({"direction": "OUT", "body": reply})).await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0]["providerMessageId"].as_str().is_some_and(|id| !id.is_empty()),
        "the stand-in took it: {}",
        sent[0]
    );
    b.screenshot("walkthrough-2-reply-ar").await;

    // 3. The conversation's header leads to the lead's page.
    click(&b, "[data-testid=thread-lead-link]").await;
    b.wait_js(
        "return location.pathname.startsWith('/leads/') && document.readyState === 'complete' && !!document.querySelector('[data-testid=lead-name]')",
        5,
    )
    .await;
    let path = b.js("return location.pathname").await;
    let lead_id = path.as_str().and_then(|p| p.strip_prefix("/leads/")).expect("a lead path").to_owned();
    let lead = row(&app, "Lead", &lead_id).await;
    assert_eq!(lead["primaryPhone"], CUSTOMER);
    assert_eq!(lead["assigneeId"], agent.id.as_str());
    assert_eq!(b.js("return document.querySelector('[data-testid=lead-name]').textContent").await, "سلمى");
    assert_eq!(b.js("return document.documentElement.dir").await, "rtl");
    assert_eq!(
        b.js("return getComputedStyle(document.querySelector('[data-testid=lead-phone]')).direction").await,
        "ltr"
    );
    let messages =
        b.js("return document.querySelectorAll('[data-testid=timeline-item][data-kind=message]').length").await;
    assert_eq!(messages, 2, "the conversation is on the lead's timeline");

    // 4. Qualified.
    choose(&b, "#new-status", "QUALIFIED").await;
    click(&b, "[data-testid=status-form] button[type=submit]").await;
    b.wait_js("return document.querySelector('[data-testid=lead-status]').dataset.status === 'QUALIFIED' && document.readyState === 'complete'", 5)
        .await;

    // 5. A viewing, from the quick actions (tomorrow at 10:00), at the listing that matches.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT10:00").to_string();
    type_into(&b, "#viewing-title", "معاينة الفيلا").await;
    b.js(&format!("document.getElementById('viewing-due').value = '{tomorrow}'; return 0")).await;
    choose(&b, "#viewing-listing", &listing).await;
    click(&b, "[data-testid=schedule-viewing-form] button[type=submit]").await;
    b.wait_js(
        "return document.readyState === 'complete' && !!document.querySelector('[data-testid=timeline-item][data-kind=viewing] [data-testid=hijri-date]')",
        5,
    )
    .await;
    let viewing = crate::webhooks_support::rows(&app, "Activity", json!({"leadId": lead_id, "type": "VIEWING"})).await;
    assert_eq!(viewing.len(), 1, "one viewing");
    assert_eq!(viewing[0]["propertyId"], listing.as_str());
    b.screenshot("walkthrough-3-lead-ar").await;

    // 6. A deal from the lead page: the listing, the value as the agent types it.
    assert_eq!(b.js("return document.querySelectorAll('[data-testid=lead-deal]').length").await, 0);
    choose(&b, "#deal-listing", &listing).await;
    type_into(&b, "#deal-value", "1850000").await;
    click(&b, "[data-testid=new-deal-submit]").await;
    b.wait_js("return document.readyState === 'complete' && document.querySelectorAll('[data-testid=lead-deal]').length === 1", 5)
        .await;
    let deal = b.js("return document.querySelector('[data-testid=lead-deal]').dataset.dealId").await;
    let deal = deal.as_str().expect("a deal id").to_owned();
    let shown = b.js("return [document.querySelector('[data-testid=lead-deal-stage]').textContent, document.querySelector('[data-testid=lead-deal-value]').textContent, getComputedStyle(document.querySelector('[data-testid=lead-deal-value]')).direction]").await;
    assert_eq!(shown, json!(["عرض", "AED 1,850,000", "ltr"]));
    assert_eq!(row(&app, "Deal", &deal).await["stage"], "OFFER");
    b.screenshot("walkthrough-4-deal-ar").await;

    // 7. The pipeline: dragged to Reservation, moved to Contract with the card's menu and the
    // keyboard, dragged to Won.
    click(&b, "[data-testid=lead-deals-pipeline]").await;
    b.wait_js(&card_in(&deal, "OFFER"), 5).await;
    drag(&b, &deal, "RESERVATION").await;
    b.wait_js(&card_in(&deal, "RESERVATION"), 5).await;
    assert_eq!(row(&app, "Deal", &deal).await["stage"], "RESERVATION");

    choose(&b, &format!("[id='stage-{deal}']"), "CONTRACT").await;
    let button = b
        .driver()
        .find(By::Css(format!("[data-deal-id='{deal}'] [data-testid=deal-move]")))
        .await
        .expect("the Move button");
    button.focus().await.expect("focus");
    button.send_keys(Key::Enter).await.expect("Enter");
    b.wait_js(&card_in(&deal, "CONTRACT"), 5).await;
    assert_eq!(row(&app, "Deal", &deal).await["stage"], "CONTRACT");

    drag(&b, &deal, "CLOSED_WON").await;
    b.wait_js(&card_in(&deal, "CLOSED_WON"), 5).await;
    // Won is final for an agent: the card has no menu and cannot be dragged any more.
    let card = format!("[data-testid=deal-card][data-deal-id='{deal}']");
    b.wait_js(&format!("return !!document.querySelector(\"{card} [data-testid=deal-locked]\")"), 5).await;
    assert_eq!(b.js(&format!("return document.querySelector(\"{card}\").getAttribute('draggable')")).await, "false");
    b.screenshot("walkthrough-5-pipeline-ar").await;
    b.driver().refresh().await.expect("reload");
    b.wait_js(&card_in(&deal, "CLOSED_WON"), 5).await;

    // 8. Won everywhere: the lead page, the API, the database.
    b.driver().goto(Browser::url(&app, "dar", &format!("/leads/{lead_id}"))).await.expect("lead page");
    b.wait_js("return document.readyState === 'complete' && !!document.querySelector('[data-testid=lead-status]')", 5)
        .await;
    let state = b.js("return [document.querySelector('[data-testid=lead-status]').dataset.status, document.querySelector('[data-testid=lead-deal]').dataset.stage]").await;
    assert_eq!(state, json!(["WON", "CLOSED_WON"]));
    b.screenshot("walkthrough-6-won-ar").await;
    let token = app.token("dar", &agent).await;
    let res = app.get("dar", &format!("/api/v1/deals?leadId={lead_id}")).bearer(&token).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let items = res.json()["items"].clone();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    assert_eq!(items[0]["stage"], "CLOSED_WON");
    assert_eq!(items[0]["propertyId"], listing.as_str());
    let res = app.get("dar", &format!("/api/v1/leads/{lead_id}")).bearer(&token).send().await;
    assert_eq!(res.json()["status"], "WON", "{}", res.body);
    assert_eq!(row(&app, "Deal", &deal).await["stage"], "CLOSED_WON");
    assert_eq!(row(&app, "Lead", &lead_id).await["status"], "WON");
    b.close().await;
    app.stop().await;
}

/// Dragging a card to another column in a real browser moves the deal: the card is in the new
/// column at once and after a reload, and the server holds the new stage.
#[tokio::test]
async fn dragging_a_card_moves_the_deal() {
    let app = TestApp::sqlite().await;
    let t = app.dar.tenant.id.clone();
    let lead = crate::pages::lead(&app, &t, "ليلى", Some(&app.dar.agent.id)).await;
    let data = json!({"tenantId": t, "leadId": lead, "agentId": app.dar.agent.id, "stage": "OFFER",
                      "value": "950000", "currency": "AED"});
    let deal = app.app.db.as_system("test: create a deal").create("Deal", json!({ "data": data })).await;
    let deal = deal.expect("deal")["id"].as_str().expect("id").to_owned();

    let b = Browser::start(1440).await;
    b.sign_in(&app, "dar", &app.dar.agent.email).await;
    b.driver().goto(Browser::url(&app, "dar", "/pipeline")).await.expect("pipeline");
    b.wait_js(&card_in(&deal, "OFFER"), 5).await;
    b.wait_js("return !!window.manzilPipeline", 5).await;
    // What the browser fires, to tell a real HTML5 drag from anything else that moves the card.
    b.js("window.__stillHere = 1; window.__drag = []; for (const t of ['dragstart', 'dragover', 'drop']) document.addEventListener(t, () => { if (!window.__drag.includes(t)) window.__drag.push(t); }); return 0").await;
    drag(&b, &deal, "CONTRACT").await;
    b.wait_js(&card_in(&deal, "CONTRACT"), 5).await;
    assert_eq!(b.js("return window.__stillHere").await, 1, "htmx swapped the board in, no reload");
    assert_eq!(b.js("return window.__drag").await, json!(["dragstart", "dragover", "drop"]), "a native drag");
    b.wait_js("return [...document.querySelectorAll('.flash')].some(e => e.textContent.includes('نُقلت الصفقة'))", 5)
        .await;
    assert_eq!(
        b.js("return document.querySelectorAll('.stage-column.drop-target, .deal-card.dragging').length").await,
        0
    );
    assert_eq!(row(&app, "Deal", &deal).await["stage"], "CONTRACT");
    b.driver().refresh().await.expect("reload");
    b.wait_js(&card_in(&deal, "CONTRACT"), 5).await;
    b.close().await;
    app.stop().await;
}
