//! The web UI's pages over HTTP: sign-in by form, sessions, the leads grid under the rules, bulk
//! assignment, the remembered column choice, assets. (The right-to-left geometry is checked in a
//! real browser: `browser.rs`.)

use app::users::{NewUser, UserView};
use domain::Role;
use serde_json::json;

use crate::on_both_databases;
use crate::support::{PASSWORD, Res, TestApp};

/// A browser-like session: the cookies the server set, sent back.
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// Form-encodes one value.
pub fn enc(v: &str) -> String {
    v.replace('%', "%25").replace('@', "%40").replace('+', "%2B").replace('&', "%26").replace(' ', "+")
}

/// Signs `email` in through the form on `host`.
pub async fn sign_in(app: &TestApp, host: &str, email: &str) -> Session {
    let form = format!("email={}&password={}&next=%2Fleads", enc(email), enc(PASSWORD));
    let res = app.post(host, "/login").body("application/x-www-form-urlencoded", form).send().await;
    assert_eq!(res.status, 303, "sign-in of {email}: {}", res.body);
    assert_eq!(res.headers.get("location").and_then(|v| v.to_str().ok()), Some("/leads"));
    let access = res.cookie("manzil_access").expect("access cookie");
    let refresh = res.cookie("manzil_refresh").expect("refresh cookie");
    let csrf = res.cookie("manzil_csrf").expect("csrf cookie");
    Session { cookie: format!("manzil_access={access}; manzil_refresh={refresh}; manzil_csrf={csrf}"), csrf }
}

/// `GET path` on `host` with the session's cookies.
pub async fn get(app: &TestApp, host: &str, s: &Session, path: &str) -> Res {
    app.get(host, path).header("cookie", &s.cookie).send().await
}

/// A form posted to `path` on `host` with the session's cookies.
pub async fn post(app: &TestApp, host: &str, s: &Session, path: &str, form: String) -> Res {
    app.post(host, path).header("cookie", &s.cookie).body("application/x-www-form-urlencoded", form).send().await
}

/// Where a redirect goes (empty when it is none).
pub fn location(res: &Res) -> &str {
    res.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default()
}

pub async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
    let new = NewUser {
        tenant_slug: slug.to_owned(),
        email: format!("{who}@{slug}.example"),
        name: format!("{who} of {slug}"),
        role,
        locale: None,
        password: Some(PASSWORD.to_owned()),
    };
    app::users::create(&app.app.db, &app.app.tenants, new).await.unwrap()
}

/// A lead of agency `slug` created as the system, assigned to `assignee`.
pub async fn lead(app: &TestApp, tenant_id: &str, name: &str, assignee: Option<&str>) -> String {
    let row = app
        .app
        .db
        .as_system("test: seed a lead")
        .create(
            "Lead",
            json!({"data": {"tenantId": tenant_id, "name": name, "assigneeId": assignee, "source": "WEBSITE",
                "phones": ["+971501234567"], "primaryPhone": "+971501234567", "searchText": domain::fold_search(name)}}),
        )
        .await
        .unwrap();
    row["id"].as_str().unwrap().to_owned()
}

/// The lead ids listed in a grid page.
fn grid_ids(body: &str) -> Vec<String> {
    body.split("data-lead-id=\"").skip(1).filter_map(|s| s.split('"').next()).map(str::to_owned).collect()
}

