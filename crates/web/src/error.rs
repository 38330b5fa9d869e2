//! The one error type of the HTTP layer. Feature errors map into it once, here; it renders as
//! `{"error": {"code": "lead.not_found", "message": "…"}}`, the message in the caller's language
//! (filled in by [`crate::locale::localize_errors`]).

use std::borrow::Cow;

use app::auth::AuthError;
use app::tenants::TenantError;
use app::users::UserError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Locale;
use serde_json::json;
use store::StoreError;

use crate::messages::message;

/// An error answer: an HTTP status and a stable machine code the UI can translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    /// Seconds, for 429 answers.
    pub retry_after: Option<u64>,
}

/// Marks a response as an [`ApiError`] so the localizer can rewrite its message.
#[derive(Debug, Clone)]
pub(crate) struct ErrorCode(pub Cow<'static, str>);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self { status, code: Cow::Borrowed(code), retry_after: None }
    }

    /// 404 `<model>.not_found` (`AuditEvent` → `audit_event.not_found`).
    pub fn not_found(model: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: Cow::Owned(format!("{}.not_found", snake(model))),
            retry_after: None,
        }
    }

    pub fn invalid_token() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "auth.invalid_token")
    }

    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "auth.csrf")
    }

    pub fn tenant_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "tenant.not_found")
    }

    pub fn invalid_request() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request.invalid")
    }

    /// 500 `internal`: logs the cause once, never shows it.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    /// The JSON body in `locale`.
    pub(crate) fn body(code: &str, locale: Locale) -> serde_json::Value {
        json!({"error": {"code": code, "message": message(code, locale)}})
    }
}

fn snake(model: &str) -> String {
    let mut out = String::with_capacity(model.len() + 4);
    for (i, c) in model.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(Self::body(&self.code, Locale::En))).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(ErrorCode(self.code));
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { model } => ApiError::not_found(&model),
            StoreError::RejectedByPolicy { .. } => ApiError::new(StatusCode::FORBIDDEN, "policy.denied"),
            StoreError::InvalidInput(_) => ApiError::invalid_request(),
            StoreError::UniqueViolation { .. } => ApiError::new(StatusCode::CONFLICT, "conflict"),
            e @ StoreError::Db(_) => ApiError::internal(&e),
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::InvalidCredentials => ApiError::new(StatusCode::UNAUTHORIZED, "auth.invalid_credentials"),
            AuthError::InvalidToken => ApiError::invalid_token(),
            AuthError::RateLimited(wait) => ApiError {
                retry_after: Some(wait.as_secs().max(1)),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "auth.rate_limited")
            },
            e @ AuthError::Signing(_) => ApiError::internal(&e),
            AuthError::Store(e) => e.into(),
        }
    }
}

impl From<TenantError> for ApiError {
    fn from(e: TenantError) -> Self {
        match e {
            TenantError::NotFound | TenantError::InvalidSlug(..) => ApiError::tenant_not_found(),
            TenantError::SlugTaken(_) => ApiError::new(StatusCode::CONFLICT, "tenant.slug_taken"),
            TenantError::Store(e) => e.into(),
        }
    }
}

impl From<UserError> for ApiError {
    fn from(e: UserError) -> Self {
        match e {
            UserError::NotFound | UserError::TenantNotFound(_) => ApiError::not_found("User"),
            UserError::InvalidEmail(..) | UserError::WeakPassword => ApiError::invalid_request(),
            UserError::EmailTaken => ApiError::new(StatusCode::CONFLICT, "user.email_taken"),
            e @ UserError::Hashing(_) => ApiError::internal(&e),
            UserError::Store(e) => e.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_codes_are_snake_case() {
        assert_eq!(ApiError::not_found("AuditEvent").code, "audit_event.not_found");
        assert_eq!(ApiError::not_found("Lead").code, "lead.not_found");
    }

    #[test]
    fn policy_and_input_errors_map_to_stable_codes() {
        assert_eq!(ApiError::from(StoreError::InvalidInput("x".into())).code, "request.invalid");
        assert_eq!(ApiError::from(StoreError::UniqueViolation { constraint: "c".into() }).status, StatusCode::CONFLICT);
    }
}
