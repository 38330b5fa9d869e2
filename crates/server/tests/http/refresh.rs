//! `POST /api/v1/auth/refresh` and `/logout`: rotation, reuse detection, revocation.

use serde_json::{Value, json};

use crate::support::{Res, TestApp};

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

async fn reuse_revokes_the_family(app: &TestApp) {
    let first = app.login("dar", &app.dar.agent.email).await;
    let second = refresh(app, "dar", &first["refreshToken"]).await.json();
    // The old token again: reuse. Refused, and the whole login is revoked…
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

crate::on_both_databases!(refresh_rotates, reuse_revokes_the_family, logout_revokes, unknown_refresh_token);
