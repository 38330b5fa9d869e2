//! The record pages over HTTP: a lead's page (profile, requirements, matches, the timeline of
//! activities, status changes and messages, the status, assignment and quick-action forms), the
//! listings grid and a listing's page (both languages, the permit warning, photos), and the
//! pipeline board (columns by stage, moving a deal, closed deals final for agents) — each under
//! the reader's rules, with a hidden record answering the same 404 page as a missing one.

use domain::Role;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::pages::{get, lead, location, post, sign_in, user};
use crate::support::TestApp;

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

/// The row of `model` `id`, read as the system.
async fn row(app: &TestApp, model: &str, id: &str) -> Value {
    app.app.db.as_system("test: read back").find_unique(model, json!({"where": {"id": id}})).await.unwrap()
}

/// A listing of `tenant_id` (available villa in Dubai for sale unless `extra` says otherwise).
async fn listing(app: &TestApp, tenant_id: &str, reference: &str, extra: Value) -> String {
    let mut data = json!({
        "tenantId": tenant_id, "reference": reference, "titleEn": format!("Marina villa {reference}"),
        "titleAr": format!("فيلا الإمارات {reference}"), "purpose": "SALE", "type": "VILLA", "city": "دبي",
        "bedrooms": 4, "price": "2400000", "currency": "AED", "status": "AVAILABLE",
    });
    if let (Value::Object(d), Value::Object(e)) = (&mut data, extra) {
        d.extend(e);
    }
    let text = |k: &str| data[k].as_str().unwrap_or_default().to_owned();
    data["searchText"] = json!(app::properties::search_text(
        &text("reference"),
        &text("titleEn"),
        &text("titleAr"),
        &text("city"),
        data["community"].as_str()
    ));
    let row = app.app.db.as_system("test: create a listing").create("Property", json!({ "data": data })).await;
    row.unwrap()["id"].as_str().unwrap().to_owned()
}

/// A deal on `lead` worked by `agent`, in `stage`.
async fn deal(app: &TestApp, tenant_id: &str, lead: &str, property: Option<&str>, agent: &str, stage: &str) -> String {
    let data = json!({"tenantId": tenant_id, "leadId": lead, "propertyId": property, "agentId": agent,
                      "stage": stage, "value": "1850000", "currency": "AED"});
    let row = app.app.db.as_system("test: create a deal").create("Deal", json!({ "data": data })).await;
    row.unwrap()["id"].as_str().unwrap().to_owned()
}

/// A team led by `manager` with `members`.
async fn team(app: &TestApp, tenant_id: &str, manager: &app::users::UserView, members: &[&app::users::UserView]) {
    let team = app
        .app
        .db
        .as_system("test: create a team")
        .create("Team", json!({"data": {"tenantId": tenant_id, "name": "Marina", "managerId": manager.id}}))
        .await
        .unwrap();
    for u in members.iter().copied().chain([manager]) {
        app.update_user(u, json!({"teamId": team["id"]})).await;
    }
}

/// The `data-testid="timeline-item"` elements of a page, as `(kind, html)` in page order.
fn timeline(body: &str) -> Vec<(String, String)> {
    body.split("data-testid=\"timeline-item\" data-kind=\"")
        .skip(1)
        .map(|s| {
            let kind = s.split('"').next().unwrap().to_owned();
            (kind, s.split("</li>").next().unwrap().to_owned())
        })
        .collect()
}

