//! The session cookies of the web UI: `manzil_access` and `manzil_refresh` (HttpOnly), and
//! `manzil_csrf` (readable by the page's script, echoed in `X-CSRF-Token`: double submit).

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;

use crate::error::ApiError;

pub const ACCESS: &str = "manzil_access";
pub const REFRESH: &str = "manzil_refresh";
pub const CSRF: &str = "manzil_csrf";
/// The header a cookie-authenticated unsafe request must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// Checks the double-submit token: the `X-CSRF-Token` header equals the `manzil_csrf` cookie.
pub fn check_csrf(headers: &HeaderMap) -> Result<(), ApiError> {
    let cookie = get(headers, CSRF).ok_or_else(ApiError::csrf)?;
    let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).ok_or_else(ApiError::csrf)?;
    if bool::from(cookie.as_bytes().ct_eq(sent.as_bytes())) { Ok(()) } else { Err(ApiError::csrf()) }
}

/// Refuses a cookie sign-in made from another site (login CSRF: signing the victim's browser in
/// to the attacker's account). The JSON body already forces a CORS preflight that a foreign page
/// cannot pass; this checks what browsers say about the page that sent it: `Sec-Fetch-Site` must
/// be `same-origin` or `none` (typed by the user), and an `Origin` must name the request's host.
/// Clients that send neither (curl, tests) are not browsers and pass.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return Err(ApiError::csrf());
    }
    if let Some(origin) = text("origin") {
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
        let host = text("host").unwrap_or_default();
        if origin_host.is_empty() || !origin_host.eq_ignore_ascii_case(host) {
            return Err(ApiError::csrf());
        }
    }
    Ok(())
}

/// A fresh random CSRF token.
pub fn new_csrf_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// One `Set-Cookie` value. `http_only` is false only for the CSRF cookie.
pub fn set(name: &str, value: &str, max_age_secs: u64, http_only: bool, secure: bool) -> Option<HeaderValue> {
    let mut v = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        v.push_str("; HttpOnly");
    }
    if secure {
        v.push_str("; Secure");
    }
    HeaderValue::from_str(&v).ok()
}

/// `Set-Cookie` values that remove the three session cookies.
pub fn clear_all(secure: bool) -> impl Iterator<Item = HeaderValue> {
    [(ACCESS, true), (REFRESH, true), (CSRF, false)]
        .into_iter()
        .filter_map(move |(name, http_only)| set(name, "", 0, http_only, secure))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_and_checks_csrf() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; manzil_csrf=tok; manzil_access=jwt"));
        assert_eq!(get(&h, ACCESS).as_deref(), Some("jwt"));
        assert!(check_csrf(&h).is_err());
        h.insert(CSRF_HEADER, HeaderValue::from_static("tok"));
        assert!(check_csrf(&h).is_ok());
        h.insert(CSRF_HEADER, HeaderValue::from_static("other"));
        assert!(check_csrf(&h).is_err());
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn cookie_sign_in_only_from_the_same_site() {
        let ok = |pairs| check_same_origin(&headers(pairs)).is_ok();
        assert!(ok(&[]));
        assert!(ok(&[("host", "dar.localhost:8080"), ("origin", "http://dar.localhost:8080")]));
        assert!(ok(&[("sec-fetch-site", "same-origin"), ("host", "dar.localhost")]));
        assert!(!ok(&[("host", "dar.localhost:8080"), ("origin", "http://evil.example")]));
        assert!(!ok(&[("host", "dar.localhost:8080"), ("origin", "null")]));
        assert!(!ok(&[("sec-fetch-site", "cross-site")]));
        assert!(!ok(&[("sec-fetch-site", "same-site"), ("host", "dar.localhost")]));
    }
}
