//! Access tokens: forged, expired, foreign and stale ones are refused with one answer; the user
//! row is read on every request, so a demotion or deactivation applies at once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::support::{SECRET, TestApp};

fn claims(app: &TestApp, exp_offset: i64, aud: &str) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": app.dar.admin.id, "tid": app.dar.tenant.id, "aud": aud, "exp": now + exp_offset, "iat": now, "jti": "t"})
}

fn sign(alg: Algorithm, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

async fn me_with(app: &TestApp, host: &str, token: &str) -> crate::support::Res {
    app.get(host, "/api/v1/me").bearer(token).send().await
}

async fn bad_tokens_get_one_answer(app: &TestApp) {
    let reference = me_with(app, "dar", "garbage").await;
    assert_eq!((reference.status, reference.code().as_str()), (401, "auth.invalid_token"));

    let good = sign(Algorithm::HS256, &claims(app, 600, "manzil"), SECRET);
    assert_eq!(me_with(app, "dar", &good).await.status, 200, "the forger's baseline works");

    let (head, rest) = good.split_once('.').unwrap();
    let (payload, sig) = rest.split_once('.').unwrap();
    let mut tampered_claims = claims(app, 600, "manzil");
    tampered_claims["sub"] = json!(app.dar.agent.id);
    let tampered = format!("{head}.{}.{sig}", URL_SAFE_NO_PAD.encode(tampered_claims.to_string()));
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let bad = [
        ("expired", sign(Algorithm::HS256, &claims(app, -600, "manzil"), SECRET)),
        ("tampered", tampered),
        ("wrong aud", sign(Algorithm::HS256, &claims(app, 600, "other"), SECRET)),
        ("no aud", {
            let mut c = claims(app, 600, "manzil");
            c.as_object_mut().unwrap().remove("aud");
            sign(Algorithm::HS256, &c, SECRET)
        }),
        ("alg none", format!("{none_header}.{payload}.")),
        ("HS512", sign(Algorithm::HS512, &claims(app, 600, "manzil"), SECRET)),
        ("other key", sign(Algorithm::HS256, &claims(app, 600, "manzil"), "another-secret-another-secret-0123456789")),
    ];
    for (what, token) in bad {
        let res = me_with(app, "dar", &token).await;
        assert_eq!((res.status, res.body.as_str()), (401, reference.body.as_str()), "{what}");
    }
    let no_token = app.get("dar", "/api/v1/me").send().await;
    assert_eq!((no_token.status, no_token.body.as_str()), (401, reference.body.as_str()));
}

async fn another_agencys_token_is_an_invalid_token(app: &TestApp) {
    let harbor_token = app.token("harbor", &app.harbor.admin).await;
    let reference = me_with(app, "dar", "garbage").await;
    let res = me_with(app, "dar", &harbor_token).await;
    assert_eq!((res.status, res.body.as_str()), (401, reference.body.as_str()));
    assert_eq!(me_with(app, "harbor", &harbor_token).await.status, 200);
}

async fn bare_host_takes_the_tenant_from_the_token(app: &TestApp) {
    let token = app.token("dar", &app.dar.agent).await;
    for host in ["", "127.0.0.1"] {
        let res = me_with(app, host, &token).await;
        assert_eq!(res.status, 200, "{host}: {}", res.body);
        assert_eq!(res.json()["tenantId"], app.dar.tenant.id.as_str());
    }
}

async fn demotion_applies_on_the_next_request(app: &TestApp) {
    let token = app.token("dar", &app.dar.admin).await;
    assert_eq!(me_with(app, "dar", &token).await.json()["role"], "ADMIN");
    app.update_user(&app.dar.admin, json!({"role": "AGENT"})).await;
    assert_eq!(me_with(app, "dar", &token).await.json()["role"], "AGENT");
}

async fn deactivation_applies_on_the_next_request(app: &TestApp) {
    let token = app.token("dar", &app.dar.agent).await;
    assert_eq!(me_with(app, "dar", &token).await.status, 200);
    app.update_user(&app.dar.agent, json!({"active": false})).await;
    let res = me_with(app, "dar", &token).await;
    assert_eq!((res.status, res.code().as_str()), (401, "auth.invalid_token"));
}

crate::on_both_databases!(
    bad_tokens_get_one_answer,
    another_agencys_token_is_an_invalid_token,
    bare_host_takes_the_tenant_from_the_token,
    demotion_applies_on_the_next_request,
    deactivation_applies_on_the_next_request,
);
