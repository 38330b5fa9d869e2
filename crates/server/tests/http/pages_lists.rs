//! Long lists and grid columns over HTTP: the listings grid's remembered column choice, the
//! pipeline's "show more" per stage (an htmx fragment, or a page without script; totals counted
//! under the rules) and the lead timeline's older pages.

use domain::Role;
use serde_json::json;

use crate::on_both_databases;
use crate::pages::{Session, lead, sign_in, user};
use crate::support::{Res, TestApp};

async fn get(app: &TestApp, s: &Session, path: &str) -> Res {
    app.get("dar", path).header("cookie", &s.cookie).send().await
}

/// An htmx request (a fragment).
async fn get_htmx(app: &TestApp, s: &Session, path: &str) -> Res {
    app.get("dar", path).header("cookie", &s.cookie).header("hx-request", "true").send().await
}

/// The value of the first `attr="…"` in `html`, unescaped.
fn attr(html: &str, attr: &str) -> Option<String> {
    let start = html.find(&format!(r#"{attr}=""#))? + attr.len() + 2;
    let value = html[start..].split('"').next()?;
    Some(value.replace("&#38;", "&").replace("&amp;", "&").replace("&#x2f;", "/").replace("&#47;", "/"))
}

/// The `data-col` of every header cell of the grid.
fn columns(body: &str) -> Vec<String> {
    let head = body.split("<thead>").nth(1).and_then(|h| h.split("</thead>").next()).unwrap_or_default();
    head.split("data-col=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

async fn a_listing(app: &TestApp) {
    let data = json!({"tenantId": app.dar.tenant.id, "reference": "DAR-1", "titleEn": "Marina villa",
        "titleAr": "فيلا المارينا", "purpose": "SALE", "type": "VILLA", "city": "دبي", "bedrooms": 4,
        "price": "2400000", "currency": "AED", "status": "AVAILABLE", "searchText": "dar-1"});
    app.app.db.as_system("test: create a listing").create("Property", json!({ "data": data })).await.unwrap();
}

async fn the_listings_column_choice_is_remembered(app: &TestApp) {
    a_listing(app).await;
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let all = ["reference", "type", "purpose", "city", "community", "bedrooms", "price", "status", "agent", "permit"];
    // Until a choice is made: every column, the pinned title first and the actions last.
    let res = get(app, &s, "/listings").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mut expected = vec!["title"];
    expected.extend(all);
    expected.extend(["updated", "actions"]);
    assert_eq!(columns(&res.body), expected);
    assert!(res.body.contains(r#"name="cols" value="price" checked"#));
    assert!(res.cookie("manzil_listing_columns").is_none());

    // A choice: unknown keys ignored, table order kept, the pinned title is not a choice.
    let res = get(app, &s, "/listings?cols=price&cols=bogus&cols=title&cols=reference&cols=actions").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(columns(&res.body), ["title", "reference", "price", "actions"]);
    assert_eq!(res.cookie("manzil_listing_columns").as_deref(), Some("reference,price"));
    let set = res.set_cookies().into_iter().find(|c| c.starts_with("manzil_listing_columns=")).unwrap();
    assert!(set.contains("Path=/listings"), "{set}");
    // The row has the same cells: the title, two chosen, the actions.
    let row = res.body.split("data-listing-id=").nth(1).unwrap().split("</tr>").next().unwrap();
    assert_eq!(row.matches("<td").count(), 3, "{row}");
    assert!(row.contains("DAR-1") && row.contains("AED 2,400,000") && !row.contains("دبي"));
    assert!(res.body.contains(r#"name="cols" value="city">"#), "unticked in the chooser");

    // Remembered: the next request without `cols` shows the same columns, and sets nothing.
    let remembered =
        Session { cookie: format!("{}; manzil_listing_columns=reference,price", s.cookie), csrf: s.csrf.clone() };
    let res = get(app, &remembered, "/listings?sort=price").await;
    assert_eq!(columns(&res.body), ["title", "reference", "price", "actions"]);
    assert!(res.cookie("manzil_listing_columns").is_none());
    // A cookie naming unknown columns keeps the known ones only.
    let odd = Session { cookie: format!("{}; manzil_listing_columns=ownerPhone,city", s.cookie), csrf: s.csrf };
    let res = get(app, &odd, "/listings").await;
    assert_eq!(columns(&res.body), ["title", "city", "actions"]);

    // Nothing ticked: only the pinned title and actions, remembered as such.
    let res = get(app, &remembered, "/listings?cols=title").await;
    assert_eq!(columns(&res.body), ["title", "actions"]);
    assert_eq!(res.cookie("manzil_listing_columns").as_deref(), Some("none"));
    // The leads grid's choice is its own cookie.
    let leads = get(app, &remembered, "/leads").await;
    assert_eq!(leads.status, 200);
    assert!(leads.body.contains(r#"data-col="phone""#));
}

/// A deal in `stage` on `lead` worked by `agent`, updated at minute `n` (so the order is known).
async fn deal(app: &TestApp, lead: &str, agent: &str, stage: &str, n: u32) -> String {
    let at = format!("2026-01-01T{:02}:{:02}:00.000Z", n / 60, n % 60);
    let data = json!({"tenantId": app.dar.tenant.id, "leadId": lead, "agentId": agent, "stage": stage,
                      "value": "1000000", "currency": "AED", "updatedAt": at});
    let row = app.app.db.as_system("test: create a deal").create("Deal", json!({ "data": data })).await.unwrap();
    row["id"].as_str().unwrap().to_owned()
}

/// The HTML of a stage's column on the board.
fn column<'a>(body: &'a str, stage: &str) -> &'a str {
    let start = body.find(&format!(r#"data-stage="{stage}""#)).expect("the stage's column");
    body[start..].split("</section>").next().unwrap_or_default()
}

fn cards(html: &str) -> Vec<String> {
    html.split("data-deal-id=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

fn stage_count(col: &str) -> String {
    let s = col.split(r#"data-testid="stage-count">"#).nth(1).unwrap_or_default();
    s.split('<').next().unwrap_or_default().to_owned()
}

async fn a_long_stage_shows_more_under_the_rules(app: &TestApp) {
    let member = user(app, "dar", "member", Role::Agent).await;
    let t = &app.dar.tenant.id;
    let mine = lead(app, t, "Agent's lead", Some(&app.dar.agent.id)).await;
    let theirs = lead(app, t, "Member's lead", Some(&member.id)).await;
    let mut my_deals = Vec::new();
    for n in 0..60 {
        my_deals.push(deal(app, &mine, &app.dar.agent.id, "OFFER", n * 2).await);
    }
    let mut member_deals = Vec::new();
    for n in 0..3 {
        // Interleaved in time with the agent's.
        member_deals.push(deal(app, &theirs, &member.id, "OFFER", n * 2 + 1).await);
    }
    deal(app, &mine, &app.dar.agent.id, "CONTRACT", 500).await;
    my_deals.reverse(); // newest first

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, &agent, "/pipeline").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let offer = column(&res.body, "OFFER");
    assert_eq!(cards(offer), my_deals[..50], "the newest 50 of the agent's deals");
    assert!(stage_count(offer).contains("60"), "the total, not the 50 shown: {}", stage_count(offer));
    let fragment = attr(offer, "hx-get").expect("a show-more link");
    let link =
        offer.split(r#"data-testid="stage-more""#).next().and_then(|s| s.rsplit("<li").next()).unwrap_or_default();
    let href = attr(link, "href").unwrap_or_default();
    assert!(href.starts_with("/pipeline?stage=OFFER&cursor="), "a link that works without script: {link}");
    // The contract column has one card and no link.
    let contract = column(&res.body, "CONTRACT");
    assert_eq!(cards(contract).len(), 1);
    assert!(!contract.contains("stage-more"));

    // The next page as a fragment: the other 10, none of the member's, no further link.
    let more = get_htmx(app, &agent, &fragment).await;
    assert_eq!(more.status, 200, "{}", more.body);
    assert!(!more.body.contains("<html"), "a fragment, not a page");
    assert_eq!(cards(&more.body), my_deals[50..]);
    assert!(member_deals.iter().all(|d| !more.body.contains(d.as_str())));
    assert!(!more.body.contains("stage-more"));
    assert!(more.body.contains(r#"class="move-form""#), "cards keep their stage menu");

    // Without script: the board with that stage continued, its total unchanged.
    let cursor = fragment.split("cursor=").nth(1).unwrap();
    let page = get(app, &agent, &format!("/pipeline?stage=OFFER&cursor={cursor}")).await;
    assert_eq!(page.status, 200);
    let offer = column(&page.body, "OFFER");
    assert_eq!(cards(offer), my_deals[50..]);
    assert!(stage_count(offer).contains("60"));
    assert_eq!(cards(column(&page.body, "CONTRACT")).len(), 1, "other stages from their start");

    // The admin's board counts and pages everyone's deals.
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let res = get(app, &admin, "/pipeline").await;
    let offer = column(&res.body, "OFFER");
    assert_eq!(cards(offer).len(), 50);
    assert!(stage_count(offer).contains("63"), "{}", stage_count(offer));
    let more = get_htmx(app, &admin, &attr(offer, "hx-get").unwrap()).await;
    let rest = cards(&more.body);
    assert_eq!(rest.len(), 13);
    assert!(member_deals.iter().all(|d| rest.contains(d)));

    // Bad input: an unknown stage is not found, a forged cursor is refused.
    assert_eq!(get_htmx(app, &agent, "/pipeline/stages/NOPE").await.status, 404);
    assert_eq!(get_htmx(app, &agent, "/pipeline/stages/OFFER?cursor=forged").await.status, 400);
    assert_eq!(get(app, &agent, "/pipeline?stage=OFFER&cursor=forged").await.status, 303);
}

/// A call logged on `lead` at minute `n`.
async fn call(app: &TestApp, lead: &str, n: u32) {
    let at = format!("2026-02-01T{:02}:{:02}:00.000Z", n / 60, n % 60);
    let data = json!({"tenantId": app.dar.tenant.id, "type": "CALL", "leadId": lead, "title": format!("Call {n}"),
                      "assigneeId": app.dar.agent.id, "createdById": app.dar.agent.id, "createdAt": at});
    app.app.db.as_system("test: log a call").create("Activity", json!({ "data": data })).await.unwrap();
}

fn titles(html: &str) -> Vec<String> {
    html.split(r#"<p class="title" dir="auto">"#)
        .skip(1)
        .filter_map(|s| s.split('<').next())
        .map(str::to_owned)
        .collect()
}

async fn the_timeline_pages_to_older_entries(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let id = lead(app, t, "Busy lead", Some(&app.dar.agent.id)).await;
    for n in 0..60 {
        call(app, &id, n).await;
    }
    let newest_first: Vec<String> = (0..60).rev().map(|n| format!("Call {n}")).collect();
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, &s, &format!("/leads/{id}")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let timeline = res.body.split(r#"data-testid="timeline""#).nth(1).unwrap().split("</ol>").next().unwrap();
    assert_eq!(titles(timeline), newest_first[..50]);
    let fragment = attr(timeline, "hx-get").expect("an older-entries link");
    assert!(timeline.contains(&format!(r#"href="/leads/{id}?before="#)), "a link that works without script");

    let older = get_htmx(app, &s, &fragment).await;
    assert_eq!(older.status, 200, "{}", older.body);
    assert!(!older.body.contains("<html"));
    assert_eq!(titles(&older.body), newest_first[50..]);
    assert!(!older.body.contains("timeline-older"), "the oldest page has no further link");

    // Without script: the lead page with the older page of its timeline.
    let before = fragment.split("before=").nth(1).unwrap();
    let page = get(app, &s, &format!("/leads/{id}?before={before}")).await;
    assert_eq!(page.status, 200);
    let timeline = page.body.split(r#"data-testid="timeline""#).nth(1).unwrap().split("</ol>").next().unwrap();
    assert_eq!(titles(timeline), newest_first[50..]);

    // Another agent's lead: its timeline is not found, like the lead.
    let member = user(app, "dar", "member", Role::Agent).await;
    let other = lead(app, t, "Not mine", Some(&member.id)).await;
    assert_eq!(get_htmx(app, &s, &format!("/leads/{other}/timeline?before={before}")).await.status, 404);
    assert_eq!(get_htmx(app, &s, &format!("/leads/{id}/timeline?before=yesterday")).await.status, 400);
}

on_both_databases!(
    the_listings_column_choice_is_remembered,
    a_long_stage_shows_more_under_the_rules,
    the_timeline_pages_to_older_entries,
);

/// In a real browser: "show more" and "older entries" append in place (htmx), without a reload.
#[tokio::test]
async fn more_and_older_append_in_place_in_a_browser() {
    use crate::browser::Browser;
    use thirtyfour::By;

    let app = TestApp::sqlite().await;
    let lead_id = lead(&app, &app.dar.tenant.id, "Busy lead", Some(&app.dar.agent.id)).await;
    for n in 0..55 {
        deal(&app, &lead_id, &app.dar.agent.id, "OFFER", n).await;
        call(&app, &lead_id, n).await;
    }
    let b = Browser::start(1400).await;
    b.sign_in(&app, "dar", &app.dar.agent.email).await;

    b.driver().goto(Browser::url(&app, "dar", "/pipeline")).await.expect("board");
    b.wait_js("return document.readyState === 'complete' && !!window.htmx", 5).await;
    let offer = "document.querySelectorAll(\"[data-stage=OFFER] [data-testid=deal-card]\").length";
    assert_eq!(b.js(&format!("return {offer}")).await, 50);
    b.js("window.__stillHere = 42; return 0").await;
    let more = b.driver().find(By::Css("[data-stage=OFFER] [data-testid=stage-more]")).await.expect("show more");
    more.scroll_into_view().await.expect("scroll");
    more.click().await.expect("click");
    b.wait_js(&format!("return {offer} === 55"), 5).await;
    assert_eq!(b.js("return document.querySelectorAll('[data-testid=stage-more]').length").await, 0);
    assert_eq!(b.js("return window.__stillHere").await, 42, "no reload");
    assert_eq!(b.js("return location.pathname + location.search").await, "/pipeline");

    b.driver().goto(Browser::url(&app, "dar", &format!("/leads/{lead_id}"))).await.expect("lead");
    b.wait_js("return document.readyState === 'complete' && !!window.htmx", 5).await;
    let items = "document.querySelectorAll('[data-testid=timeline] [data-testid=timeline-item]').length";
    assert_eq!(b.js(&format!("return {items}")).await, 50);
    b.js("window.__stillHere = 43; return 0").await;
    let older = b.driver().find(By::Css("[data-testid=timeline-older]")).await.expect("older entries");
    older.scroll_into_view().await.expect("scroll");
    older.click().await.expect("click");
    b.wait_js(&format!("return {items} === 55"), 5).await;
    assert_eq!(b.js("return window.__stillHere").await, 43, "no reload");
    let last = "return [...document.querySelectorAll('[data-testid=timeline-item] .title')].pop().textContent";
    assert_eq!(b.js(last).await, "Call 0");
    b.close().await;
    app.stop().await;
}
