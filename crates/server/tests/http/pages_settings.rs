//! The settings page's admin forms beyond users and teams: channel accounts created from the
//! page (secrets write-only, the provider's webhook addresses shown), WhatsApp templates added
//! and removed, accounts deleted only when confirmed; and the set-password link of an invited
//! user, from the invitation to a signed-in session, working once and on its own agency only.

use app::Actor;
use serde_json::{Value, json};

use crate::on_both_databases;
use crate::pages::{enc, get, location, post, sign_in};
use crate::support::TestApp;

async fn channels(app: &TestApp, tenant_id: &str) -> Vec<Value> {
    let rows = app
        .app
        .db
        .as_system("test: the agency's channel accounts")
        .run("ChannelAccount", "findMany", &json!({"where": {"tenantId": tenant_id}}))
        .await
        .unwrap();
    rows.as_array().cloned().unwrap_or_default()
}

const ACCESS_TOKEN: &str = "EAAG-created-from-the-page-91c2";
const APP_SECRET: &str = "app-secret-from-the-page-4d7e";
const AUTH_TOKEN: &str = "twilio-auth-token-from-the-page-5a1b";
const INBOUND_SECRET: &str = "inbound-secret-from-the-page-8f0c";

async fn channel_accounts_are_created_and_templates_edited(app: &TestApp) {
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    let tenant = app.dar.tenant.id.clone();
    let before = channels(app, &tenant).await.len();

    // One create form per kind, every control labelled by its id.
    let body = get(app, "dar", &admin, "/settings").await.body;
    for kind in ["WHATSAPP", "SMS", "EMAIL"] {
        assert!(body.contains(&format!(r#"data-testid="new-channel" data-kind="{kind}""#)), "{kind}");
        assert!(body.contains(&format!(r#"<label for="new-{kind}-name">"#)), "{kind}");
    }

    // Refused: an agent, a form without its token, a kind that does not exist, a missing field.
    let whatsapp = format!(
        "kind=WHATSAPP&name={}&phoneNumberId=109876543210&wabaId=2233&accessToken={ACCESS_TOKEN}&appSecret={APP_SECRET}",
        enc("واتساب المبيعات")
    );
    let res = post(app, "dar", &agent, "/settings/channels", format!("csrf={}&{whatsapp}", agent.csrf)).await;
    assert_eq!(res.status, 403, "{}", res.body);
    let res = post(app, "dar", &admin, "/settings/channels", format!("csrf=wrong&{whatsapp}")).await;
    assert_eq!(res.status, 403);
    let res = post(app, "dar", &admin, "/settings/channels", format!("csrf={}&kind=FAX&name=x", admin.csrf)).await;
    assert_eq!(location(&res), "/settings?error=invalid&field=kind");
    let res =
        post(app, "dar", &admin, "/settings/channels", format!("csrf={}&kind=SMS&name=x&address=", admin.csrf)).await;
    assert!(location(&res).starts_with("/settings?error="), "{}", location(&res));
    assert_eq!(channels(app, &tenant).await.len(), before, "nothing was created");

    // The admin creates one account of each kind; no secret ever leaves the server.
    let sms = format!(
        "kind=SMS&name=SMS&address={}&smsAccountSid=AC0123456789abcdef&authToken={AUTH_TOKEN}",
        enc("+971 50 111 2233")
    );
    let email =
        format!("kind=EMAIL&name=Mail&inboundAddress={}&inboundSecret={INBOUND_SECRET}", enc("leads@dar.example"));
    let mut created = Vec::new();
    for form in [&whatsapp, &sms, &email] {
        let res = post(app, "dar", &admin, "/settings/channels", format!("csrf={}&{form}", admin.csrf)).await;
        assert_eq!(res.status, 303, "{}", res.body);
        let to = location(&res).to_owned();
        assert!(to.starts_with("/settings?ok=channel-created#channel-"), "{to}");
        for secret in [ACCESS_TOKEN, APP_SECRET, AUTH_TOKEN, INBOUND_SECRET] {
            assert!(!to.contains(secret) && !res.body.contains(secret));
        }
        created.push(to.trim_start_matches("/settings?ok=channel-created#channel-").to_owned());
    }
    let rows = channels(app, &tenant).await;
    assert_eq!(rows.len(), before + 3);
    let wa = created[0].clone();
    let account = app::inbox::channels::lookup::by_id(&app.app.db, &tenant, &wa).await.unwrap().unwrap();
    let key = &app.app.channels.secrets;
    assert_eq!(account.secret(key, app::inbox::channels::Secret::AppSecret).as_deref(), Some(APP_SECRET));
    let sms_row = rows.iter().find(|r| r["id"] == json!(created[1])).unwrap();
    assert_eq!(sms_row["address"], json!("+971501112233"), "the number is stored in E.164");

    let body = get(app, "dar", &admin, "/settings?ok=channel-created").await.body;
    for secret in [ACCESS_TOKEN, APP_SECRET, AUTH_TOKEN, INBOUND_SECRET] {
        assert!(!body.contains(secret), "a secret in the page");
    }
    assert!(body.contains("واتساب المبيعات"));
    // Each account shows where its provider must call.
    for path in ["/webhooks/whatsapp</code>", "/webhooks/sms</code>", "/webhooks/sms/status</code>"] {
        assert!(body.contains(path), "{path}");
    }
    assert!(body.contains("/webhooks/email/leads@dar.example</code>"));

    // WhatsApp templates: added, checked, listed, offered, removed.
    let tpl = |name: &str, language: &str, text: &str| {
        format!("csrf={}&name={}&language={language}&category=UTILITY&body={}", admin.csrf, enc(name), enc(text))
    };
    let path = format!("/settings/channels/{wa}/templates");
    let res =
        post(app, "dar", &admin, &path, tpl("viewing_reminder", "ar", "تذكير بموعد المعاينة {{1}} في {{2}}")).await;
    assert_eq!(location(&res), format!("/settings?ok=template-added#templates-{wa}"));
    let res = post(app, "dar", &admin, &path, tpl("viewing_reminder", "en", "Your viewing {{1}} at {{2}}")).await;
    assert_eq!(location(&res), format!("/settings?ok=template-added#templates-{wa}"));
    for (form, error) in [
        (tpl("Viewing Reminder", "ar", "x"), "template-name"),
        (tpl("gap", "ar", "Hello {{2}}"), "template-params"),
        (tpl("viewing_reminder", "ar", "again {{1}} {{2}}"), "template-exists"),
        (tpl("viewing_reminder", "fr", "Votre visite {{1}}"), "template-params"),
        (tpl("empty", "ar", " "), "template-body"),
        (tpl("nolang", "", "x"), "template-language"),
    ] {
        let res = post(app, "dar", &admin, &path, form.clone()).await;
        assert!(location(&res).starts_with(&format!("/settings?error={error}")), "{form}: {}", location(&res));
    }
    let res = post(app, "dar", &agent, &path, tpl("agent_one", "ar", "x")).await;
    assert_eq!(res.status, 403);
    let view = app::inbox::channels::get(&app.app.db, &Actor::from(&app.dar.admin), &wa).await.unwrap();
    let templates = view.templates.clone().unwrap();
    assert_eq!(templates.as_array().map(Vec::len), Some(1), "{templates}");
    assert_eq!(templates[0]["name"], json!("viewing_reminder"));
    let body = get(app, "dar", &admin, "/settings").await.body;
    assert!(body.contains(r#"data-template="viewing_reminder" data-language="ar""#));
    assert!(body.contains(r#"data-template="viewing_reminder" data-language="en""#));
    assert!(body.contains("تذكير بموعد المعاينة {{1}} في {{2}}"));

    let remove = format!("/settings/channels/{wa}/templates/remove");
    let res = post(app, "dar", &admin, &remove, format!("csrf={}&name=viewing_reminder&language=en", admin.csrf)).await;
    assert_eq!(location(&res), format!("/settings?ok=template-removed#templates-{wa}"));
    let body = get(app, "dar", &admin, "/settings").await.body;
    assert!(!body.contains(r#"data-template="viewing_reminder" data-language="en""#));
    assert!(body.contains(r#"data-template="viewing_reminder" data-language="ar""#));

    // Templates are WhatsApp's only; harbor's admin cannot reach dar's account.
    let res =
        post(app, "dar", &admin, &format!("/settings/channels/{}/templates", created[1]), tpl("x", "ar", "x")).await;
    assert!(location(&res).starts_with("/settings?error="), "{}", location(&res));
    let harbor = sign_in(app, "harbor", &app.harbor.admin.email).await;
    let res = post(app, "harbor", &harbor, &path, format!("csrf={}&name=x&language=ar&body=x", harbor.csrf)).await;
    assert_eq!(res.status, 404);

    // Deleting asks for the confirmation first; an agent may not, harbor does not see it.
    let delete = format!("/settings/channels/{}/delete", created[2]);
    let res = post(app, "dar", &admin, &delete, format!("csrf={}", admin.csrf)).await;
    assert!(location(&res).starts_with("/settings?error=confirm-delete"), "{}", location(&res));
    assert_eq!(post(app, "dar", &agent, &delete, format!("csrf={}&confirm=1", agent.csrf)).await.status, 403);
    assert_eq!(post(app, "harbor", &harbor, &delete, format!("csrf={}&confirm=1", harbor.csrf)).await.status, 404);
    assert_eq!(channels(app, &tenant).await.len(), before + 3);
    let res = post(app, "dar", &admin, &delete, format!("csrf={}&confirm=1", admin.csrf)).await;
    assert_eq!(location(&res), "/settings?ok=channel-deleted");
    assert_eq!(channels(app, &tenant).await.len(), before + 2);
}

/// The set-password address in a settings page, if it shows one.
fn link_in(body: &str) -> Option<String> {
    let marker = r#"data-testid="set-password-url""#;
    let tag = &body[..body.find(marker)?];
    let value = &tag[tag.rfind("value=\"")? + 7..];
    Some(value[..value.find('"')?].replace("&#x2f;", "/").replace("&#47;", "/"))
}

async fn an_invited_user_sets_a_password_by_link(app: &TestApp) {
    let admin = sign_in(app, "dar", &app.dar.admin.email).await;
    let invite =
        format!("csrf={}&name={}&email={}&role=AGENT&team=", admin.csrf, enc("ليلى"), enc("layla@dar.example"));
    let res = post(app, "dar", &admin, "/settings/users", invite).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let to = location(&res).to_owned();
    assert!(to.starts_with("/settings?ok=invited&link=") && to.ends_with("#set-password-link"), "{to}");
    let layla = to.trim_start_matches("/settings?ok=invited&link=").trim_end_matches("#set-password-link").to_owned();

    // The link is shown to the admin, kept out of caches and referrers.
    let shown = get(app, "dar", &admin, &to).await;
    assert_eq!(shown.headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    assert_eq!(shown.headers.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("no-referrer"));
    let url = link_in(&shown.body).unwrap_or_else(|| panic!("no link in the page:\n{}", shown.body));
    let path = &url[url.find("/invite/").unwrap()..];
    let token = path.trim_start_matches("/invite/").to_owned();
    // An agent asking for a link gets none; a deactivated user has none.
    let agent = sign_in(app, "dar", &app.dar.agent.email).await;
    assert!(link_in(&get(app, "dar", &agent, &format!("/settings?link={layla}")).await.body).is_none());

    // Not signed in: the form, in the agency's language; on another agency's host, nothing.
    let form = app.get("dar", path).send().await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains(r#"<html lang="ar" dir="rtl">"#) && form.body.contains("ليلى"));
    assert!(form.body.contains(r#"<label for="invite-password">"#));
    let missing = app.get("harbor", path).send().await;
    assert_eq!(missing.status, 404);
    let mut tampered = token.clone();
    tampered.insert(token.len() / 2, 'x');
    assert_eq!(app.get("dar", &format!("/invite/{tampered}")).send().await.status, 404);
    let set = |p: &str, c: &str| format!("password={}&confirm={}", enc(p), enc(c));
    let res = app
        .post("harbor", path)
        .body("application/x-www-form-urlencoded", set("a long passphrase", "a long passphrase"))
        .send()
        .await;
    assert_eq!(res.status, 404);

    // Two different passwords, a short one: the form again, nothing set.
    let res = app
        .post("dar", path)
        .body("application/x-www-form-urlencoded", set("a long passphrase", "another one here"))
        .send()
        .await;
    assert_eq!(res.status, 400);
    assert!(res.body.contains(r#"data-testid="invite-error""#));
    let res = app.post("dar", path).body("application/x-www-form-urlencoded", set("short", "short")).send().await;
    assert_eq!(res.status, 400);
    let row = app.app.db.as_system("test").run("User", "findUnique", &json!({"where": {"id": layla}})).await.unwrap();
    assert!(row["passwordHash"].is_null(), "no password yet");

    // The password is set, the user is signed in and lands on the dashboard.
    let password = "layla's new passphrase";
    let res = app.post("dar", path).body("application/x-www-form-urlencoded", set(password, password)).send().await;
    assert_eq!((res.status, location(&res)), (303, "/"), "{}", res.body);
    let access = res.cookie("manzil_access").expect("signed in");
    let refresh = res.cookie("manzil_refresh").expect("signed in");
    let home =
        app.get("dar", "/").header("cookie", &format!("manzil_access={access}; manzil_refresh={refresh}")).send().await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("ليلى"));
    let login = json!({"email": "layla@dar.example", "password": password});
    assert_eq!(app.post("dar", "/api/v1/auth/login").json(&login).send().await.status, 200);

    // It worked once: the page and the form now say the link does not work, and change nothing.
    let again = app.get("dar", path).send().await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains(r#"data-testid="invite-invalid""#));
    let res = app
        .post("dar", path)
        .body("application/x-www-form-urlencoded", set("a third passphrase", "a third passphrase"))
        .send()
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(app.post("dar", "/api/v1/auth/login").json(&login).send().await.status, 200);

    // A new link (a password reset) can be made later; once deactivated, none is made.
    let shown = get(app, "dar", &admin, &format!("/settings?link={layla}")).await.body;
    assert!(link_in(&shown).is_some_and(|u| !u.ends_with(&token)));
    let res =
        post(app, "dar", &admin, &format!("/settings/users/{layla}/deactivate"), format!("csrf={}", admin.csrf)).await;
    assert_eq!(res.status, 303);
    let shown = get(app, "dar", &admin, &format!("/settings?link={layla}")).await.body;
    assert!(link_in(&shown).is_none());
    assert!(shown.contains("class=\"flash error\""));
}

on_both_databases!(channel_accounts_are_created_and_templates_edited, an_invited_user_sets_a_password_by_link);
