//! Request bodies and error rendering: malformed JSON, unknown fields, size and type limits,
//! messages in the caller's language.

use serde_json::json;

use crate::support::TestApp;

async fn malformed_json(app: &TestApp) {
    let res = app.post("dar", "/api/v1/auth/login").body("application/json", "{\"email\": ").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
    let res = app.post("dar", "/api/v1/auth/login").body("application/json", "[\"a@b.example\", ").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
}

/// Well-formed JSON that is not an object is the wrong shape, though serde would read a struct
/// from an array.
async fn bodies_are_objects(app: &TestApp) {
    for body in [r#"["admin@dar.example", "x"]"#, "\"text\"", "42", "null"] {
        let res = app.post("dar", "/api/v1/auth/login").body("application/json", body).send().await;
        assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"), "{body}");
    }
}

async fn unknown_fields_are_refused(app: &TestApp) {
    let res = app
        .post("dar", "/api/v1/auth/login")
        .json(&json!({"email": "a@b.example", "password": "x", "isAdmin": true}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.invalid"));
}

async fn oversize_body(app: &TestApp) {
    let big = format!("{{\"email\": \"{}\", \"password\": \"x\"}}", "a".repeat(1024 * 1024 + 10));
    let res = app.post("dar", "/api/v1/auth/login").body("application/json", big).send().await;
    assert_eq!((res.status, res.code().as_str()), (413, "request.too_large"));
}

async fn wrong_content_type(app: &TestApp) {
    let res = app.post("dar", "/api/v1/auth/login").body("text/plain", "email=a").send().await;
    assert_eq!((res.status, res.code().as_str()), (415, "request.unsupported_media_type"));
}

async fn messages_follow_the_callers_language(app: &TestApp) {
    // dar speaks Arabic by default, harbor English; Accept-Language wins over the agency.
    let ar = app.get("dar", "/api/v1/me").send().await;
    assert_eq!(ar.json()["error"]["message"], "جلستك غير صالحة أو منتهية. سجّل الدخول مجددًا.");
    let en = app.get("dar", "/api/v1/me").header("accept-language", "en-GB,en;q=0.9").send().await;
    assert_eq!(en.json()["error"]["message"], "Your session is invalid or has expired. Sign in again.");
    let harbor = app.get("harbor", "/api/v1/me").send().await;
    assert_eq!(harbor.json()["error"]["message"], "Your session is invalid or has expired. Sign in again.");
}

async fn unknown_route(app: &TestApp) {
    let res = app.get("dar", "/api/v1/nothing-here").send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "route.not_found"));
    let res = app.get("dar", "/api/v1/auth/login").send().await;
    assert_eq!((res.status, res.code().as_str()), (405, "route.method_not_allowed"));
}

async fn request_ids(app: &TestApp) {
    let res = app.get("", "/healthz").header("x-request-id", "abc-123").send().await;
    assert_eq!(res.headers["x-request-id"], "abc-123");
    let res = app.get("", "/healthz").send().await;
    assert_eq!(res.headers["x-request-id"].len(), 36, "a generated UUID");
}

crate::on_both_databases!(
    malformed_json,
    bodies_are_objects,
    unknown_fields_are_refused,
    oversize_body,
    wrong_content_type,
    messages_follow_the_callers_language,
    unknown_route,
    request_ids,
);
