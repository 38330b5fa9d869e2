//! `POST /api/v1/auth/refresh` and `/logout`: rotation, reuse detection, revocation, and the
//! grace window for parallel refreshes of one token (also through the pages' cookie session).

use serde_json::{Value, json};

use crate::pages::sign_in;
use crate::support::{Res, SECRET, TestApp};

async fn refresh(app: &TestApp, host: &str, token: &Value) -> Res {
    app.post(host, "/api/v1/auth/refresh").json(&json!({"refreshToken": token})).send().await
}

async fn refresh_rotates(app: &TestApp) {
    let first = app.login("dar", &app.dar.agent.email).await;
    let res = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let second = res.json();
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    let me = app.get("dar", "/api/v1/me").bearer(second["accessToken"].as_str().unwrap()).send().await;
    assert_eq!(me.status, 200);
    // The successor rotates again; API clients may refresh on the bare host too.
    let third = refresh(app, "", &second["refreshToken"]).await;
    assert_eq!(third.status, 200, "{}", third.body);
    // Another agency's host refuses it like any invalid token.
    let foreign = refresh(app, "harbor", &third.json()["refreshToken"]).await;
    assert_eq!((foreign.status, foreign.code().as_str()), (401, "auth.invalid_token"));
}

/// Moves the rotation of `token` `secs` seconds into the past, as if it had happened then.
async fn backdate_rotation(app: &TestApp, token: &Value, secs: i64) {
    let at =
        (chrono::Utc::now() - chrono::Duration::seconds(secs)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let hash = app::auth::refresh::hash(token.as_str().unwrap());
    app.app
        .db
        .as_system("test: backdate a rotation")
        .update("RefreshToken", json!({"where": {"tokenHash": hash}, "data": {"revokedAt": at}}))
        .await
        .unwrap();
}

async fn reuse_revokes_the_family(app: &TestApp) {
    let first = app.login("dar", &app.dar.agent.email).await;
    let second = refresh(app, "dar", &first["refreshToken"]).await.json();
    // The old token again after the grace window (30 s by default): reuse. Refused, and the whole
    // login is revoked…
    backdate_rotation(app, &first["refreshToken"], 31).await;
    let reuse = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!((reuse.status, reuse.code().as_str()), (401, "auth.invalid_token"));
    // …so the legitimate successor is dead too.
    let after = refresh(app, "dar", &second["refreshToken"]).await;
    assert_eq!((after.status, after.code().as_str()), (401, "auth.invalid_token"));
    // Other logins of the same user are untouched.
    let other = app.login("dar", &app.dar.agent.email).await;
    assert_eq!(refresh(app, "dar", &other["refreshToken"]).await.status, 200);
}

async fn logout_revokes(app: &TestApp) {
    let session = app.login("dar", &app.dar.admin.email).await;
    let rotated = refresh(app, "dar", &session["refreshToken"]).await.json();
    let out =
        app.post("dar", "/api/v1/auth/logout").json(&json!({"refreshToken": rotated["refreshToken"]})).send().await;
    assert_eq!(out.status, 204, "{}", out.body);
    let res = refresh(app, "dar", &rotated["refreshToken"]).await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
    // Logging out twice is fine.
    let again =
        app.post("dar", "/api/v1/auth/logout").json(&json!({"refreshToken": rotated["refreshToken"]})).send().await;
    assert_eq!(again.status, 204);
}

async fn unknown_refresh_token(app: &TestApp) {
    let res = refresh(app, "dar", &json!("not-a-token")).await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
}

async fn a_repeat_within_the_window_gets_the_same_successor(app: &TestApp) {
    let first = app.login("dar", &app.dar.agent.email).await;
    let second = refresh(app, "dar", &first["refreshToken"]).await.json();
    backdate_rotation(app, &first["refreshToken"], 25).await;
    let again = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!(again.status, 200, "{}", again.body);
    let again = again.json();
    assert_eq!(again["refreshToken"], second["refreshToken"], "the same successor, not a fork of the login");
    assert_ne!(again["accessToken"], first["accessToken"]);
    let me = app.get("dar", "/api/v1/me").bearer(again["accessToken"].as_str().unwrap()).send().await;
    assert_eq!(me.status, 200);
    // The successor rotates normally; the first token still follows the chain to the live end
    // while the window lasts…
    let third = refresh(app, "dar", &second["refreshToken"]).await.json();
    let chained = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!(chained.status, 200, "{}", chained.body);
    assert_eq!(chained.json()["refreshToken"], third["refreshToken"]);
    // …not on another agency's host…
    let foreign = refresh(app, "harbor", &first["refreshToken"]).await;
    assert_eq!((foreign.status, foreign.code().as_str()), (401, "auth.invalid_token"));
    // …and a logged-out login stays logged out, window or not.
    let out = app.post("dar", "/api/v1/auth/logout").json(&json!({"refreshToken": third["refreshToken"]})).send().await;
    assert_eq!(out.status, 204);
    let res = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
    let res = refresh(app, "dar", &second["refreshToken"]).await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
}

async fn concurrent_refreshes_of_one_token_both_succeed(app: &TestApp) {
    // Several rounds, so that some pairs really meet inside the rotation (both read the token
    // before either has rotated it).
    for _ in 0..5 {
        let first = app.login("dar", &app.dar.agent.email).await;
        let (a, b) =
            tokio::join!(refresh(app, "dar", &first["refreshToken"]), refresh(app, "dar", &first["refreshToken"]));
        assert_eq!((a.status, b.status), (200, 200), "{} / {}", a.body, b.body);
        let (a, b) = (a.json(), b.json());
        assert_eq!(a["refreshToken"], b["refreshToken"], "one successor for both");
        for token in [&a["accessToken"], &b["accessToken"]] {
            let me = app.get("dar", "/api/v1/me").bearer(token.as_str().unwrap()).send().await;
            assert_eq!(me.status, 200);
        }
        // The login goes on: the successor rotates.
        let next = refresh(app, "dar", &a["refreshToken"]).await;
        assert_eq!(next.status, 200, "{}", next.body);
    }
}

async fn another_node_on_the_same_database_answers_the_same(app: &TestApp) {
    // A second server's auth service: nothing shared with the first but the database and the
    // signing secret.
    let node = app::auth::AuthService::new(app.app.db.clone(), SECRET.as_bytes(), app::auth::AuthSettings::default());
    for _ in 0..3 {
        let first = app.login("dar", &app.dar.agent.email).await;
        let plain = first["refreshToken"].as_str().unwrap();
        let (http, other) = tokio::join!(refresh(app, "dar", &first["refreshToken"]), node.refresh(plain, None));
        assert_eq!(http.status, 200, "{}", http.body);
        let other = other.expect("the other node refreshes too");
        assert_eq!(http.json()["refreshToken"].as_str(), Some(other.refresh_token.as_str()));
    }
}

async fn parallel_htmx_requests_keep_the_page_session(app: &TestApp) {
    let s = sign_in(app, "dar", &app.dar.agent.email).await;
    // The access cookie has expired (the browser dropped it): every request renews from the same
    // refresh cookie at once.
    let refresh_only = s.cookie.split("; ").filter(|c| !c.starts_with("manzil_access=")).collect::<Vec<_>>().join("; ");
    let get =
        |path: &'static str| app.get("dar", path).header("cookie", &refresh_only).header("hx-request", "true").send();
    let (a, b, c) = tokio::join!(get("/leads"), get("/tasks"), get("/pipeline"));
    let mut rotated = Vec::new();
    for res in [&a, &b, &c] {
        assert_eq!(res.status, 200, "{:?} {}", res.headers.get("hx-redirect"), res.body);
        assert!(res.cookie("manzil_access").is_some());
        rotated.push(res.cookie("manzil_refresh").expect("refresh cookie"));
    }
    assert!(rotated.iter().all(|r| *r == rotated[0]), "all three set the same successor");
    // Whichever response the browser kept, the session goes on with it.
    let csrf = s.csrf;
    let next = app
        .get("dar", "/leads")
        .header("cookie", &format!("manzil_refresh={}; manzil_csrf={csrf}", rotated[0]))
        .send()
        .await;
    assert_eq!(next.status, 200, "{}", next.body);
}

crate::on_both_databases!(
    refresh_rotates,
    reuse_revokes_the_family,
    logout_revokes,
    unknown_refresh_token,
    a_repeat_within_the_window_gets_the_same_successor,
    concurrent_refreshes_of_one_token_both_succeed,
    another_node_on_the_same_database_answers_the_same,
    parallel_htmx_requests_keep_the_page_session,
);

/// `auth.refresh_grace_secs = 0`: no window, a repeat is reuse at once (the behaviour before the
/// window existed).
async fn without_a_window_a_repeat_is_reuse(app: &TestApp) {
    let first = app.login("dar", &app.dar.agent.email).await;
    let second = refresh(app, "dar", &first["refreshToken"]).await.json();
    let reuse = refresh(app, "dar", &first["refreshToken"]).await;
    assert_eq!((reuse.status, reuse.code().as_str()), (401, "auth.invalid_token"));
    assert_eq!(refresh(app, "dar", &second["refreshToken"]).await.status, 401);
}

#[tokio::test]
async fn without_a_window_a_repeat_is_reuse_sqlite() {
    let app = TestApp::sqlite_with(|c| c.auth.refresh_grace_secs = 0).await;
    without_a_window_a_repeat_is_reuse(&app).await;
    app.stop().await;
}

#[tokio::test]
async fn without_a_window_a_repeat_is_reuse_postgres() {
    let app = TestApp::postgres_with(|c| c.auth.refresh_grace_secs = 0).await;
    without_a_window_a_repeat_is_reuse(&app).await;
    app.stop().await;
}
