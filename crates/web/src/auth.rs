//! Who is calling: the [`CurrentActor`] extractor (bearer token or session cookie, CSRF for
//! cookie-authenticated writes), and the https test for `Secure` cookies. The client's address
//! is [`crate::client_ip::ClientIp`].

use app::Actor;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use crate::AppState;
use crate::cookies;
use crate::error::ApiError;
use crate::host::HostTenant;
use crate::locale::LocaleSlot;

/// The authenticated caller, loaded fresh from their user row for this request.
#[derive(Debug, Clone)]
pub struct CurrentActor(pub Actor);

/// Where a request's access token came from.
enum Credential {
    Bearer(String),
    Cookie(String),
}

/// A method that changes state and so needs the CSRF header when a cookie authenticates it.
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
}

fn credential(headers: &HeaderMap, host: &HostTenant) -> Result<Credential, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let value = auth.to_str().map_err(|_| ApiError::invalid_token())?;
        return match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
                Ok(Credential::Bearer(token.trim().to_owned()))
            }
            _ => Err(ApiError::invalid_token()),
        };
    }
    // Session cookies belong to an agency's host; the bare host takes bearer tokens only.
    match (host, cookies::get(headers, cookies::ACCESS)) {
        (HostTenant::Tenant(_), Some(token)) => Ok(Credential::Cookie(token)),
        _ => Err(ApiError::invalid_token()),
    }
}

impl FromRequestParts<AppState> for CurrentActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let host = parts.extensions.get::<HostTenant>().cloned().unwrap_or(HostTenant::Bare);
        let token = match credential(&parts.headers, &host)? {
            Credential::Bearer(t) => t,
            Credential::Cookie(t) => {
                if is_unsafe(&parts.method) {
                    cookies::check_csrf(&parts.headers)?;
                }
                t
            }
        };
        let actor = state.app.auth.current_actor(&token, host.tenant()).await?;
        let span = tracing::Span::current();
        span.record("user_id", actor.user_id.as_str());
        span.record("tenant_id", actor.tenant_id.as_str());
        if let Some(slot) = parts.extensions.get::<LocaleSlot>() {
            slot.set_user(actor.locale);
        }
        Ok(CurrentActor(actor))
    }
}

/// Whether cookies must be `Secure`: configured so, or the request came over https (directly or
/// through a proxy that says `X-Forwarded-Proto: https`).
pub fn is_secure(state: &AppState, parts_headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    state.settings.secure_cookies
        || uri.scheme_str() == Some("https")
        || parts_headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}
