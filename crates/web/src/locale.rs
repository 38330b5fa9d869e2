//! Choosing the language of an answer: the user's own, else `Accept-Language` (`ar`/`en`), else
//! the agency's default, else English. Extractors learn the user and the agency during the
//! request and note them in a [`LocaleSlot`]; [`localize_errors`] writes error messages after.

use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Locale;

use crate::error::{ApiError, ErrorCode};

/// What the request has learnt about the caller's language so far.
#[derive(Debug, Default, Clone)]
pub struct LocaleSlot(Arc<Mutex<Prefs>>);

#[derive(Debug, Default)]
struct Prefs {
    user: Option<Locale>,
    tenant: Option<Locale>,
}

impl LocaleSlot {
    pub fn set_user(&self, l: Locale) {
        if let Ok(mut p) = self.0.lock() {
            p.user = Some(l);
        }
    }

    pub fn set_tenant(&self, l: Locale) {
        if let Ok(mut p) = self.0.lock() {
            p.tenant = Some(l);
        }
    }

    fn choose(&self, accept: Option<Locale>) -> Locale {
        let (user, tenant) = self.0.lock().map(|p| (p.user, p.tenant)).unwrap_or_default();
        user.or(accept).or(tenant).unwrap_or(Locale::En)
    }
}

/// The supported language an `Accept-Language` header asks for, if any.
pub fn accepted(header: &str) -> Option<Locale> {
    // `from_accept_language` answers its fallback when nothing matches: ask with both.
    let a = Locale::from_accept_language(header, Locale::Ar);
    (a == Locale::from_accept_language(header, Locale::En)).then_some(a)
}

/// Middleware: gives every request a [`LocaleSlot`], and rewrites [`ApiError`] bodies in the
/// chosen language.
pub async fn localize_errors(mut req: Request, next: Next) -> Response {
    let slot = LocaleSlot::default();
    req.extensions_mut().insert(slot.clone());
    let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(accepted);
    let res = next.run(req).await;
    let Some(ErrorCode(code, details)) = res.extensions().get::<ErrorCode>().cloned() else { return res };
    let locale = slot.choose(accept);
    let (mut parts, _) = res.into_parts();
    let body = axum::Json(ApiError::body(&code, &details, locale)).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_LANGUAGE, header::HeaderValue::from_static(locale.as_str()));
    Response::from_parts(parts, body.into_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_only_when_supported() {
        assert_eq!(accepted("fr, ar;q=0.4"), Some(Locale::Ar));
        assert_eq!(accepted("fr"), None);
        let slot = LocaleSlot::default();
        slot.set_tenant(Locale::Ar);
        assert_eq!(slot.choose(None), Locale::Ar);
        assert_eq!(slot.choose(Some(Locale::En)), Locale::En);
        slot.set_user(Locale::Ar);
        assert_eq!(slot.choose(Some(Locale::En)), Locale::Ar);
    }
}
