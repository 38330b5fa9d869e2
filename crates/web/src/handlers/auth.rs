//! `POST /api/v1/auth/login`, `/refresh` and `/logout`. API clients get tokens in the body; the
//! web UI asks for cookies (`"cookie": true`) and then sends them back with a CSRF header.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use app::auth::Session;
use app::users::UserView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::is_secure;
use crate::client_ip::ClientIp;
use crate::cookies;
use crate::error::ApiError;
use crate::host::{AgencyHost, HostTenant};
use crate::json::{ApiJson, MaybeJson};

/// The login form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Set by the web UI: answer with session cookies instead of tokens in the body.
    #[serde(default)]
    pub cookie: bool,
}

/// A refresh or logout by an API client (the web UI sends the cookie and no body).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A session for an API client: the tokens in the body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: u64,
    pub refresh_token: String,
    pub user: UserView,
}

/// A session for the web UI: the tokens travel in `HttpOnly` cookies; the body names the user
/// and the CSRF token to send back in `X-CSRF-Token` on writes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CookieSessionResponse {
    pub user: UserView,
    pub expires_in: u64,
    pub csrf_token: String,
}

/// Tokens in the body, for API clients.
pub(crate) fn token_body(s: &Session) -> Response {
    Json(TokenResponse {
        access_token: s.access_token.clone(),
        token_type: "Bearer",
        expires_in: s.expires_in.as_secs(),
        refresh_token: s.refresh_token.clone(),
        user: s.user.clone(),
    })
    .into_response()
}

/// The session cookies of `s` (access, refresh, and a new CSRF token), with that token.
pub(crate) fn session_cookies(s: &Session, secure: bool, refresh_ttl: Duration) -> (String, Vec<HeaderValue>) {
    let csrf = cookies::new_csrf_token();
    let values = [
        cookies::set(cookies::ACCESS, &s.access_token, s.expires_in.as_secs(), true, secure),
        cookies::set(cookies::REFRESH, &s.refresh_token, refresh_ttl.as_secs(), true, secure),
        cookies::set(cookies::CSRF, &csrf, refresh_ttl.as_secs(), false, secure),
    ];
    (csrf, values.into_iter().flatten().collect())
}

/// Session cookies, for the web UI; the body names the user and the CSRF token.
pub(crate) fn cookie_body(s: &Session, secure: bool, refresh_ttl: Duration) -> Response {
    let (csrf, values) = session_cookies(s, secure, refresh_ttl);
    let body = CookieSessionResponse { user: s.user.clone(), expires_in: s.expires_in.as_secs(), csrf_token: csrf };
    let mut res = Json(body).into_response();
    for v in values {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Signs in with e-mail and password on an agency's host.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Tokens in the body, or with `\"cookie\": true` session cookies", body = TokenResponse),
        (status = 400, description = "`request.invalid`, `request.malformed_json`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_credentials`", body = ErrorBody),
        (status = 403, description = "`auth.csrf`: a cookie sign-in sent from another site (`Origin` or `Sec-Fetch-Site`)", body = ErrorBody),
        (status = 404, description = "`tenant.not_found`: not an agency's host", body = ErrorBody),
        (status = 429, description = "`auth.rate_limited`, with `Retry-After`", body = ErrorBody),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    AgencyHost(tenant): AgencyHost,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    if body.cookie {
        cookies::check_same_origin(&headers)?;
    }
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

/// Rotates the refresh token and issues a new access token. The same token shown again within
/// `auth.refresh_grace_secs` (30 s) of its rotation gets the same successor (parallel requests);
/// later it is reuse and ends the login.
#[utoipa::path(
    post,
    path = "/api/v1/auth/refresh",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "API clients; the web UI sends the refresh cookie and `X-CSRF-Token` instead"),
    responses(
        (status = 200, description = "Rotated tokens (or cookies); a repeat within the grace window gets the same successor", body = TokenResponse),
        (status = 401, description = "`auth.invalid_token` (also a rotated token shown after the grace window: the login is revoked)", body = ErrorBody),
        (status = 403, description = "`auth.csrf`", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "API clients; the web UI sends the refresh cookie and `X-CSRF-Token` instead"),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`auth.csrf`", body = ErrorBody),
    )
)]
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