async fn sign_in_by_form_and_out(app: &TestApp) {
    // Without a session the grid sends to the sign-in page, remembering where to come back.
    let res = app.get("dar", "/leads?status=NEW").send().await;
    assert_eq!(res.status, 303);
    assert_eq!(res.headers["location"], "/login?next=%2Fleads%3Fstatus%3DNEW");
    // htmx requests are told to redirect the whole page.
    let res = app.get("dar", "/leads").header("hx-request", "true").send().await;
    assert_eq!(res.headers["hx-redirect"], "/login?next=%2Fleads");

    // The sign-in page speaks the agency's language: dar is Arabic, harbor English.
    let res = app.get("dar", "/login").send().await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains(r#"<html lang="ar" dir="rtl">"#), "{}", res.body);
    let res = app.get("harbor", "/login").send().await;
    assert!(res.body.contains(r#"<html lang="en" dir="ltr">"#));
    // No sign-in page on the bare host or an unknown agency.
    assert_eq!(app.get("", "/login").send().await.status, 404);
    assert_eq!(app.get("nope", "/login").send().await.status, 404);

    // A wrong password shows the form again, e-mail kept, in the agency's language.
    let bad = format!("email={}&password=wrong&next=%2F", enc(&app.dar.agent.email));
    let res = app.post("dar", "/login").body("application/x-www-form-urlencoded", bad).send().await;
    assert_eq!(res.status, 401);
    assert!(res.body.contains("البريد الإلكتروني أو كلمة المرور غير صحيحة"), "{}", res.body);
    assert!(res.body.contains(&format!("value=\"{}\"", app.dar.agent.email)));
    // A form posted from another site is refused (login CSRF).
    let form = format!("email={}&password={}", enc(&app.dar.agent.email), enc(PASSWORD));
    let res = app
        .post("dar", "/login")
        .header("origin", "http://evil.example")
        .body("application/x-www-form-urlencoded", form)
        .send()
        .await;
    assert_eq!(res.status, 403);
    assert!(res.cookie("manzil_access").is_none());
    // `next` never leaves the site.
    let form = format!("email={}&password={}&next=%2F%2Fevil.example", enc(&app.dar.agent.email), enc(PASSWORD));
    let res = app.post("dar", "/login").body("application/x-www-form-urlencoded", form).send().await;
    assert_eq!(res.headers["location"], "/");

    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let res = get(app, "dar", &s, "/leads").await;
    assert_eq!(res.status, 200);
    assert!(res.body.contains(r#"data-testid="current-user">agent of dar"#), "{}", res.body);
    // dar's session cookies mean nothing on harbor's host.
    let res = get(app, "harbor", &s, "/leads").await;
    assert_eq!(res.status, 303);

    // Sign-out needs the CSRF field, then revokes the session.
    let res = app
        .post("dar", "/logout")
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", "csrf=wrong")
        .send()
        .await;
    assert_eq!(res.status, 403);
    let res = app
        .post("dar", "/logout")
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", format!("csrf={}", s.csrf))
        .send()
        .await;
    assert_eq!(res.status, 303);
    assert!(res.set_cookies().iter().any(|c| c.starts_with("manzil_access=;")));
    // The refresh token is revoked: without a live access token the page sends to sign-in.
    let refresh_only = s.cookie.split("; ").filter(|c| !c.starts_with("manzil_access=")).collect::<Vec<_>>().join("; ");
    assert_eq!(get(app, "dar", &Session { cookie: refresh_only, csrf: s.csrf }, "/leads").await.status, 303);
}

async fn an_expired_access_cookie_is_renewed_from_the_refresh_cookie(app: &TestApp) {
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let refresh_only = s.cookie.split("; ").filter(|c| !c.starts_with("manzil_access=")).collect::<Vec<_>>().join("; ");
    let res = get(app, "dar", &Session { cookie: refresh_only.clone(), csrf: s.csrf.clone() }, "/leads").await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.cookie("manzil_access").is_some());
    let rotated = res.cookie("manzil_refresh").expect("rotated refresh cookie");
    assert!(!refresh_only.contains(&rotated));
}

async fn the_grid_shows_what_the_rules_let_the_reader_see(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let member = user(app, "dar", "member", Role::Agent).await;
    let team = app
        .app
        .db
        .as_system("test: create a team")
        .create("Team", json!({"data": {"tenantId": t, "name": "Marina", "managerId": manager.id}}))
        .await
        .unwrap();
    for u in [&manager, &member] {
        app.update_user(u, json!({"teamId": team["id"]})).await;
    }
    let mine = lead(app, t, "Agent's own", Some(&app.dar.agent.id)).await;
    let members = lead(app, t, "Member's", Some(&member.id)).await;
    let open = lead(app, t, "Nobody's", None).await;
    let other_agency = lead(app, &app.harbor.tenant.id, "Harbor's", Some(&app.harbor.agent.id)).await;

    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &agent, "/leads").await.body;
    assert_eq!(grid_ids(&body), vec![mine.clone()]);
    // Agents get no assignee filter and no bulk assignment.
    assert!(!body.contains("id=\"assignee\""));
    assert!(!body.contains("data-testid=\"bulk-assign\""));

    let m = sign_in(app, "dar", &manager.email).await;
    let body = get(app, "dar", &m, "/leads").await.body;
    let mut seen = grid_ids(&body);
    seen.sort();
    let mut expected = vec![members.clone(), open.clone()];
    expected.sort();
    assert_eq!(seen, expected, "a manager sees the team's leads and unassigned ones");
    assert!(body.contains("data-testid=\"bulk-assign\""));
    assert!(!body.contains(&other_agency));

    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let body = get(app, "dar", &admin, "/leads").await.body;
    assert_eq!(grid_ids(&body).len(), 3);
    // Filters: unassigned, and a search.
    assert_eq!(grid_ids(&get(app, "dar", &admin, "/leads?assignee=unassigned").await.body), vec![open.clone()]);
    assert_eq!(grid_ids(&get(app, "dar", &admin, "/leads?q=member").await.body), vec![members.clone()]);
    // A broken cursor or sort goes back to the plain grid instead of failing.
    let res = get(app, "dar", &admin, "/leads?cursor=garbage").await;
    assert_eq!((res.status, res.headers["location"].to_str().unwrap()), (303, "/leads"));
}

async fn sorting_marks_the_column_and_reverses(app: &TestApp) {
    let t = &app.dar.tenant.id;
    for name in ["Beta", "Alpha", "Gamma"] {
        lead(app, t, name, Some(&app.dar.agent.id)).await;
    }
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &s, "/leads?sort=name").await.body;
    let order: Vec<usize> =
        ["Alpha", "Beta", "Gamma"].iter().map(|n| body.find(&format!(">{n}</a>")).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "ascending by name");
    assert!(body.contains(r#"aria-sort="ascending" data-col="name""#), "the name header is marked");
    // Its link now sorts the other way.
    assert!(body.contains(r#"href="/leads?sort=-name""#));
    let body = get(app, "dar", &s, "/leads?sort=-name").await.body;
    assert!(body.find(">Gamma</a>").unwrap() < body.find(">Alpha</a>").unwrap());
    assert!(body.contains(r#"aria-sort="descending""#));
}

async fn bulk_assignment_by_managers_only(app: &TestApp) {
    let t = &app.dar.tenant.id;
    let a = lead(app, t, "One", None).await;
    let b = lead(app, t, "Two", None).await;
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let form = format!("csrf={}&back=%2Fleads&assignee={}&ids={a}&ids={b}", admin.csrf, app.dar.agent.id);
    let res = app
        .post("dar", "/leads/assign")
        .header("cookie", &admin.cookie)
        .body("application/x-www-form-urlencoded", form.clone())
        .send()
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.headers["location"], "/leads?assigned=2");
    let flash = get(app, "dar", &admin, "/leads?assigned=2").await.body;
    assert!(flash.contains("أُسند عميلان"), "Arabic dual form in the notice");
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let mut seen = grid_ids(&get(app, "dar", &agent, "/leads").await.body);
    seen.sort();
    let mut expected = vec![a.clone(), b.clone()];
    expected.sort();
    assert_eq!(seen, expected);

    // Without the CSRF field, or as an agent: refused, nothing changes.
    let res = app
        .post("dar", "/leads/assign")
        .header("cookie", &admin.cookie)
        .body("application/x-www-form-urlencoded", form.replace(&admin.csrf, "x"))
        .send()
        .await;
    assert_eq!(res.status, 403);
    let form = format!("csrf={}&back=%2Fleads&assignee={}&ids={a}", agent.csrf, app.dar.admin.id);
    let res = app
        .post("dar", "/leads/assign")
        .header("cookie", &agent.cookie)
        .body("application/x-www-form-urlencoded", form)
        .send()
        .await;
    assert_eq!(res.status, 403);
    // A lead of another agency is skipped, not assigned.
    let foreign = lead(app, &app.harbor.tenant.id, "Foreign", None).await;
    let form = format!("csrf={}&back=%2Fleads&assignee={}&ids={foreign}", admin.csrf, app.dar.agent.id);
    let res = app
        .post("dar", "/leads/assign")
        .header("cookie", &admin.cookie)
        .body("application/x-www-form-urlencoded", form)
        .send()
        .await;
    assert_eq!(res.headers["location"], "/leads?assigned=0");
}

async fn the_column_choice_is_remembered(app: &TestApp) {
    lead(app, &app.dar.tenant.id, "Cols", Some(&app.dar.agent.id)).await;
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    let body = get(app, "dar", &s, "/leads").await.body;
    assert!(body.contains(r#"data-col="phone""#) && !body.contains(r#"data-col="email""#), "default columns");
    let res = get(app, "dar", &s, "/leads?cols=email&cols=name").await;
    assert!(res.body.contains(r#"data-col="email""#) && !res.body.contains(r#"data-col="phone""#));
    let saved = res.cookie("manzil_lead_columns").expect("choice saved");
    assert_eq!(saved, "email");
    let with_choice = Session { cookie: format!("{}; manzil_lead_columns={saved}", s.cookie), csrf: s.csrf };
    let body = get(app, "dar", &with_choice, "/leads").await.body;
    assert!(body.contains(r#"data-col="email""#) && !body.contains(r#"data-col="phone""#), "remembered");
}

async fn the_language_switch_is_stored(app: &TestApp) {
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    assert!(get(app, "dar", &s, "/leads").await.body.contains(r#"dir="rtl""#));
    let res = app
        .post("dar", "/language")
        .header("cookie", &s.cookie)
        .body("application/x-www-form-urlencoded", format!("csrf={}&locale=en&back=%2Fleads%3Fsort%3Dname", s.csrf))
        .send()
        .await;
    assert_eq!((res.status, res.headers["location"].to_str().unwrap()), (303, "/leads?sort=name"));
    let body = get(app, "dar", &s, "/leads").await.body;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains(">Leads</h1>"));
}

async fn assets_are_embedded_and_cached_by_hash(app: &TestApp) {
    let login = app.get("dar", "/login").send().await.body;
    let css = login.split("href=\"/assets/app.css?v=").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let res = app.get("dar", &format!("/assets/app.css?v={css}")).send().await;
    assert_eq!(res.status, 200);
    assert_eq!(res.headers["content-type"], "text/css; charset=utf-8");
    assert_eq!(res.headers["cache-control"], "public, max-age=31536000, immutable");
    assert!(res.body.contains("inset-inline-start"));
    let res = app.get("", "/assets/app.css?v=old").send().await;
    assert_eq!(res.headers["cache-control"], "no-cache");
    let etag = res.headers["etag"].to_str().unwrap().to_owned();
    assert_eq!(app.get("", "/assets/app.css").header("if-none-match", &etag).send().await.status, 304);
    for path in [
        "/assets/vendor/htmx.min.js",
        "/assets/vendor/socket.io.min.js",
        "/assets/vendor/fonts/noto-sans-arabic-arabic-wght.woff2",
    ] {
        assert_eq!(app.get("", path).send().await.status, 200, "{path}");
    }
    assert_eq!(app.get("", "/assets/../Cargo.toml").send().await.status, 404);
    assert_eq!(app.get("", "/assets/nope.js").send().await.status, 404);
}

on_both_databases!(
    sign_in_by_form_and_out,
    an_expired_access_cookie_is_renewed_from_the_refresh_cookie,
    the_grid_shows_what_the_rules_let_the_reader_see,
    sorting_marks_the_column_and_reverses,
    bulk_assignment_by_managers_only,
    the_column_choice_is_remembered,
    the_language_switch_is_stored,
    assets_are_embedded_and_cached_by_hash,
);
