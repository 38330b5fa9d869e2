//! The agency's time zone over HTTP: set on the settings page by an admin only (an unknown zone
//! refused, nothing changed), then every page shows times on the agency's clock, counts "today"
//! and "overdue" in its days, and reads the times typed into forms on it.

use chrono::{Days, NaiveDate, Utc};
use domain::{Locale, TimeZone};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::pages::{get, lead, location, post, sign_in};
use crate::support::TestApp;

/// The part of a page from the element with `data-testid="{id}"` to the end of its `end` tag.
fn part<'a>(body: &'a str, id: &str, end: &str) -> &'a str {
    let marker = format!("data-testid=\"{id}\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {id} in the page:\n{body}"));
    let rest = &body[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

fn plain(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
}

async fn stored_zone(app: &TestApp, tenant_id: &str) -> String {
    let row = app
        .app
        .db
        .as_system("test: read the agency")
        .run("Tenant", "findUnique", &json!({"where": {"id": tenant_id}}))
        .await
        .unwrap();
    row["timeZone"].as_str().unwrap().to_owned()
}

async fn create(app: &TestApp, model: &str, data: Value) -> String {
    let row = app.app.db.as_system("test: seed").create(model, json!({ "data": data })).await.unwrap();
    row["id"].as_str().unwrap().to_owned()
}

async fn task(app: &TestApp, tenant: &str, lead: &str, who: &str, title: &str, due: &str) -> String {
    create(
        app,
        "Activity",
        json!({"tenantId": tenant, "leadId": lead, "type": "TASK", "title": title, "dueAt": due,
            "assigneeId": who, "createdById": who}),
    )
    .await
}

async fn only_admins_set_the_zone(app: &TestApp) {
    let dar = &app.dar.tenant.id;
    assert_eq!(stored_zone(app, dar).await, "Asia/Dubai", "the schema's default");

    // The admin sees the agency section: a labelled select, the Gulf first, the zone selected.
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let res = get(app, "dar", &admin, "/settings").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let section = part(&res.body, "settings-agency", "</section>");
    assert!(section.contains(r#"<label for="agency-time-zone">المنطقة الزمنية</label>"#), "{section}");
    assert!(section.contains(r#"<select id="agency-time-zone" name="time_zone""#));
    assert!(section.contains(r#"<optgroup label="الخليج والشرق الأوسط والمناطق الشائعة"><option value="Asia/Dubai" selected>Asia/Dubai (UTC+04:00)</option>"#), "{section}");
    assert!(section.contains(r#"<optgroup label="كل المناطق الزمنية">"#));
    assert!(section.contains(r#"<option value="America/New_York">"#), "every zone after the common ones");
    assert_eq!(section.matches(" selected>").count(), 1, "one zone selected");
    assert!(section.contains(&format!(r#"name="csrf" value="{}""#, admin.csrf)));
    assert!(part(section, "agency-clock", "</bdi>").contains("· Asia/Dubai"));

    // An agent neither sees the section nor may post the form (the rules refuse it).
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    assert!(!get(app, "dar", &agent, "/settings").await.body.contains("settings-agency"));
    let res =
        post(app, "dar", &agent, "/settings/agency", format!("csrf={}&time_zone=Europe%2FLondon", agent.csrf)).await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert_eq!(stored_zone(app, dar).await, "Asia/Dubai");

    // Without the CSRF field, or with a zone that does not exist: refused, nothing changed.
    let res = post(app, "dar", &admin, "/settings/agency", "time_zone=Europe%2FLondon".into()).await;
    assert_eq!(res.status, 403);
    for bad in ["Mars%2FOlympus", "", "%2B04%3A00", "asia%2Fdubai"] {
        let res = post(app, "dar", &admin, "/settings/agency", format!("csrf={}&time_zone={bad}", admin.csrf)).await;
        assert_eq!((res.status, location(&res)), (303, "/settings?error=invalid&field=timeZone"), "{bad}");
    }
    assert_eq!(stored_zone(app, dar).await, "Asia/Dubai");
    let body = get(app, "dar", &admin, "/settings?error=invalid&field=timeZone").await.body;
    assert!(plain(&body).contains("تحقّق من «المنطقة الزمنية»"), "the notice names the field");

    // The admin sets it; the page shows it at once.
    let res =
        post(app, "dar", &admin, "/settings/agency", format!("csrf={}&time_zone=Europe%2FLondon", admin.csrf)).await;
    assert_eq!((res.status, location(&res)), (303, "/settings?ok=agency"));
    assert_eq!(stored_zone(app, dar).await, "Europe/London");
    let body = get(app, "dar", &admin, "/settings?ok=agency").await.body;
    assert!(body.contains("حُفظت إعدادات الوكالة."));
    let section = part(&body, "settings-agency", "</section>");
    assert!(section.contains(r#"<option value="Europe/London" selected>Europe/London (UTC+0"#), "{section}");
    assert_eq!(section.matches(" selected>").count(), 1);
    assert_eq!(stored_zone(app, &app.harbor.tenant.id).await, "Asia/Dubai", "another agency's is its own");
}

async fn pages_use_the_agencys_clock_and_days(app: &TestApp) {
    // Harbor works in UTC (set through its admin's form); Dar keeps Asia/Dubai (UTC+4).
    let h_admin = sign_in(app, "harbor", &app.harbor.admin.email).await;
    let res = post(app, "harbor", &h_admin, "/settings/agency", format!("csrf={}&time_zone=UTC", h_admin.csrf)).await;
    assert_eq!(location(&res), "/settings?ok=agency");

    let dubai = TimeZone::DUBAI;
    let today = dubai.day_of(Utc::now());
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap();
    // 23:30 UTC the evening before is 03:30 today in Dubai; 20:30 UTC today is 00:30 tomorrow.
    let late = format!("{}T23:30:00.000Z", day(yesterday));
    let after_midnight = format!("{}T20:30:00.000Z", day(today));

    let (d, h) = (&app.dar, &app.harbor);
    let d_lead = lead(app, &d.tenant.id, "Layla", Some(&d.agent.id)).await;
    let h_lead = lead(app, &h.tenant.id, "Sam", Some(&h.agent.id)).await;
    for (agency, lead_id, who) in [(d, &d_lead, &d.agent.id), (h, &h_lead, &h.agent.id)] {
        task(app, &agency.tenant.id, lead_id, who, "Late-night call", &late).await;
        task(app, &agency.tenant.id, lead_id, who, "After midnight", &after_midnight).await;
    }

    // Dubai: the 23:30 UTC task is today's, shown at 03:30; the 20:30 UTC one is tomorrow's.
    let s = sign_in(app, "dar", &d.agent.email).await;
    let body = get(app, "dar", &s, "/tasks").await.body;
    assert!(body.contains("Asia/Dubai"), "the page names the zone its times are in");
    let due_today = part(&body, "task-today", "</section>");
    assert!(due_today.contains("Late-night call"), "{body}");
    assert!(due_today.contains(&format!("{}, 03:30", ui::format::date(&day(today), Locale::Ar, dubai))), "{due_today}");
    assert!(due_today.contains(&format!(r#"datetime="{late}""#)), "machine-readable times stay in UTC");
    assert!(!part(&body, "task-overdue", "</section>").contains("Late-night call"));
    let upcoming = part(&body, "task-upcoming", "</section>");
    assert!(upcoming.contains("After midnight") && upcoming.contains(", 00:30"), "{upcoming}");

    // UTC: the same instants on UTC days and clock.
    let s = sign_in(app, "harbor", &h.agent.email).await;
    let body = get(app, "harbor", &s, "/tasks").await.body;
    let utc_today = Utc::now().date_naive();
    let (late_bucket, after_bucket) =
        if utc_today == today { ("task-overdue", "task-today") } else { ("task-today", "task-upcoming") };
    let bucket = part(&body, late_bucket, "</section>");
    assert!(bucket.contains("Late-night call") && bucket.contains(", 23:30"), "{late_bucket}: {body}");
    assert!(part(&body, after_bucket, "</section>").contains("After midnight"), "{after_bucket}: {body}");

    // The dashboard's "today" starts at the agency's midnight: 20:00 UTC the day before in Dubai.
    let t = &d.tenant.id;
    let created = |at: &str| json!({"tenantId": t, "name": "Night lead", "source": "WEBSITE", "createdAt": at, "searchText": "night"});
    create(app, "Lead", created(&format!("{}T21:00:00.000Z", day(yesterday)))).await; // 01:00 today in Dubai
    create(app, "Lead", created(&format!("{}T19:00:00.000Z", day(yesterday)))).await; // 23:00 yesterday
    let admin = sign_in(app, "dar", &d.admin.email).await;
    let body = get(app, "dar", &admin, "/").await.body;
    let stat = |id: &str| {
        let p = part(&body, id, "</div>");
        let i = p.find("data-value=\"").unwrap() + "data-value=\"".len();
        p[i..].split('"').next().unwrap().parse::<u64>().unwrap()
    };
    // Layla (created now) and the 01:00 lead; the 23:00 one is yesterday's but this week's.
    assert_eq!((stat("stat-new-today"), stat("stat-new-week")), (2, 3));

    // A viewing typed on the lead page is read on the agency's clock: 01:30 tomorrow in Dubai is
    // 21:30 UTC today, and its Hijri date is tomorrow's.
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap();
    let page = format!("/leads/{d_lead}");
    let form = format!("csrf={}&kind=VIEWING&title=Night+viewing&due={}T01%3A30", admin.csrf, day(tomorrow));
    let res = post(app, "dar", &admin, &format!("{page}/activities"), form).await;
    assert_eq!(location(&res), format!("{page}?ok=activity-added"));
    let stored = app
        .app
        .db
        .as_system("test: the viewing")
        .find_many("Activity", json!({"where": {"leadId": d_lead, "type": "VIEWING"}}))
        .await
        .unwrap();
    assert_eq!(stored[0]["dueAt"], json!(format!("{}T21:30:00.000Z", day(today))));
    let body = get(app, "dar", &admin, &page).await.body;
    let hijri = ui::format::hijri(&day(tomorrow), Locale::Ar, dubai).unwrap();
    assert!(body.contains(&format!("{}, 01:30", ui::format::date(&day(tomorrow), Locale::Ar, dubai))), "{body}");
    assert!(body.contains(&format!(r#"data-testid="hijri-date"><bdi>{hijri}</bdi>"#)), "{body}");
    // The timeline's `<time datetime>` stays an RFC 3339 UTC instant.
    let created_at = stored[0]["createdAt"].as_str().unwrap();
    assert!(created_at.ends_with('Z') && body.contains(&format!(r#"<time datetime="{created_at}">"#)));
}

on_both_databases!(only_admins_set_the_zone, pages_use_the_agencys_clock_and_days);