async fn a_lead_page_shows_the_lead_to_those_who_may_read_it(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let member = user(app, "dar", "member", Role::Agent).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, t, &manager, &[&member]).await;
    let mine = app
        .app
        .db
        .as_system("test: a lead with requirements")
        .create(
            "Lead",
            json!({"data": {"tenantId": t, "name": "Layla Haddad", "assigneeId": app.dar.agent.id, "source": "BAYUT",
                "phones": ["+971501234567", "+971527654321"], "primaryPhone": "+971501234567",
                "email": "layla@example.com", "preferredLanguage": "en", "intent": "SALE",
                "propertyTypes": ["VILLA"], "cities": ["دبي"], "minBedrooms": 3, "budgetMax": "2500000",
                "searchText": "layla"}}),
        )
        .await
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fits = listing(app, t, "DAR-7", json!({})).await;
    let too_dear = listing(app, t, "DAR-8", json!({"price": "9000000"})).await;
    let members = lead(app, t, "Member lead", Some(&member.id)).await;
    let foreign = lead(app, &app.harbor.tenant.id, "Harbor's lead", Some(&app.harbor.agent.id)).await;

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &agent, &format!("/leads/{mine}")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(body.contains(r#"data-testid="lead-name">Layla Haddad</h1>"#), "{body}");
    assert!(body.contains(r#"<bdi dir="ltr" data-testid="lead-phone">+971501234567</bdi>"#));
    assert!(body.contains(r#"<bdi dir="ltr" data-testid="lead-phone">+971527654321</bdi>"#));
    assert!(body.contains(r#"data-testid="lead-email"><bdi dir="ltr">layla@example.com</bdi>"#));
    assert!(body.contains(r#"data-testid="lead-language">الإنجليزية<"#));
    assert!(body.contains(r#"data-testid="lead-source">بيوت<"#));
    assert!(body.contains(r#"data-testid="lead-status" data-status="NEW">جديد<"#));
    assert!(body.contains(r#"data-testid="lead-req-budget"><bdi dir="ltr">≤ AED 2,500,000</bdi>"#), "{body}");
    assert!(body.contains(r#"data-testid="lead-req-types" dir="auto">فيلا<"#));
    assert!(body.contains(r#"data-testid="lead-req-bedrooms"><bdi dir="ltr">3</bdi>"#));
    assert!(body.contains("الملف") && body.contains("المتطلبات"), "Arabic labels");
    // Matching listings: the one within the budget, not the one far above it.
    assert!(body.contains(&format!(r#"data-testid="lead-match" data-listing-id="{fits}""#)));
    assert!(!body.contains(&too_dear));
    // Quick actions are there, with the CSRF field; an agent gets no assignment form.
    assert!(body.contains(r#"data-testid="schedule-viewing-form""#));
    assert!(body.contains(&format!(r#"name="csrf" value="{}""#, agent.csrf)));
    assert!(!body.contains(r#"data-testid="assign-form""#));

    // Another agent's lead, another agency's, a missing one, a malformed id: the same 404 page.
    let missing = get(app, "dar", &agent, &format!("/leads/{MISSING}")).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("هذه الصفحة غير موجودة"), "{}", missing.body);
    for id in [members.as_str(), foreign.as_str(), "not-an-id"] {
        let res = get(app, "dar", &agent, &format!("/leads/{id}")).await;
        assert_eq!((res.status, &res.body), (404, &missing.body), "{id}");
    }

    // The manager reads the team member's lead and may assign it.
    let m = sign_in(app, "dar", &manager.email).await;
    let body = get(app, "dar", &m, &format!("/leads/{members}")).await.body;
    assert!(body.contains(r#"data-testid="lead-name">Member lead</h1>"#), "{body}");
    assert!(body.contains(r#"data-testid="assign-form""#));

    // harbor speaks English.
    let harbor_lead = lead(app, &app.harbor.tenant.id, "Sam Carter", Some(&app.harbor.agent.id)).await;
    let h = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = get(app, "harbor", &h, &format!("/leads/{harbor_lead}")).await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains(">Profile</h2>") && body.contains(">Requirements</h2>") && body.contains(">Timeline</h2>"));
    assert!(body.contains(r#"data-testid="lead-status" data-status="NEW">New<"#));
}

async fn lead_forms_change_the_lead_and_need_the_csrf_field(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let id = lead(app, t, "Form lead", Some(&app.dar.agent.id)).await;
    let villa = listing(app, t, "DAR-9", json!({})).await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let page = format!("/leads/{id}");

    // Without the CSRF field (or with a wrong one): refused, nothing changes.
    for form in ["status=CONTACTED".to_owned(), "status=CONTACTED&csrf=wrong".to_owned()] {
        let res = post(app, "dar", &agent, &format!("{page}/status"), form).await;
        assert_eq!(res.status, 403);
    }
    assert_eq!(row(app, "Lead", &id).await["status"], "NEW");

    let res =
        post(app, "dar", &agent, &format!("{page}/status"), format!("csrf={}&status=CONTACTED", agent.csrf)).await;
    assert_eq!((res.status, location(&res)), (303, format!("{page}?ok=status-changed").as_str()));
    assert_eq!(row(app, "Lead", &id).await["status"], "CONTACTED");
    let body = get(app, "dar", &agent, location(&res)).await.body;
    assert!(body.contains("تم تغيير الحالة."), "the notice");
    assert!(body.contains(r#"data-status="CONTACTED""#));

    // LOST needs a reason: the page says so and nothing changes.
    let res =
        post(app, "dar", &agent, &format!("{page}/status"), format!("csrf={}&status=LOST&lost_reason=", agent.csrf))
            .await;
    assert_eq!(location(&res), format!("{page}?error=lost-reason-required"));
    let body = get(app, "dar", &agent, location(&res)).await.body;
    assert!(body.contains(r#"class="flash error""#) && body.contains("العميل المفقود يحتاج إلى سبب."));
    assert_eq!(row(app, "Lead", &id).await["status"], "CONTACTED");
    let res = post(
        app,
        "dar",
        &agent,
        &format!("{page}/status"),
        format!("csrf={}&status=LOST&lost_reason=bought+elsewhere", agent.csrf),
    )
    .await;
    assert_eq!(location(&res), format!("{page}?ok=status-changed"));
    let stored = row(app, "Lead", &id).await;
    assert_eq!((stored["status"].as_str(), stored["lostReason"].as_str()), (Some("LOST"), Some("bought elsewhere")));
    assert!(get(app, "dar", &agent, &page).await.body.contains(r#"data-testid="lead-lost-reason">bought elsewhere<"#));
    // Back from LOST: the reason in the form is dropped, not refused.
    let res = post(
        app,
        "dar",
        &agent,
        &format!("{page}/status"),
        format!("csrf={}&status=QUALIFIED&lost_reason=bought+elsewhere", agent.csrf),
    )
    .await;
    assert_eq!(location(&res), format!("{page}?ok=status-changed"));
    assert_eq!(row(app, "Lead", &id).await["lostReason"], Value::Null);

    // Quick actions: a call (logged as done), a viewing (with its Hijri date), a task.
    let call = format!("csrf={}&kind=CALL&title=Called+back&body=Wants+a+villa", agent.csrf);
    let res = post(app, "dar", &agent, &format!("{page}/activities"), call.replace(&agent.csrf, "")).await;
    assert_eq!(res.status, 403, "no CSRF field, no activity");
    let res = post(app, "dar", &agent, &format!("{page}/activities"), call).await;
    assert_eq!(location(&res), format!("{page}?ok=activity-added"));
    let viewing =
        format!("csrf={}&kind=VIEWING&title=Villa+viewing&due=2026-03-20T14%3A00&property={villa}", agent.csrf);
    let res = post(app, "dar", &agent, &format!("{page}/activities"), viewing).await;
    assert_eq!(location(&res), format!("{page}?ok=activity-added"));
    let res =
        post(app, "dar", &agent, &format!("{page}/activities"), format!("csrf={}&kind=TASK&title=+&due=", agent.csrf))
            .await;
    assert_eq!(location(&res), format!("{page}?error=title-required"));
    let res = post(
        app,
        "dar",
        &agent,
        &format!("{page}/activities"),
        format!("csrf={}&kind=TASK&title=Send+offer&due=someday", agent.csrf),
    )
    .await;
    assert_eq!(location(&res), format!("{page}?error=invalid-date"));

    let body = get(app, "dar", &agent, &page).await.body;
    let items = timeline(&body);
    let kinds: Vec<&str> = items.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds, ["viewing", "call"], "newest first; agents do not read the audit log");
    let (_, viewing) = &items[0];
    assert!(viewing.contains("Villa viewing") && viewing.contains("20 مارس 2026, 14:00"), "{viewing}");
    let hijri = ui::format::hijri("2026-03-20", domain::Locale::Ar, domain::TimeZone::DUBAI).unwrap();
    assert!(viewing.contains(&format!(r#"data-testid="hijri-date"><bdi>{hijri}</bdi>"#)), "{viewing}");
    let (_, call) = &items[1];
    assert!(call.contains("Called back") && call.contains("Wants a villa") && call.contains("منجز"), "{call}");
    let stored = app
        .app
        .db
        .as_system("test: the viewing")
        .find_many("Activity", json!({"where": {"leadId": id, "type": "VIEWING"}}))
        .await
        .unwrap();
    assert_eq!(stored[0]["propertyId"], json!(villa));
    // Typed on the agency's clock (Asia/Dubai, UTC+4), stored in UTC.
    assert_eq!(stored[0]["dueAt"], "2026-03-20T10:00:00.000Z");

    // The admin reads the history: the status changes join the timeline.
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let body = get(app, "dar", &admin, &page).await.body;
    let changes: Vec<String> = timeline(&body).into_iter().filter(|(k, _)| k == "status").map(|(_, h)| h).collect();
    assert_eq!(changes.len(), 3, "{body}");
    assert!(changes[0].contains("مفقود ← مؤهل"), "{}", changes[0]);
    assert!(changes[1].contains("تم التواصل ← مفقود") && changes[1].contains("bought elsewhere"), "{}", changes[1]);

    // Assignment: refused to an agent (the rules), done by the admin; then the lead is no longer
    // the agent's and its page and forms answer 404.
    let member = user(app, "dar", "member", Role::Agent).await;
    let res =
        post(app, "dar", &agent, &format!("{page}/assign"), format!("csrf={}&assignee={}", agent.csrf, member.id))
            .await;
    assert_eq!(location(&res), format!("{page}?error=forbidden"));
    assert_eq!(row(app, "Lead", &id).await["assigneeId"], json!(app.dar.agent.id));
    let res = post(app, "dar", &admin, &format!("{page}/assign"), format!("csrf=&assignee={}", member.id)).await;
    assert_eq!(res.status, 403, "no CSRF field, no assignment");
    let res =
        post(app, "dar", &admin, &format!("{page}/assign"), format!("csrf={}&assignee={}", admin.csrf, member.id))
            .await;
    assert_eq!(location(&res), format!("{page}?ok=assigned"));
    assert_eq!(row(app, "Lead", &id).await["assigneeId"], json!(member.id));
    assert_eq!(get(app, "dar", &agent, &page).await.status, 404);
    let res =
        post(app, "dar", &agent, &format!("{page}/activities"), format!("csrf={}&kind=CALL&title=x", agent.csrf)).await;
    assert_eq!(res.status, 404);
    let res = post(app, "dar", &agent, &format!("{page}/status"), format!("csrf={}&status=NEW", agent.csrf)).await;
    assert_eq!(res.status, 404);
}

async fn the_timeline_merges_messages_of_every_channel(app: &TestApp) {
    let thread = crate::inbox_support::seed_thread(
        app,
        &app.dar,
        crate::inbox_support::ThreadSpec { assignee: Some(&app.dar.agent.id), ..Default::default() },
    )
    .await;
    let system = app.app.db.as_system("test: a second channel");
    let t = &app.dar.tenant.id;
    let conversation = row(app, "Conversation", &thread.conversation_id).await;
    let lead_id = conversation["leadId"].as_str().unwrap().to_owned();
    let sms =
        system.create("ChannelAccount", json!({"data": {"tenantId": t, "kind": "SMS", "name": "SMS line"}})).await;
    let sms = sms.unwrap();
    let identity = system
        .create(
            "ChannelIdentity",
            json!({"data": {"tenantId": t, "channelAccountId": sms["id"], "kind": "SMS", "addressType": "PHONE",
                            "address": "+971501234567", "leadId": lead_id}}),
        )
        .await
        .unwrap();
    let sms_conversation = system
        .create(
            "Conversation",
            json!({"data": {"tenantId": t, "leadId": lead_id, "channelAccountId": sms["id"],
                            "identityId": identity["id"], "assigneeId": app.dar.agent.id}}),
        )
        .await
        .unwrap();
    let message = |conversation: &Value, account: &Value, channel: &str, dir: &str, body: &str, at: &str| {
        json!({"data": {"tenantId": t, "conversationId": conversation["id"], "channelAccountId": account["id"],
                        "channel": channel, "direction": dir, "body": body,
                        "status": if dir == "IN" { "RECEIVED" } else { "SENT" }, "createdAt": at}})
    };
    let wa = json!({"id": thread.account_id});
    let wa_conversation = json!({"id": thread.conversation_id});
    for m in [
        message(&wa_conversation, &wa, "WHATSAPP", "IN", "مرحبا، هل الفيلا متاحة؟", "2026-03-01T08:00:00.000Z"),
        message(&sms_conversation, &sms, "SMS", "OUT", "Yes, viewing tomorrow?", "2026-03-01T09:00:00.000Z"),
        message(&wa_conversation, &wa, "WHATSAPP", "OUT", "أرسلت لك الموقع", "2026-03-01T10:00:00.000Z"),
    ] {
        system.create("Message", m).await.unwrap();
    }
    // Another lead of the same agent, with its own conversation: not on this lead's timeline.
    let elsewhere = crate::inbox_support::seed_thread(
        app,
        &app.dar,
        crate::inbox_support::ThreadSpec {
            assignee: Some(&app.dar.agent.id),
            address: "+971509876543",
            ..Default::default()
        },
    )
    .await;
    crate::inbox_support::inbound(app, &app.dar, &elsewhere, "WHATSAPP", "wamid.other", "رسالة عميل آخر", json!({}))
        .await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &agent, &format!("/leads/{lead_id}")).await.body;
    assert!(!body.contains("رسالة عميل آخر"), "only this lead's conversations");
    let items: Vec<String> = timeline(&body).into_iter().filter(|(k, _)| k == "message").map(|(_, h)| h).collect();
    assert_eq!(items.len(), 3, "{body}");
    assert!(items[0].contains("أرسلت لك الموقع") && items[0].contains("واتساب · مرسلة"), "{}", items[0]);
    assert!(items[1].contains("Yes, viewing tomorrow?") && items[1].contains("رسائل نصية · مرسلة"), "{}", items[1]);
    assert!(items[2].contains("مرحبا، هل الفيلا متاحة؟") && items[2].contains("واتساب · واردة"), "{}", items[2]);
    assert!(items[2].contains(r#"dir="auto""#), "message text keeps its own direction");
    // Another agent reads neither the lead nor its conversations.
    let other = user(app, "dar", "other", Role::Agent).await;
    let other = sign_in(app, "dar", &other.email).await;
    assert_eq!(get(app, "dar", &other, &format!("/leads/{lead_id}")).await.status, 404);
}

async fn the_listings_grid_filters_searches_and_pages(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let villa = listing(app, t, "DAR-1", json!({"listingAgentId": app.dar.agent.id})).await;
    let flat = listing(
        app,
        t,
        "DAR-2",
        json!({"type": "APARTMENT", "purpose": "RENT", "city": "أبوظبي", "price": "95000", "status": "RESERVED",
               "titleAr": "شقة على البحر", "titleEn": "Sea flat"}),
    )
    .await;
    let foreign = listing(app, &app.harbor.tenant.id, "HB-1", json!({})).await;
    let grid_ids = |body: &str| -> Vec<String> {
        body.split("data-listing-id=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
    };
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &agent, "/listings").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let mut seen = grid_ids(&res.body);
    seen.sort();
    let mut all = vec![villa.clone(), flat.clone()];
    all.sort();
    assert_eq!(seen, all, "every listing of the agency, none of another");
    assert!(!res.body.contains(&foreign));
    let body = &res.body;
    assert!(body.contains(r#"class="grid-viewport""#) && body.contains(r#"class="pin-start""#));
    assert!(body.contains(r#"class="pin-end""#));
    assert!(body.contains(r#"<td class="num"><bdi dir="ltr">AED 2,400,000</bdi></td>"#), "{body}");
    assert!(body.contains(r#"<span class="badge RESERVED">محجوز</span>"#));
    assert!(body.contains(r#"dir="auto">فيلا الإمارات DAR-1</a>"#), "the Arabic title for an Arabic reader");

    // Filters: status, purpose, type, city; the search folds Arabic spellings.
    for (query, expected) in [
        ("status=AVAILABLE", vec![villa.clone()]),
        ("purpose=RENT", vec![flat.clone()]),
        ("type=VILLA", vec![villa.clone()]),
        ("city=%D8%A3%D8%A8%D9%88%D8%B8%D8%A8%D9%8A", vec![flat.clone()]),
        ("q=%D8%A7%D9%84%D8%A7%D9%85%D8%A7%D8%B1%D8%A7%D8%AA", vec![villa.clone()]),
        ("q=sea", vec![flat.clone()]),
    ] {
        assert_eq!(grid_ids(&get(app, "dar", &agent, &format!("/listings?{query}")).await.body), expected, "{query}");
    }
    // Sorting by price, both ways, with the header marked.
    let body = get(app, "dar", &agent, "/listings?sort=price").await.body;
    assert_eq!(grid_ids(&body), vec![flat.clone(), villa.clone()]);
    assert!(body.contains(r#"aria-sort="ascending" data-col="price""#));
    assert!(body.contains(r#"href="/listings?sort=-price""#));
    assert_eq!(
        grid_ids(&get(app, "dar", &agent, "/listings?sort=-price").await.body),
        vec![villa.clone(), flat.clone()]
    );
    // Cursor pages (50 a page): a third listing and a page boundary via the API's own cursor.
    for n in 3..=52 {
        listing(app, t, &format!("DAR-{n}"), json!({"status": "DRAFT"})).await;
    }
    let body = get(app, "dar", &agent, "/listings?sort=reference").await.body;
    assert_eq!(grid_ids(&body).len(), 50);
    let next = body.split(r#"<a class="button" href=""#).find_map(|s| {
        let href = s.split('"').next()?;
        href.contains("cursor=").then(|| href.replace("&#38;", "&"))
    });
    let next = next.expect("a next page link");
    let second = get(app, "dar", &agent, &next).await.body;
    assert_eq!(grid_ids(&second).len(), 2, "{next}");
    assert!(second.contains(r#"data-testid="first-page""#));
    // A broken cursor goes back to the plain grid.
    let res = get(app, "dar", &agent, "/listings?cursor=garbage").await;
    assert_eq!((res.status, location(&res)), (303, "/listings"));

    // harbor reads its own, in English.
    let h = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = get(app, "harbor", &h, "/listings").await.body;
    assert_eq!(grid_ids(&body), vec![foreign.clone()]);
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#) && body.contains(">Listings</h1>"));
    assert!(body.contains(r#"dir="auto">Marina villa HB-1</a>"#));
}

async fn a_listing_page_shows_both_languages_the_permit_and_matches(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let day = |offset: i64| {
        (chrono::Utc::now() + chrono::Duration::days(offset)).format("%Y-%m-%dT00:00:00.000Z").to_string()
    };
    let expired = listing(
        app,
        t,
        "DAR-1",
        json!({"permitNumber": "71234567", "permitExpiresAt": day(-3), "ownerName": "Omar", "ownerPhone": "+971509999999",
               "descriptionAr": "فيلا واسعة مع حديقة", "descriptionEn": "A roomy villa with a garden", "areaSqm": 420.5}),
    )
    .await;
    let soon = listing(app, t, "DAR-2", json!({"permitNumber": "7", "permitExpiresAt": day(10)})).await;
    let valid = listing(app, t, "DAR-3", json!({"permitNumber": "8", "permitExpiresAt": day(200)})).await;
    let foreign = listing(app, &app.harbor.tenant.id, "HB-1", json!({})).await;
    let buyer = lead(app, t, "Villa buyer", Some(&app.dar.agent.id)).await;
    app.app
        .db
        .as_system("test: requirements")
        .update("Lead", json!({"where": {"id": buyer}, "data": {"intent": "SALE", "budgetMax": "2500000"}}))
        .await
        .unwrap();
    let not_mine = lead(app, t, "Someone else's buyer", None).await;

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &agent, &format!("/listings/{expired}")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    assert!(body.contains(r#"data-testid="permit-warning""#), "an expired permit is flagged");
    assert!(body.contains("انتهى تصريح الإعلان"));
    assert!(body.contains(r#"data-testid="listing-permit"><bdi dir="ltr">71234567</bdi>"#));
    // Both languages, each in its own language and direction; the reader's first.
    let ar = body.find(r#"<section class="panel" lang="ar" dir="rtl" data-testid="listing-text-ar">"#).expect("ar");
    let en = body.find(r#"<section class="panel" lang="en" dir="ltr" data-testid="listing-text-en">"#).expect("en");
    assert!(ar < en);
    assert!(body.contains("فيلا واسعة مع حديقة") && body.contains("A roomy villa with a garden"));
    assert!(body.contains(r#"data-testid="listing-price"><bdi dir="ltr">AED 2,400,000</bdi>"#));
    // No photos: a placeholder. The agent is not the listing agent: no owner contact.
    assert!(body.contains(r#"data-testid="listing-photo-placeholder""#));
    assert!(!body.contains("+971509999999") && !body.contains(r#"data-testid="listing-owner""#));
    // Matching leads: only those the reader may read.
    assert!(body.contains(&format!(r#"data-testid="listing-match" data-lead-id="{buyer}""#)), "{body}");
    assert!(!body.contains(&not_mine));

    let soon_page = get(app, "dar", &agent, &format!("/listings/{soon}")).await.body;
    assert!(soon_page.contains(r#"data-testid="permit-warning""#));
    assert!(soon_page.contains("ينتهي تصريح الإعلان بعد"), "expires within 30 days");
    assert!(!get(app, "dar", &agent, &format!("/listings/{valid}")).await.body.contains("permit-warning"));

    // The admin sees the owner's contact.
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let body = get(app, "dar", &admin, &format!("/listings/{expired}")).await.body;
    assert!(body.contains(r#"data-testid="listing-owner-phone"><bdi dir="ltr">+971509999999</bdi>"#), "{body}");

    // Photos come through the file route, readable with the page's session.
    let token = crate::deals::token(&app.dar.admin);
    let photo = crate::properties::upload(app, "dar", &token, "property", &valid).await;
    app.app
        .db
        .as_system("test: photos")
        .update("Property", json!({"where": {"id": valid}, "data": {"photos": [photo]}}))
        .await
        .unwrap();
    let body = get(app, "dar", &agent, &format!("/listings/{valid}")).await.body;
    let src = format!("/api/v1/files/{photo}");
    assert!(body.contains(&format!(r#"<img src="{src}""#)), "{body}");
    assert!(!body.contains("listing-photo-placeholder"));
    let image = get(app, "dar", &agent, &src).await;
    assert_eq!((image.status, image.headers["content-type"].to_str().unwrap()), (200, "image/png"));

    // Another agency's listing, or a missing one: the 404 page.
    for id in [foreign.as_str(), MISSING] {
        let res = get(app, "dar", &agent, &format!("/listings/{id}")).await;
        assert_eq!(res.status, 404, "{id}");
        assert!(res.body.contains("هذه الصفحة غير موجودة"));
    }

    // In English the English text comes first.
    let h = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = get(app, "harbor", &h, &format!("/listings/{foreign}")).await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    let ar = body.find(r#"lang="ar" dir="rtl" data-testid="listing-text-ar""#).unwrap();
    let en = body.find(r#"lang="en" dir="ltr" data-testid="listing-text-en""#).unwrap();
    assert!(en < ar);
    assert!(body.contains("No photos yet."));
}

/// The stage column a deal's card is in, if it is on the board.
fn column_of(body: &str, deal: &str) -> Option<String> {
    let card = body.find(&format!(r#"data-deal-id="{deal}""#))?;
    let before = &body[..card];
    let col = before.rfind(r#"data-testid="stage-column" data-stage=""#)?;
    let rest = &before[col + r#"data-testid="stage-column" data-stage=""#.len()..];
    rest.split('"').next().map(str::to_owned)
}

async fn the_pipeline_board_moves_deals_under_the_rules(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let member = user(app, "dar", "member", Role::Agent).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, t, &manager, &[&member, &app.dar.agent]).await;
    let villa = listing(app, t, "DAR-1", json!({})).await;
    let layla = lead(app, t, "Layla", Some(&app.dar.agent.id)).await;
    let mine = deal(app, t, &layla, Some(&villa), &app.dar.agent.id, "OFFER").await;
    let members =
        deal(app, t, &lead(app, t, "Member's", Some(&member.id)).await, None, &member.id, "RESERVATION").await;
    let harbor_lead = lead(app, &app.harbor.tenant.id, "Harbor", Some(&app.harbor.agent.id)).await;
    let foreign = deal(app, &app.harbor.tenant.id, &harbor_lead, None, &app.harbor.agent.id, "OFFER").await;

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &agent, "/pipeline").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    // Five columns in pipeline order; the agent's deal only.
    let stages: Vec<&str> =
        body.split(r#"data-testid="stage-column" data-stage=""#).skip(1).filter_map(|s| s.split('"').next()).collect();
    assert_eq!(stages, ["OFFER", "RESERVATION", "CONTRACT", "CLOSED_WON", "CLOSED_LOST"]);
    assert_eq!(body.matches(r#"data-testid="deal-card""#).count(), 1);
    assert_eq!(column_of(body, &mine).as_deref(), Some("OFFER"));
    assert!(!body.contains(&members) && !body.contains(&foreign));
    assert!(body.contains(r#"<a href="/leads/"#) && body.contains(">Layla</a>"));
    assert!(body.contains(r#"data-testid="deal-value"><bdi dir="ltr">AED 1,850,000</bdi>"#));
    assert!(body.contains("فيلا الإمارات DAR-1"), "the listing's Arabic title");
    assert!(body.contains(&format!(r#"<label for="stage-{mine}">المرحلة</label>"#)), "a labelled stage menu");
    assert!(body.contains(&format!(r#"action="/pipeline/deals/{mine}/stage""#)));
    assert!(body.contains(r#"draggable="true""#) && body.contains("/assets/pipeline.js?v="));

    // Moving needs the CSRF field.
    let path = format!("/pipeline/deals/{mine}/stage");
    let res = post(app, "dar", &agent, &path, "stage=CONTRACT".to_owned()).await;
    assert_eq!(res.status, 403);
    assert_eq!(row(app, "Deal", &mine).await["stage"], "OFFER");
    let res = post(app, "dar", &agent, &path, format!("csrf={}&stage=CONTRACT", agent.csrf)).await;
    assert_eq!((res.status, location(&res)), (303, "/pipeline?ok=deal-moved"));
    assert_eq!(row(app, "Deal", &mine).await["stage"], "CONTRACT");
    let body = get(app, "dar", &agent, location(&res)).await.body;
    assert_eq!(column_of(&body, &mine).as_deref(), Some("CONTRACT"));
    assert!(body.contains("نُقلت الصفقة."));
    let res = post(app, "dar", &agent, &path, format!("csrf={}&stage=SOMEWHERE", agent.csrf)).await;
    assert_eq!(location(&res), "/pipeline?error=invalid-stage");

    // Closing is allowed; after that the deal is final for the agent: no menu, and a move is
    // refused by the use case and explained.
    let res = post(app, "dar", &agent, &path, format!("csrf={}&stage=CLOSED_WON", agent.csrf)).await;
    assert_eq!(location(&res), "/pipeline?ok=deal-moved");
    let body = get(app, "dar", &agent, "/pipeline").await.body;
    assert_eq!(column_of(&body, &mine).as_deref(), Some("CLOSED_WON"));
    assert!(body.contains(r#"data-testid="deal-locked""#));
    assert!(!body.contains(&format!(r#"action="/pipeline/deals/{mine}/stage""#)));
    let res = post(app, "dar", &agent, &path, format!("csrf={}&stage=OFFER", agent.csrf)).await;
    assert_eq!(location(&res), "/pipeline?error=closed-final");
    assert!(get(app, "dar", &agent, location(&res)).await.body.contains("هذه الصفقة مغلقة"));
    assert_eq!(row(app, "Deal", &mine).await["stage"], "CLOSED_WON");

    // Other deals: another agent's and another agency's are 404s.
    for id in [&members, &foreign] {
        let res = post(
            app,
            "dar",
            &agent,
            &format!("/pipeline/deals/{id}/stage"),
            format!("csrf={}&stage=CONTRACT", agent.csrf),
        )
        .await;
        assert_eq!(res.status, 404, "{id}");
    }
    assert_eq!(row(app, "Deal", &members).await["stage"], "RESERVATION");

    // The manager sees the team's deals and may reopen a closed one.
    let m = sign_in(app, "dar", &manager.email).await;
    let body = get(app, "dar", &m, "/pipeline").await.body;
    assert_eq!(body.matches(r#"data-testid="deal-card""#).count(), 2);
    assert!(body.contains(&format!(r#"action="/pipeline/deals/{mine}/stage""#)), "not locked for a manager");
    let res = post(app, "dar", &m, &path, format!("csrf={}&stage=CONTRACT", m.csrf)).await;
    assert_eq!(location(&res), "/pipeline?ok=deal-moved");
    assert_eq!(row(app, "Deal", &mine).await["stage"], "CONTRACT");

    // harbor's board is English.
    let h = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = get(app, "harbor", &h, "/pipeline").await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#) && body.contains(">Pipeline</h1>"));
    assert_eq!(column_of(&body, &foreign).as_deref(), Some("OFFER"));
    assert!(body.contains(r#"<span class="badge CLOSED_WON">Won</span>"#));
}

on_both_databases!(
    a_lead_page_shows_the_lead_to_those_who_may_read_it,
    lead_forms_change_the_lead_and_need_the_csrf_field,
    the_timeline_merges_messages_of_every_channel,
    the_listings_grid_filters_searches_and_pages,
    a_listing_page_shows_both_languages_the_permit_and_matches,
    the_pipeline_board_moves_deals_under_the_rules,
);
