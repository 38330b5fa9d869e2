//! The Users API and the caller's profile: admins add, edit and deactivate users; colleagues read
//! each other; a user edits their own name and language only; the last active admin stays; the
//! password hash never leaves the server; a password change revokes every other login.

use app::users::{NewUser, UserView};
use domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PASSWORD, Res, TestApp};

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A user of agency `slug` with the seeded password.
async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
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

async fn create(app: &TestApp, token: &str, body: Value) -> Res {
    app.post("dar", "/api/v1/users").bearer(token).json(&body).send().await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> Res {
    app.request(Method::PATCH, "dar", &format!("/api/v1/users/{id}")).bearer(token).json(&body).send().await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Res {
    app.get("dar", path).bearer(token).send().await
}

/// The ids of one page of `GET /users?{query}` (status 200 asserted).
async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = get(app, token, &format!("/api/v1/users?{query}")).await;
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"].as_array().unwrap().iter().map(|u| u["id"].as_str().unwrap().to_owned()).collect()
}

/// No trace of a password or its hash.
fn no_secret(res: &Res) {
    for needle in ["passwordHash", "password_hash", "$argon2", PASSWORD] {
        assert!(!res.body.contains(needle), "{needle} in {}", res.body);
    }
}

async fn login_with(app: &TestApp, email: &str, password: &str) -> Res {
    app.post("dar", "/api/v1/auth/login").json(&json!({"email": email, "password": password})).send().await
}

async fn refresh(app: &TestApp, token: &Value) -> Res {
    app.post("dar", "/api/v1/auth/refresh").json(&json!({"refreshToken": token})).send().await
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn admins_add_read_and_edit_users(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let team = app.post("dar", "/api/v1/teams").bearer(&admin).json(&json!({"name": "Marina"})).send().await;
    assert_eq!(team.status, 201, "{}", team.body);
    let team = team.json()["id"].as_str().unwrap().to_owned();

    let res = create(
        app,
        &admin,
        json!({"email": " Sara@Dar.Example ", "name": " سارة ", "role": "MANAGER", "teamId": team,
               "locale": "en", "languages": ["AR", "en", "ar"], "password": "a long enough secret"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.body);
    no_secret(&res);
    let sara = res.json();
    let id = sara["id"].as_str().unwrap().to_owned();
    assert_eq!(res.headers["location"], format!("/api/v1/users/{id}").as_str());
    assert_eq!(sara["email"], "sara@dar.example");
    assert_eq!(sara["name"], "سارة");
    assert_eq!(sara["role"], "MANAGER");
    assert_eq!(sara["teamId"], team.as_str());
    assert_eq!(sara["locale"], "en");
    assert_eq!(sara["languages"], json!(["ar", "en"]));
    assert_eq!(sara["active"], true);
    assert_eq!(sara["tenantId"], app.dar.tenant.id.as_str());
    // The initial password works.
    assert_eq!(login_with(app, "sara@dar.example", "a long enough secret").await.status, 200);

    // Defaults: an agent in the agency's language; invited (no password) cannot sign in.
    let res = create(app, &admin, json!({"email": "omar@dar.example", "name": "Omar"})).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let omar = res.json();
    assert_eq!((omar["role"].as_str(), omar["locale"].as_str()), (Some("AGENT"), Some("ar")));
    assert_eq!(omar["languages"], json!([]));
    assert_eq!(login_with(app, "omar@dar.example", "").await.status, 401);

    // Read by anyone of the agency.
    let agent = app.token("dar", &app.dar.agent).await;
    let res = get(app, &agent, &format!("/api/v1/users/{id}")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json(), sara);

    // An admin edits every field but the password.
    let res = patch(
        app,
        &admin,
        &id,
        json!({"name": "Sara M.", "email": "sara.m@dar.example", "role": "AGENT", "teamId": null,
               "languages": ["hi"], "locale": "ar"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.body);
    no_secret(&res);
    let edited = res.json();
    assert_eq!(edited["name"], "Sara M.");
    assert_eq!(edited["email"], "sara.m@dar.example");
    assert_eq!(edited["role"], "AGENT");
    assert_eq!(edited["teamId"], Value::Null);
    assert_eq!(edited["languages"], json!(["hi"]));
    assert_eq!(edited["locale"], "ar");
    assert_eq!(edited["createdAt"], sara["createdAt"]);
    // An empty patch changes nothing.
    let res = patch(app, &admin, &id, json!({})).await;
    assert_eq!(res.json(), edited);

    // E-mails are unique per agency, whatever their case; another agency may reuse one.
    let res = create(app, &admin, json!({"email": "SARA.M@dar.example", "name": "Twin"})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "user.email_taken"), "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "email");
    let res = patch(app, &admin, &id, json!({"email": app.dar.agent.email})).await;
    assert_eq!((res.status, res.code().as_str()), (409, "user.email_taken"));
    let harbor = app.token("harbor", &app.harbor.admin).await;
    let res = app
        .post("harbor", "/api/v1/users")
        .bearer(&harbor)
        .json(&json!({"email": "sara.m@dar.example", "name": "Namesake"}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let foreign = res.json()["id"].as_str().unwrap().to_owned();

    // Another agency's user is missing, for reading and for writing.
    let res = get(app, &admin, &format!("/api/v1/users/{foreign}")).await;
    assert_eq!((res.status, res.code().as_str()), (404, "user.not_found"));
    let res = patch(app, &admin, &foreign, json!({"name": "pwned"})).await;
    assert_eq!((res.status, res.code().as_str()), (404, "user.not_found"));
    let res = get(app, &admin, "/api/v1/users/00000000-0000-4000-8000-000000000000").await;
    assert_eq!(res.status, 404);
    // There is no delete: deactivation instead.
    let res = app.request(Method::DELETE, "dar", &format!("/api/v1/users/{id}")).bearer(&admin).send().await;
    assert_eq!((res.status, res.code().as_str()), (405, "route.method_not_allowed"));
}

async fn inputs_are_checked(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let harbor_admin = app.token("harbor", &app.harbor.admin).await;
    let harbor_team =
        app.post("harbor", "/api/v1/teams").bearer(&harbor_admin).json(&json!({"name": "Harbor"})).send().await;
    let harbor_team = harbor_team.json()["id"].as_str().unwrap().to_owned();

    let res = app.post("dar", "/api/v1/users").bearer(&admin).body("application/json", "{\"email\": ").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
    let base = json!({"email": "new@dar.example", "name": "New"});
    let with = |key: &str, value: Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    for (body, code, field) in [
        (with("nickname", json!("x")), "request.invalid", None),
        (with("role", json!("OWNER")), "request.invalid", None),
        (with("locale", json!("fr")), "request.invalid", None),
        (with("passwordHash", json!("$argon2id$forged")), "request.invalid", None),
        (with("email", json!("not-an-address")), "user.invalid_email", Some("email")),
        (with("name", json!("   ")), "user.name_required", Some("name")),
        (with("password", json!("short")), "user.weak_password", Some("password")),
        (with("teamId", json!(harbor_team)), "user.invalid_team", Some("teamId")),
        (with("teamId", json!("no-such-team")), "user.invalid_team", Some("teamId")),
        (with("languages", json!(["en", "english"])), "user.invalid_language", Some("languages[1]")),
    ] {
        let res = create(app, &admin, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{body}: {}", res.body);
        if let Some(field) = field {
            assert_eq!(res.json()["error"]["field"], field, "{body}");
        }
    }
    // Nothing was created by the refused requests.
    assert!(ids(app, &admin, "q=new@dar").await.is_empty());

    let agent = app.dar.agent.id.as_str();
    for (body, code) in [
        (json!({"email": "bad"}), "user.invalid_email"),
        (json!({"name": ""}), "user.name_required"),
        (json!({"teamId": harbor_team}), "user.invalid_team"),
        (json!({"password": "a long enough secret"}), "request.invalid"),
        (json!({"active": "no"}), "request.invalid"),
    ] {
        let res = patch(app, &admin, agent, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{body}: {}", res.body);
    }
    for query in ["role=OWNER", "active=maybe", "sort=password", "limit=0", "cursor=nope", "passwordHash=x"] {
        let res = get(app, &admin, &format!("/api/v1/users?{query}")).await;
        assert_eq!(res.status, 400, "{query}: {}", res.body);
        assert!(res.code().starts_with("request.invalid"), "{query}: {}", res.body);
    }
}

async fn roles_decide_who_changes_what(app: &TestApp) {
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let manager = app.token("dar", &manager).await;
    let agent = app.token("dar", &app.dar.agent).await;
    let agent_id = app.dar.agent.id.as_str();
    let admin_id = app.dar.admin.id.as_str();

    // Only admins add users.
    for token in [&agent, &manager] {
        let res = create(app, token, json!({"email": "intruder@dar.example", "name": "Intruder"})).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
    }
    // Nobody but an admin changes roles, teams, activity, e-mails — not even their own.
    for (token, id, body) in [
        (&agent, agent_id, json!({"role": "ADMIN"})),
        (&agent, agent_id, json!({"role": "AGENT"})),
        (&agent, agent_id, json!({"active": false})),
        (&agent, agent_id, json!({"email": "me@dar.example"})),
        (&agent, agent_id, json!({"languages": ["fr"]})),
        (&agent, agent_id, json!({"name": "Me", "role": "MANAGER"})),
        (&agent, admin_id, json!({"name": "pwned"})),
        (&manager, agent_id, json!({"role": "MANAGER"})),
        (&manager, agent_id, json!({"name": "renamed by the manager"})),
        (&manager, admin_id, json!({"active": false})),
    ] {
        let res = patch(app, token, id, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{body}: {}", res.body);
    }
    let res = get(app, &agent, &format!("/api/v1/users/{agent_id}")).await.json();
    assert_eq!((res["role"].as_str(), res["name"].as_str()), (Some("AGENT"), Some(app.dar.agent.name.as_str())));
    assert_eq!(res["email"], app.dar.agent.email.as_str());

    // A user renames themself and picks their language, through either route.
    let res = patch(app, &agent, agent_id, json!({"name": "Agent Smith", "locale": "en"})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!((res.json()["name"].as_str(), res.json()["locale"].as_str()), (Some("Agent Smith"), Some("en")));
    let res =
        app.request(Method::PATCH, "dar", "/api/v1/me").bearer(&agent).json(&json!({"name": " وكيل "})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    no_secret(&res);
    assert_eq!(res.json()["name"], "وكيل");
    assert_eq!(res.json()["locale"], "en");
    let me = get(app, &agent, "/api/v1/me").await;
    no_secret(&me);
    assert_eq!(me.json(), res.json());
    // PATCH /me takes the name and the language, nothing else.
    for body in [json!({"role": "ADMIN"}), json!({"active": false}), json!({"name": ""})] {
        let res = app.request(Method::PATCH, "dar", "/api/v1/me").bearer(&agent).json(&body).send().await;
        assert_eq!(res.status, 400, "{body}: {}", res.body);
    }
    assert_eq!(get(app, &agent, "/api/v1/me").await.json()["role"], "AGENT");
}

async fn the_password_hash_never_leaves(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let res = create(app, &admin, json!({"email": "hash@dar.example", "name": "Hash", "password": PASSWORD})).await;
    assert_eq!(res.status, 201);
    no_secret(&res);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let login = login_with(app, "hash@dar.example", PASSWORD).await;
    assert_eq!(login.status, 200);
    assert!(!login.body.contains("passwordHash") && !login.body.contains("$argon2"), "{}", login.body);
    let own = login.json()["accessToken"].as_str().unwrap().to_owned();
    for (token, path) in [
        (&admin, "/api/v1/users".to_owned()),
        (&admin, "/api/v1/users?q=hash".to_owned()),
        (&admin, format!("/api/v1/users/{id}")),
        (&own, "/api/v1/me".to_owned()),
        (&own, "/api/v1/users?sort=email&limit=100".to_owned()),
    ] {
        let res = get(app, token, &path).await;
        assert_eq!(res.status, 200, "{path}");
        no_secret(&res);
    }
    no_secret(&patch(app, &admin, &id, json!({"name": "Hash 2"})).await);
    // The hash cannot be searched or filtered on either.
    assert!(ids(app, &admin, "q=argon2").await.is_empty());
    // It is stored, hashed with argon2id.
    let row = app
        .app
        .db
        .as_system("test: read a hash")
        .run("User", "findUnique", &json!({"where": {"id": id}, "select": {"passwordHash": true}}))
        .await
        .unwrap();
    assert!(row["passwordHash"].as_str().unwrap().starts_with("$argon2id$"));
}

async fn the_last_active_admin_stays(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let me = app.dar.admin.id.as_str();
    for body in [json!({"role": "MANAGER"}), json!({"active": false}), json!({"role": "AGENT", "active": false})] {
        let res = patch(app, &admin, me, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, "user.last_admin"), "{body}: {}", res.body);
    }
    // Keeping the role (or renaming) is fine.
    assert_eq!(patch(app, &admin, me, json!({"role": "ADMIN", "active": true})).await.status, 200);

    // A deactivated admin does not count.
    let other = user(app, "dar", "admin2", Role::Admin).await;
    let res = patch(app, &admin, &other.id, json!({"active": false})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = patch(app, &admin, me, json!({"role": "MANAGER"})).await;
    assert_eq!(res.code(), "user.last_admin");
    // With a second active admin, the first may step down; then the second is the last.
    assert_eq!(patch(app, &admin, &other.id, json!({"active": true})).await.status, 200);
    let res = patch(app, &admin, me, json!({"role": "MANAGER"})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["role"], "MANAGER");
    // The former admin is a manager from the next request on.
    let res = create(app, &admin, json!({"email": "late@dar.example", "name": "Late"})).await;
    assert_eq!(res.status, 403);
    let other_token = app.token("dar", &other).await;
    let res = patch(app, &other_token, &other.id, json!({"active": false})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "user.last_admin"));
    // Another agency's admins never count for this one.
    assert_eq!(ids(app, &other_token, "role=ADMIN&active=true").await, vec![other.id.clone()]);
}

async fn a_deactivated_user_loses_access_at_once(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let session = app.login("dar", &app.dar.agent.email).await;
    let agent = session["accessToken"].as_str().unwrap();
    assert_eq!(get(app, agent, "/api/v1/me").await.status, 200);

    let res = patch(app, &admin, &app.dar.agent.id, json!({"active": false})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["active"], false);
    // The next request, with a token that has not expired, is refused; so are refresh and login.
    let res = get(app, agent, "/api/v1/me").await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
    assert_eq!(refresh(app, &session["refreshToken"]).await.status, 401);
    assert_eq!(login_with(app, &app.dar.agent.email, PASSWORD).await.status, 401);
    // Colleagues still see them, as inactive.
    assert_eq!(ids(app, &admin, "active=false").await, vec![app.dar.agent.id.clone()]);
    assert!(!ids(app, &admin, "active=true").await.contains(&app.dar.agent.id));

    // Reactivated: they sign in again, but the logins from before stay revoked.
    assert_eq!(patch(app, &admin, &app.dar.agent.id, json!({"active": true})).await.status, 200);
    assert_eq!(refresh(app, &session["refreshToken"]).await.status, 401);
    let again = login_with(app, &app.dar.agent.email, PASSWORD).await;
    assert_eq!(again.status, 200, "{}", again.body);
}

async fn changing_the_password_revokes_other_logins(app: &TestApp) {
    let email = app.dar.agent.email.clone();
    let phone = app.login("dar", &email).await;
    let laptop = app.login("dar", &email).await;
    let token = laptop["accessToken"].as_str().unwrap();
    let change = |current: &str, new: &str| {
        app.post("dar", "/api/v1/me/password")
            .bearer(token)
            .json(&json!({"currentPassword": current, "newPassword": new}))
    };

    let res = change("not my password", "a brand new password").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "user.wrong_password"), "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "currentPassword");
    let res = change(PASSWORD, "too short").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "user.weak_password"), "{}", res.body);
    assert_eq!(res.json()["error"]["field"], "newPassword");
    let res = app
        .post("dar", "/api/v1/me/password")
        .bearer(token)
        .json(&json!({"currentPassword": PASSWORD, "newPassword": "a brand new password", "userId": "x"}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
    // Nothing changed so far.
    assert_eq!(refresh(app, &phone["refreshToken"]).await.status, 200);

    let phone = app.login("dar", &email).await;
    let res = change(PASSWORD, "a brand new password").send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    no_secret(&res);
    let fresh = res.json();
    assert_eq!(fresh["user"]["id"], app.dar.agent.id.as_str());
    assert_eq!(fresh["tokenType"], "Bearer");
    // Every earlier login is revoked; the new one works.
    for old in [&phone, &laptop] {
        let res = refresh(app, &old["refreshToken"]).await;
        assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
    }
    assert_eq!(refresh(app, &fresh["refreshToken"]).await.status, 200);
    let res = get(app, fresh["accessToken"].as_str().unwrap(), "/api/v1/me").await;
    assert_eq!(res.status, 200);
    // The old password is gone, the new one signs in.
    assert_eq!(login_with(app, &email, PASSWORD).await.status, 401);
    assert_eq!(login_with(app, &email, "a brand new password").await.status, 200);
    // Other users are untouched.
    assert_eq!(login_with(app, &app.dar.admin.email, PASSWORD).await.status, 200);
}

async fn a_cookie_session_gets_new_cookies(app: &TestApp) {
    let login = app
        .post("dar", "/api/v1/auth/login")
        .json(&json!({"email": app.dar.admin.email, "password": PASSWORD, "cookie": true}))
        .send()
        .await;
    assert_eq!(login.status, 200);
    let csrf = login.cookie("manzil_csrf").unwrap();
    let cookies = ["manzil_access", "manzil_refresh", "manzil_csrf"]
        .iter()
        .map(|n| format!("{n}={}", login.cookie(n).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("; ");
    let body = json!({"currentPassword": PASSWORD, "newPassword": "another long password"});
    // Without the CSRF header, a cookie session cannot change the password.
    let res = app.post("dar", "/api/v1/me/password").header("cookie", &cookies).json(&body).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "auth.csrf"));
    let res = app
        .post("dar", "/api/v1/me/password")
        .header("cookie", &cookies)
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert!(res.json().get("accessToken").is_none(), "tokens stay in cookies");
    let refresh_cookie = res.cookie("manzil_refresh").unwrap();
    assert_ne!(Some(refresh_cookie.clone()), login.cookie("manzil_refresh"));
    assert_eq!(res.json()["csrfToken"].as_str(), res.cookie("manzil_csrf").as_deref());
    // The old refresh cookie is dead, the new one lives.
    assert_eq!(refresh(app, &json!(login.cookie("manzil_refresh").unwrap())).await.status, 401);
    assert_eq!(refresh(app, &json!(refresh_cookie)).await.status, 200);
}

async fn lists_filter_search_sort_and_page(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let team = app.post("dar", "/api/v1/teams").bearer(&admin).json(&json!({"name": "Palm"})).send().await;
    let team = team.json()["id"].as_str().unwrap().to_owned();
    let mut made = Vec::new();
    for (email, name, role, team_id) in [
        ("ahmad@dar.example", "أحمد الهاشمي", "AGENT", Some(&team)),
        ("mona@dar.example", "منى", "MANAGER", Some(&team)),
        ("zed@dar.example", "Zed Zayed", "AGENT", None),
        ("bob@dar.example", "Bob", "AGENT", None),
    ] {
        let res = create(app, &admin, json!({"email": email, "name": name, "role": role, "teamId": team_id})).await;
        assert_eq!(res.status, 201, "{}", res.body);
        made.push(res.json()["id"].as_str().unwrap().to_owned());
    }
    let (ahmad, mona, zed, bob) = (&made[0], &made[1], &made[2], &made[3]);
    // Every colleague reads the list; another agency's users never appear.
    let agent = app.token("dar", &app.dar.agent).await;
    let all = ids(app, &agent, "limit=100").await;
    assert_eq!(all.len(), 6, "{all:?}");
    assert!(!all.contains(&app.harbor.admin.id) && !all.contains(&app.harbor.agent.id));

    assert_eq!(ids(app, &agent, &format!("teamId={team}&sort=email")).await, vec![ahmad.clone(), mona.clone()]);
    let mut managers = ids(app, &agent, "role=manager,ADMIN").await;
    managers.sort();
    let mut expected = vec![mona.clone(), app.dar.admin.id.clone()];
    expected.sort();
    assert_eq!(managers, expected);
    // Folded search: spelling variants of Arabic letters, case, e-mail.
    assert_eq!(ids(app, &agent, "q=احمد").await, vec![ahmad.clone()]);
    assert_eq!(ids(app, &agent, "q=ZAYED").await, vec![zed.clone()]);
    assert_eq!(ids(app, &agent, "q=bob@dar").await, vec![bob.clone()]);
    assert_eq!(ids(app, &agent, &format!("q=a&teamId={team}&role=MANAGER")).await, vec![mona.clone()]);
    assert!(ids(app, &agent, "q=nobody").await.is_empty());

    // Orders, and pages that together list everyone exactly once.
    let by_email = ids(app, &agent, "sort=email&limit=100").await;
    let by_email_desc = ids(app, &agent, "sort=-email&limit=100").await;
    assert_eq!(by_email.iter().rev().cloned().collect::<Vec<_>>(), by_email_desc);
    assert_eq!(by_email[..3], [app.dar.admin.id.clone(), app.dar.agent.id.clone(), ahmad.clone()]);
    for sort in ["name", "-createdAt", "email"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut path = format!("/api/v1/users?sort={sort}&limit=2");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = get(app, &agent, &path).await.json();
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            seen.extend(items.iter().map(|u| u["id"].as_str().unwrap().to_owned()));
            match page["nextCursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(seen, ids(app, &agent, &format!("sort={sort}&limit=100")).await, "{sort}");
    }
}

crate::on_both_databases!(
    admins_add_read_and_edit_users,
    inputs_are_checked,
    roles_decide_who_changes_what,
    the_password_hash_never_leaves,
    the_last_active_admin_stays,
    a_deactivated_user_loses_access_at_once,
    changing_the_password_revokes_other_logins,
    a_cookie_session_gets_new_cookies,
    lists_filter_search_sort_and_page,
);
