//! `POST /api/v1/auth/login`, `/refresh` and `/logout`. API clients get tokens in the body; the
//! web UI asks for cookies (`"cookie": true`) and then sends them back with a CSRF header.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use app::auth::Session;

use crate::AppState;
use crate::auth::{ClientIp, is_secure};
use crate::cookies;
use crate::error::ApiError;
use crate::host::{AgencyHost, HostTenant};
use crate::json::{ApiJson, MaybeJson};

/// The login form.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Set by the web UI: answer with session cookies instead of tokens in the body.
    #[serde(default)]
    pub cookie: bool,
}

/// A refresh or logout by an API client (the web UI sends the cookie and no body).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens in the body, for API clients.
fn token_body(s: &Session) -> Response {
    Json(json!({
        "accessToken": s.access_token,
        "tokenType": "Bearer",
        "expiresIn": s.expires_in.as_secs(),
        "refreshToken": s.refresh_token,
        "user": s.user,
    }))
    .into_response()
}

/// Session cookies, for the web UI; the body names the user and the CSRF token.
fn cookie_body(s: &Session, secure: bool, refresh_ttl: Duration) -> Response {
    let csrf = cookies::new_csrf_token();
    let mut res = Json(json!({"user": s.user, "expiresIn": s.expires_in.as_secs(), "csrfToken": csrf})).into_response();
    let values = [
        cookies::set(cookies::ACCESS, &s.access_token, s.expires_in.as_secs(), true, secure),
        cookies::set(cookies::REFRESH, &s.refresh_token, refresh_ttl.as_secs(), true, secure),
        cookies::set(cookies::CSRF, &csrf, refresh_ttl.as_secs(), false, secure),
    ];
    for v in values.into_iter().flatten() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Signs in with e-mail and password on an agency's host.
pub async fn login(
    State(state): State<AppState>,
    AgencyHost(tenant): AgencyHost,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let session = state.app.auth.login(&tenant, &body.email, body.password, ip.as_deref()).await?;
    tracing::info!(user_id = %session.user.id, tenant_id = %tenant.id, "login");
    Ok(if body.cookie {
        cookie_body(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl)
    } else {
        token_body(&session)
    })
}

/// The refresh token of the request: from the body (no CSRF needed), else from the session
/// cookie (the CSRF header is then required). `true` when it came from the cookie.
fn refresh_token(body: Option<RefreshRequest>, headers: &HeaderMap) -> Result<(String, bool), ApiError> {
    match body {
        Some(b) => Ok((b.refresh_token, false)),
        None => {
            let token = cookies::get(headers, cookies::REFRESH).ok_or_else(ApiError::invalid_token)?;
            cookies::check_csrf(headers)?;
            Ok((token, true))
        }
    }
}

/// Rotates the refresh token and issues a new access token.
pub async fn refresh(
    State(state): State<AppState>,
    host: HostTenant,
    headers: HeaderMap,
    uri: Uri,
    MaybeJson(body): MaybeJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let (token, from_cookie) = refresh_token(body, &headers)?;
    let session = state.app.auth.refresh(&token, host.tenant()).await?;
    Ok(if from_cookie {
        cookie_body(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl)
    } else {
        token_body(&session)
    })
}

/// Ends the login: every refresh token of its family is revoked, the cookies are cleared.
pub async fn logout(
    State(state): State<AppState>,
    host: HostTenant,
    headers: HeaderMap,
    uri: Uri,
    MaybeJson(body): MaybeJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let (token, _) = refresh_token(body, &headers)?;
    state.app.auth.logout(&token, host.tenant()).await?;
    let mut res = StatusCode::NO_CONTENT.into_response();
    for v in cookies::clear_all(is_secure(&state, &headers, &uri)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(res)
}
