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
}
