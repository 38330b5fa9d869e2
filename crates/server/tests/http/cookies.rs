//! The web UI's cookie sessions: HttpOnly cookies, and the CSRF double submit on unsafe requests.

use serde_json::json;

use crate::support::{PASSWORD, Res, TestApp};

async fn cookie_login(app: &TestApp) -> Res {
    let res = app
        .post("dar", "/api/v1/auth/login")
        .json(&json!({"email": app.dar.admin.email, "password": PASSWORD, "cookie": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res
}

fn cookie_header(res: &Res) -> String {
    ["manzil_access", "manzil_refresh", "manzil_csrf"]
        .iter()
        .map(|n| format!("{n}={}", res.cookie(n).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("; ")
}

async fn cookie_login_sets_safe_cookies(app: &TestApp) {
    let res = cookie_login(app).await;
    assert!(res.json().get("accessToken").is_none(), "tokens stay in cookies");
    let cookies = res.set_cookies();
    for name in ["manzil_access", "manzil_refresh"] {
        let c = cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap();
        for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(c.contains(attr), "{c} lacks {attr}");
        }
        assert!(!c.contains("Secure"), "plain http: {c}");
    }
    let csrf = cookies.iter().find(|c| c.starts_with("manzil_csrf=")).unwrap();
    assert!(!csrf.contains("HttpOnly"), "the page must read it");
    assert_eq!(res.json()["csrfToken"].as_str(), res.cookie("manzil_csrf").as_deref());
    // Behind a TLS proxy the cookies are Secure.
    let https = app
        .post("dar", "/api/v1/auth/login")
        .header("x-forwarded-proto", "https")
        .json(&json!({"email": app.dar.admin.email, "password": PASSWORD, "cookie": true}))
        .send()
        .await;
    assert!(https.set_cookies().iter().all(|c| c.contains("; Secure")));
    // A page on another site cannot sign the browser in (login CSRF); the agency's own page can.
    for (name, value) in [("origin", "http://evil.example"), ("sec-fetch-site", "cross-site")] {
        let foreign = app
            .post("dar", "/api/v1/auth/login")
            .header(name, value)
            .json(&json!({"email": app.dar.admin.email, "password": PASSWORD, "cookie": true}))
            .send()
            .await;
        assert_eq!((foreign.status, foreign.code().as_str()), (403, "auth.csrf"), "{name}: {value}");
        assert!(foreign.set_cookies().is_empty());
    }
    let own = app
        .post("dar", "/api/v1/auth/login")
        .header("origin", "http://dar.localhost")
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"email": app.dar.admin.email, "password": PASSWORD, "cookie": true}))
        .send()
        .await;
    assert_eq!(own.status, 200, "{}", own.body);
    // Reads need no CSRF header.
    let me = app.get("dar", "/api/v1/me").header("cookie", &cookie_header(&res)).send().await;
    assert_eq!(me.status, 200, "{}", me.body);
}

async fn unsafe_cookie_requests_need_the_csrf_header(app: &TestApp) {
    let res = cookie_login(app).await;
    let cookies = cookie_header(&res);
    let csrf = res.cookie("manzil_csrf").unwrap();
    let missing = app.post("dar", "/api/v1/auth/refresh").header("cookie", &cookies).send().await;
    assert_eq!((missing.status, missing.code().as_str()), (403, "auth.csrf"));
    let wrong = app
        .post("dar", "/api/v1/auth/refresh")
        .header("cookie", &cookies)
        .header("x-csrf-token", "forged")
        .send()
        .await;
    assert_eq!((wrong.status, wrong.code().as_str()), (403, "auth.csrf"));
    let ok =
        app.post("dar", "/api/v1/auth/refresh").header("cookie", &cookies).header("x-csrf-token", &csrf).send().await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.cookie("manzil_refresh").is_some(), "rotated into a new cookie");
    // Logout by cookie: CSRF again, then the cookies are cleared.
    let cookies = cookie_header(&ok);
    let csrf = ok.cookie("manzil_csrf").unwrap();
    let no = app.post("dar", "/api/v1/auth/logout").header("cookie", &cookies).send().await;
    assert_eq!(no.status, 403);
    let out =
        app.post("dar", "/api/v1/auth/logout").header("cookie", &cookies).header("x-csrf-token", &csrf).send().await;
    assert_eq!(out.status, 204, "{}", out.body);
    assert!(out.set_cookies().iter().all(|c| c.contains("Max-Age=0")));
}

async fn bare_host_ignores_session_cookies(app: &TestApp) {
    let res = cookie_login(app).await;
    let me = app.get("", "/api/v1/me").header("cookie", &cookie_header(&res)).send().await;
    assert_eq!((me.status, me.code().as_str()), (401, "auth.invalid_token"));
}

crate::on_both_databases!(
    cookie_login_sets_safe_cookies,
    unsafe_cookie_requests_need_the_csrf_header,
    bare_host_ignores_session_cookies,
);
