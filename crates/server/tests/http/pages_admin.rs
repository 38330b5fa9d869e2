//! The dashboard, tasks and viewings, and settings pages over HTTP: numbers counted under the
//! reader's rules, charts drawn (and mirrored) in both languages, the agenda's buckets, channel
//! secrets never sent back, admin forms refused to everyone else.

use app::Actor;
use app::inbox::channels::{ChannelKind, NewChannel, Secret};
use chrono::{DateTime, Days, SecondsFormat, Utc};
use domain::{Locale, Role, TimeZone};
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::pages::{enc, get, location, post, sign_in, user};
use crate::support::{PASSWORD, TestApp};

/// The test agencies' zone: the schema's default.
const ZONE: TimeZone = TimeZone::DUBAI;

/// The start of today in the agencies' zone plus `days` and `hours`, as the engine writes
/// timestamps.
fn at(days: i64, hours: u32) -> String {
    let today = ZONE.day_of(Utc::now());
    let day = if days >= 0 {
        today.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap();
    let t: DateTime<Utc> = ZONE.day_start(day) + chrono::Duration::hours(i64::from(hours));
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn plus_minutes(t: &str, minutes: i64) -> String {
    let t = DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc) + chrono::Duration::minutes(minutes);
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn create(app: &TestApp, model: &str, data: Value) -> String {
    let row = app.app.db.as_system("test: seed").create(model, json!({ "data": data })).await.unwrap();
    row["id"].as_str().unwrap().to_owned()
}

/// A lead created at `created`, answered `answered_after` minutes later (if given).
async fn lead_at(
    app: &TestApp,
    tenant: &str,
    name: &str,
    assignee: Option<&str>,
    source: &str,
    created: &str,
    answered_after: Option<i64>,
) -> String {
    create(
        app,
        "Lead",
        json!({"tenantId": tenant, "name": name, "assigneeId": assignee, "source": source, "createdAt": created,
            "firstResponseAt": answered_after.map(|m| plus_minutes(created, m)), "searchText": name}),
    )
    .await
}

/// The part of a page from the element with `data-testid="{id}"` to the end of its `end` tag.
fn part<'a>(body: &'a str, id: &str, end: &str) -> &'a str {
    let marker = format!("data-testid=\"{id}\"");
    let start = body.find(&marker).unwrap_or_else(|| panic!("no {id} in the page:\n{body}"));
    let rest = &body[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Text without Fluent's isolation marks around placeables.
fn plain(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
}

/// The number after `attr="` in `text`, from position `from`.
fn number_after(text: &str, attr: &str) -> Option<u64> {
    let i = text.find(attr)? + attr.len();
    text[i..].split('"').next()?.parse().ok()
}

fn stat(body: &str, id: &str) -> u64 {
    number_after(part(body, id, "</div>"), "data-value=\"").unwrap()
}

/// A bar's value in a chart, `None` when the chart has no bar for `key`.
fn bar(body: &str, chart: &str, key: &str) -> Option<u64> {
    number_after(part(body, chart, "</figure>"), &format!("data-key=\"{key}\" data-value=\""))
}

/// `(x, width)` of the first bar of a chart.
fn first_rect(body: &str, chart: &str) -> (u64, u64) {
    let figure = part(body, chart, "</figure>");
    let rect = &figure[figure.find("<rect").unwrap()..];
    (number_after(rect, "x=\"").unwrap(), number_after(rect, "width=\"").unwrap())
}

async fn dashboard_counts_follow_the_rules(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let (agent, admin) = (&app.dar.agent.id, &app.dar.admin.id);
    let today = at(0, 0);
    let l1 = lead_at(app, t, "One", Some(agent), "WEBSITE", &today, Some(10)).await;
    lead_at(app, t, "Two", Some(agent), "WEBSITE", &at(0, 1), Some(30)).await;
    lead_at(app, t, "Three", Some(agent), "REFERRAL", &at(-3, 9), None).await;
    let l4 = lead_at(app, t, "Four", Some(admin), "BAYUT", &today, Some(5)).await;
    lead_at(app, t, "Five", None, "WALK_IN", &at(-10, 9), None).await;
    for (lead, who, stage) in [(&l1, agent, "OFFER"), (&l4, admin, "CONTRACT")] {
        create(
            app,
            "Deal",
            json!({"tenantId": t, "leadId": lead, "agentId": who, "stage": stage, "value": "100000", "currency": "AED"}),
        )
        .await;
    }
    for (reference, status) in [("R-1", "AVAILABLE"), ("R-2", "AVAILABLE"), ("R-3", "DRAFT")] {
        create(
            app,
            "Property",
            json!({"tenantId": t, "reference": reference, "titleEn": reference, "titleAr": reference,
                "purpose": "SALE", "type": "APARTMENT", "city": "Dubai", "price": "1000000", "currency": "AED",
                "status": status}),
        )
        .await;
    }
    lead_at(app, &app.harbor.tenant.id, "Harbor", Some(&app.harbor.agent.id), "BAYUT", &today, Some(60)).await;

    // The agent counts their own leads and deals only.
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &s, "/").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert_eq!((stat(body, "stat-new-today"), stat(body, "stat-new-week")), (2, 3));
    assert_eq!(bar(body, "chart-sources", "WEBSITE"), Some(2));
    assert_eq!(bar(body, "chart-sources", "REFERRAL"), Some(1));
    assert_eq!(bar(body, "chart-sources", "BAYUT"), None, "the admin's lead is not the agent's");
    assert_eq!(bar(body, "chart-funnel", "OFFER"), Some(1));
    assert_eq!(bar(body, "chart-funnel", "CONTRACT"), Some(0));
    // Median of 10 and 30 minutes; nobody else's response times.
    assert_eq!(bar(body, "chart-response", agent), Some(1200));
    assert_eq!(bar(body, "chart-response", admin), None);
    assert_eq!(bar(body, "chart-listings", "AVAILABLE"), Some(2), "every listing is the agency's to read");
    assert_eq!(bar(body, "chart-listings", "DRAFT"), Some(1));
    // Charts are SVG with a title, mirrored in Arabic: the bars end at the label column.
    for chart in ["chart-sources", "chart-funnel", "chart-response", "chart-listings"] {
        let figure = part(body, chart, "</figure>");
        assert!(figure.contains(r#"direction="rtl""#) && figure.contains("<title>"), "{figure}");
        assert!(figure.contains("<figcaption"));
    }
    assert!(part(body, "chart-sources", "</figure>").contains("العملاء حسب المصدر"));
    let (x, width) = first_rect(body, "chart-funnel");
    assert_eq!(x + width, 480 - 150, "right to left: the bar grows leftwards from the labels");
    assert!(plain(part(body, "chart-response", "</figure>")).contains("20 دقيقة"), "the median as text");

    // The admin counts the whole agency.
    let s = sign_in(app, "dar", &app.dar.admin.email).await;
    let body = &get(app, "dar", &s, "/").await.body;
    assert_eq!((stat(body, "stat-new-today"), stat(body, "stat-new-week")), (3, 4));
    assert_eq!(bar(body, "chart-sources", "BAYUT"), Some(1));
    assert_eq!(bar(body, "chart-sources", "WALK_IN"), Some(1));
    assert_eq!(bar(body, "chart-funnel", "CONTRACT"), Some(1));
    assert_eq!((bar(body, "chart-response", agent), bar(body, "chart-response", admin)), (Some(1200), Some(300)));

    // English, left to right, and nothing of the other agency.
    let s = sign_in(app, "harbor", &app.harbor.agent.email).await;
    let body = &get(app, "harbor", &s, "/").await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert_eq!(stat(body, "stat-new-today"), 1);
    assert!(part(body, "chart-sources", "</figure>").contains("Leads by source"));
    assert!(part(body, "chart-sources", "</figure>").contains(r#"direction="ltr""#));
    assert_eq!(first_rect(body, "chart-sources").0, 150, "left to right: bars start after the labels");
    assert_eq!(bar(body, "chart-funnel", "OFFER"), Some(0));
    assert!(plain(part(body, "chart-response", "</figure>")).contains("60 minutes"));
}

async fn activity(app: &TestApp, tenant: &str, lead: &str, who: &str, kind: &str, title: &str, due: &str) -> String {
    create(
        app,
        "Activity",
        json!({"tenantId": tenant, "leadId": lead, "type": kind, "title": title, "dueAt": due,
            "assigneeId": who, "createdById": who}),
    )
    .await
}

async fn tasks_fall_into_buckets_under_the_rules(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let agent = &app.dar.agent.id;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    let team = create(app, "Team", json!({"tenantId": t, "name": "Marina", "managerId": manager.id})).await;
    for u in [&manager, &member] {
        app.update_user(u, json!({"teamId": team})).await;
    }
    let mine = create(app, "Lead", json!({"tenantId": t, "name": "Layla Haddad", "assigneeId": agent})).await;
    let theirs = create(app, "Lead", json!({"tenantId": t, "name": "Omar", "assigneeId": member.id})).await;
    let viewing_due = at(3, 14);
    activity(app, t, &mine, agent, "TASK", "Call back overdue", &at(-1, 9)).await;
    let old = activity(app, t, &mine, agent, "TASK", "Old and done", &at(-1, 10)).await;
    app.app
        .db
        .as_system("test: mark done")
        .update("Activity", json!({"where": {"id": old}, "data": {"doneAt": at(-1, 11)}}))
        .await
        .unwrap();
    let today = activity(app, t, &mine, agent, "TASK", "Send brochure today", &at(0, 10)).await;
    activity(app, t, &mine, agent, "VIEWING", "Viewing at the marina", &viewing_due).await;
    activity(app, t, &mine, agent, "TASK", "Far in the future", &at(20, 9)).await;
    activity(app, t, &mine, agent, "NOTE", "A note, not a task", &at(0, 11)).await;
    let members = activity(app, t, &theirs, &member.id, "TASK", "Task of the member", &at(0, 12)).await;

    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &s, "/tasks").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    let overdue = part(body, "task-overdue", "</section>");
    assert!(overdue.contains("Call back overdue"));
    assert!(!overdue.contains("Old and done"), "done tasks are not overdue");
    let due_today = part(body, "task-today", "</section>");
    assert!(due_today.contains("Send brochure today"));
    assert!(due_today.contains(&format!(r#"href="/leads/{mine}""#)) && due_today.contains("Layla Haddad"));
    assert!(!due_today.contains("A note, not a task"), "notes are not on the agenda");
    assert!(!body.contains("Task of the member"), "another agent's task on their lead");
    let upcoming = part(body, "task-upcoming", "</section>");
    assert!(upcoming.contains("Viewing at the marina"));
    assert!(!body.contains("Far in the future"));
    // The viewing's Gregorian date and time, and its Hijri date beside it.
    assert!(upcoming.contains(&ui::format::date_time(&viewing_due, Locale::Ar, ZONE)));
    let hijri = ui::format::hijri(&viewing_due, Locale::Ar, ZONE).unwrap();
    assert!(upcoming.contains(&hijri) && hijri.ends_with("هـ"), "{upcoming}");
    assert!(!due_today.contains("data-testid=\"hijri\""), "tasks carry no Hijri date");

    // The manager sees the team's, or only their own when they ask.
    let m = sign_in(app, "dar", &manager.email).await;
    assert!(part(&get(app, "dar", &m, "/tasks").await.body, "task-today", "</section>").contains("Task of the member"));
    let own = get(app, "dar", &m, "/tasks?scope=mine").await.body;
    assert!(own.contains("data-testid=\"tasks-filter\"") && !own.contains("Task of the member"));
    assert!(!body.contains("data-testid=\"tasks-filter\""), "agents see only their own anyway");

    // Done, then open again, through the form (with its CSRF field).
    let form = format!("csrf={}&back=%2Ftasks", s.csrf);
    let res = post(app, "dar", &s, &format!("/tasks/{today}/done"), form.clone()).await;
    assert_eq!((res.status, location(&res)), (303, "/tasks?ok=done"));
    let body = get(app, "dar", &s, "/tasks?ok=done").await.body;
    let item = part(&body, "task-today", "</section>");
    assert!(item.contains(&format!(r#"data-activity-id="{today}" data-done="true""#)), "{item}");
    assert!(item.contains("data-testid=\"task-reopen\""));
    let res = post(app, "dar", &s, &format!("/tasks/{today}/reopen"), form.clone()).await;
    assert_eq!(res.status, 303);
    let body = get(app, "dar", &s, "/tasks").await.body;
    assert!(body.contains(&format!(r#"data-activity-id="{today}" data-done="false""#)));
    // Someone else's task is not there for the agent; a form without the token is refused.
    assert_eq!(post(app, "dar", &s, &format!("/tasks/{members}/done"), form).await.status, 404);
    assert_eq!(post(app, "dar", &s, &format!("/tasks/{today}/done"), "csrf=x".into()).await.status, 403);

    // English: the Hijri date in English beside the viewing.
    let h = &app.harbor;
    let lead = create(app, "Lead", json!({"tenantId": h.tenant.id, "name": "Sam", "assigneeId": h.agent.id})).await;
    let due = at(1, 8);
    activity(app, &h.tenant.id, &lead, &h.agent.id, "VIEWING", "Show the villa", &due).await;
    let s = sign_in(app, "harbor", &h.agent.email).await;
    let body = get(app, "harbor", &s, "/tasks").await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    let upcoming = part(&body, "task-upcoming", "</section>");
    assert!(upcoming.contains(&ui::format::hijri(&due, Locale::En, ZONE).unwrap()), "{upcoming}");
    assert!(!body.contains("Viewing at the marina"));
}

const APP_SECRET: &str = "app-secret-7f3a9c1e5b";
const ACCESS_TOKEN: &str = "EAAG-access-token-b2d4f6";

async fn settings_keep_secrets_and_admin_forms_to_admins(app: &TestApp) {
    let admin_actor = Actor::from(&app.dar.admin);
    let new = NewChannel {
        kind: Some(ChannelKind::Whatsapp),
        name: "WA main".into(),
        phone_number_id: Some("1234567890".into()),
        app_secret: Some(APP_SECRET.into()),
        access_token: Some(ACCESS_TOKEN.into()),
        ..NewChannel::default()
    };
    let channel = app::inbox::channels::create(&app.app.db, &app.app.channels, &admin_actor, new).await.unwrap();
    let secret_of = |s: Secret| {
        let (db, key, tenant, id) = (&app.app.db, &app.app.channels.secrets, &app.dar.tenant.id, &channel.id);
        async move {
            let account = app::inbox::channels::lookup::by_id(db, tenant, id).await.unwrap().unwrap();
            account.secret(key, s)
        }
    };

    // The admin sees every section; the secrets only as "set" / "not set".
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let res = get(app, "dar", &admin, "/settings").await;
    assert_eq!(res.status, 200, "{}", res.body);
    let body = &res.body;
    for id in ["settings-profile", "settings-users", "settings-teams", "settings-channels"] {
        assert!(body.contains(&format!("data-testid=\"{id}\"")), "{id}");
    }
    assert!(body.contains("WA main"));
    assert!(!body.contains(APP_SECRET) && !body.contains(ACCESS_TOKEN), "a secret in the page");
    assert!(body.contains(r#"data-secret="appSecret" data-set="true""#));
    assert!(body.contains(r#"data-secret="verifyToken" data-set="false""#));

    // Saving the form with the secret fields empty keeps the stored secrets.
    let form = |extra: &str| {
        format!(
            "csrf={}&name=WA+renamed&active=1&phoneNumberId=1234567890&address=&wabaId=&accessToken=&appSecret=&verifyToken={extra}",
            admin.csrf
        )
    };
    let path = format!("/settings/channels/{}", channel.id);
    let res = post(app, "dar", &admin, &path, form("")).await;
    assert_eq!((res.status, location(&res)), (303, "/settings?ok=channel"), "{}", res.body);
    assert_eq!(secret_of(Secret::AppSecret).await.as_deref(), Some(APP_SECRET));
    assert_eq!(secret_of(Secret::AccessToken).await.as_deref(), Some(ACCESS_TOKEN));
    // A typed secret replaces it, and is not shown either.
    let res = post(app, "dar", &admin, &path, form("verify-token-91c2")).await;
    assert_eq!(res.status, 303);
    assert_eq!(secret_of(Secret::VerifyToken).await.as_deref(), Some("verify-token-91c2"));
    let body = get(app, "dar", &admin, "/settings?ok=channel").await.body;
    assert!(body.contains("WA renamed") && !body.contains("verify-token-91c2"));
    assert!(body.contains(r#"data-secret="verifyToken" data-set="true""#));
    assert!(!body.contains(APP_SECRET) && !body.contains(ACCESS_TOKEN));
    // A bad value comes back as a notice naming the field.
    let bad = format!("csrf={}&name=WA&active=1&phoneNumberId=not-digits", admin.csrf);
    let res = post(app, "dar", &admin, &path, bad).await;
    assert_eq!(location(&res), "/settings?error=invalid&field=phoneNumberId");

    // An agent sees their profile only, and every admin form is refused by the use cases.
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &agent, "/settings").await.body;
    assert!(body.contains("data-testid=\"settings-profile\""));
    for id in ["settings-users", "settings-teams", "settings-channels"] {
        assert!(!body.contains(&format!("data-testid=\"{id}\"")), "{id} shown to an agent");
    }
    let c = &agent.csrf;
    let refused = [
        (path.clone(), format!("csrf={c}&name=Hijacked&active=1&phoneNumberId=1234567890&appSecret=mine")),
        ("/settings/users".into(), format!("csrf={c}&name=Eve&email=eve%40dar.example&role=ADMIN&team=")),
        ("/settings/teams".into(), format!("csrf={c}&name=Rogue&manager=")),
        (format!("/settings/users/{}/deactivate", app.dar.admin.id), format!("csrf={c}")),
    ];
    for (path, form) in refused {
        let res = post(app, "dar", &agent, &path, form).await;
        assert_eq!(res.status, 403, "{path}: {}", res.body);
    }
    let system = app.app.db.as_system("test: check nothing changed");
    let eve = system.run("User", "findFirst", &json!({"where": {"email": "eve@dar.example"}})).await.unwrap();
    assert!(eve.is_null(), "the agent's invite created a user");
    let teams = system.run("Team", "count", &json!({"where": {"name": "Rogue"}})).await.unwrap();
    assert_eq!(teams, json!(0));
    assert_eq!(secret_of(Secret::AppSecret).await.as_deref(), Some(APP_SECRET));
    let row = system.run("User", "findUnique", &json!({"where": {"id": app.dar.admin.id}})).await.unwrap();
    assert_eq!(row["active"], json!(true));

    // The admin invites a user, then deactivates them; creates a team.
    let invite = format!("csrf={}&name=Sara&email={}&role=MANAGER&team=", admin.csrf, enc("sara@dar.example"));
    let res = post(app, "dar", &admin, "/settings/users", invite).await;
    let sara = system.run("User", "findFirst", &json!({"where": {"email": "sara@dar.example"}})).await.unwrap();
    assert_eq!(sara["role"], json!("MANAGER"));
    let sara = sara["id"].as_str().unwrap().to_owned();
    let link = format!("/settings?ok=invited&link={sara}#set-password-link");
    assert_eq!((res.status, location(&res)), (303, link.as_str()), "{}", res.body);
    let body = get(app, "dar", &admin, "/settings").await.body;
    assert!(body.contains(&format!(r#"data-user-id="{sara}" data-active="true""#)));
    let res =
        post(app, "dar", &admin, &format!("/settings/users/{sara}/deactivate"), format!("csrf={}", admin.csrf)).await;
    assert_eq!(location(&res), "/settings?ok=deactivated");
    let body = get(app, "dar", &admin, "/settings").await.body;
    assert!(body.contains(&format!(r#"data-user-id="{sara}" data-active="false""#)));
    let res = post(app, "dar", &admin, "/settings/teams", format!("csrf={}&name=Marina&manager=", admin.csrf)).await;
    assert_eq!(location(&res), "/settings?ok=team");
    assert!(get(app, "dar", &admin, "/settings").await.body.contains("Marina"));
    // A bad e-mail: back with a notice in the reader's language.
    let bad = format!("csrf={}&name=X&email=not-an-email&role=AGENT&team=", admin.csrf);
    let res = post(app, "dar", &admin, "/settings/users", bad).await;
    assert_eq!(location(&res), "/settings?error=invalid&field=email");
    let body = get(app, "dar", &admin, "/settings?error=invalid&field=email").await.body;
    let flash = &body[body.find("class=\"flash error\"").expect("an error notice")..];
    assert!(plain(&flash[..flash.find("</div>").unwrap()]).contains("«البريد الإلكتروني»"), "{flash}");
}

async fn profile_language_name_and_password(app: &TestApp) {
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &s, "/settings").await.body;
    assert!(body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(body.contains(r#"data-testid="settings-language""#) && body.contains(r#"action="/language""#));
    // The profile's language switch: the existing POST /language, back to the settings.
    let res = post(app, "dar", &s, "/language", format!("csrf={}&locale=en&back=%2Fsettings", s.csrf)).await;
    assert_eq!((res.status, location(&res)), (303, "/settings"));
    let body = get(app, "dar", &s, "/settings").await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#) && body.contains(">Settings</h1>"));

    let res = post(app, "dar", &s, "/settings/profile", format!("csrf={}&name=Agent+Renamed", s.csrf)).await;
    assert_eq!(location(&res), "/settings?ok=profile");
    assert!(get(app, "dar", &s, "/settings").await.body.contains(r#"data-testid="current-user">Agent Renamed"#));
    let res = post(app, "dar", &s, "/settings/profile", format!("csrf={}&name=+", s.csrf)).await;
    assert_eq!(location(&res), "/settings?error=invalid&field=name");

    // Password: the current one is checked; the new one works, with a fresh session here.
    let new = "a brand new passphrase";
    let wrong = format!("csrf={}&current_password=wrong&new_password={}", s.csrf, enc(new));
    let res = post(app, "dar", &s, "/settings/password", wrong).await;
    assert_eq!(location(&res), "/settings?error=wrong-password");
    let short = format!("csrf={}&current_password={}&new_password=short", s.csrf, enc(PASSWORD));
    assert_eq!(location(&post(app, "dar", &s, "/settings/password", short).await), "/settings?error=weak-password");
    let right = format!("csrf={}&current_password={}&new_password={}", s.csrf, enc(PASSWORD), enc(new));
    let res = post(app, "dar", &s, "/settings/password", right).await;
    assert_eq!(location(&res), "/settings?ok=password");
    assert!(res.cookie("manzil_access").is_some() && res.cookie("manzil_refresh").is_some());
    let login = json!({"email": app.dar.agent.email, "password": new});
    assert_eq!(app.post("dar", "/api/v1/auth/login").json(&login).send().await.status, 200);
}

on_both_databases!(
    dashboard_counts_follow_the_rules,
    tasks_fall_into_buckets_under_the_rules,
    settings_keep_secrets_and_admin_forms_to_admins,
    profile_language_name_and_password,
);
