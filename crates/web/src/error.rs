//! The one error type of the HTTP layer. Feature errors map into it once, here; it renders as
//! `{"error": {"code": "lead.not_found", "message": "…"}}`, the message in the caller's language
//! (filled in by [`crate::locale::localize_errors`]).

use std::borrow::Cow;

use app::audit::AuditError;
use app::auth::AuthError;
use app::inbox::conversations::InboxError;
use app::leads::LeadError;
use app::page::PageError;
use app::records::RecordError;
use app::tenants::TenantError;
use app::users::UserError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::Locale;
use serde_json::{Map, Value, json};
use store::StoreError;

use crate::messages::message;

/// An error answer: an HTTP status and a stable machine code the UI can translate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Cow<'static, str>,
    /// Seconds, for 429 answers.
    pub retry_after: Option<u64>,
    /// Machine-readable details next to `code` and `message` (e.g. `field`, `existingId`).
    pub details: Map<String, Value>,
}

/// Marks a response as an [`ApiError`] so the localizer can rewrite its message.
#[derive(Debug, Clone)]
pub(crate) struct ErrorCode(pub Cow<'static, str>, pub Map<String, Value>);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self { status, code: Cow::Borrowed(code), retry_after: None, details: Map::new() }
    }

    /// Adds a detail to the error body (`{"error": {"code", "message", key: value}}`).
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_owned(), value.into());
        self
    }

    /// 404 `<model>.not_found` (`AuditEvent` → `audit_event.not_found`).
    pub fn not_found(model: &str) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            code: Cow::Owned(format!("{}.not_found", snake(model))),
            retry_after: None,
            details: Map::new(),
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
    pub(crate) fn body(code: &str, details: &Map<String, Value>, locale: Locale) -> Value {
        let mut error = json!({"code": code, "message": message(code, locale)});
        if let Value::Object(o) = &mut error {
            o.extend(details.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        json!({ "error": error })
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
        let mut res = (self.status, axum::Json(Self::body(&self.code, &self.details, Locale::En))).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(ErrorCode(self.code, self.details));
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
            UserError::InvalidEmail(..) => {
                ApiError::new(StatusCode::BAD_REQUEST, "user.invalid_email").with("field", "email")
            }
            UserError::WeakPassword => ApiError::new(StatusCode::BAD_REQUEST, "user.weak_password"),
            UserError::EmailTaken => ApiError::new(StatusCode::CONFLICT, "user.email_taken").with("field", "email"),
            UserError::LastAdmin => ApiError::new(StatusCode::BAD_REQUEST, "user.last_admin"),
            UserError::WrongPassword => {
                ApiError::new(StatusCode::BAD_REQUEST, "user.wrong_password").with("field", "currentPassword")
            }
            e @ UserError::Hashing(_) => ApiError::internal(&e),
            UserError::Record(e) => e.into(),
            UserError::Auth(e) => e.into(),
            UserError::Store(e) => e.into(),
        }
    }
}

impl From<PageError> for ApiError {
    fn from(e: PageError) -> Self {
        match e {
            PageError::Limit => ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", "limit"),
            PageError::Sort => ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", "sort"),
            PageError::Cursor => ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_cursor"),
        }
    }
}

impl From<LeadError> for ApiError {
    fn from(e: LeadError) -> Self {
        let bad = |code| ApiError::new(StatusCode::BAD_REQUEST, code);
        match e {
            LeadError::NotFound => ApiError::not_found("Lead"),
            LeadError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "policy.denied"),
            LeadError::NameRequired => bad("lead.name_required").with("field", "name"),
            LeadError::InvalidPhone { field, .. } => bad("lead.invalid_phone").with("field", field),
            LeadError::InvalidEmail(_) => bad("lead.invalid_email").with("field", "email"),
            LeadError::InvalidAssignee => bad("lead.invalid_assignee").with("field", "assigneeId"),
            LeadError::Duplicate { field, existing_id } => {
                let err = ApiError::new(StatusCode::CONFLICT, "lead.duplicate").with("field", field);
                match existing_id {
                    Some(id) => err.with("existingId", id),
                    None => err,
                }
            }
            LeadError::LostReasonRequired => bad("lead.lost_reason_required").with("field", "lostReason"),
            LeadError::LostReasonNotAllowed => bad("lead.lost_reason_not_allowed").with("field", "lostReason"),
            LeadError::InvalidDate(field) => bad("request.invalid_query").with("field", field),
            e @ LeadError::Unreadable(_) => ApiError::internal(&e),
            LeadError::Page(e) => e.into(),
            LeadError::Store(e) => e.into(),
        }
    }
}

impl From<RecordError> for ApiError {
    fn from(e: RecordError) -> Self {
        match e {
            RecordError::NotFound(model) => ApiError::not_found(model),
            RecordError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "policy.denied"),
            RecordError::Invalid { code, field } => {
                ApiError::new(StatusCode::BAD_REQUEST, code).with("field", field.into_owned())
            }
            RecordError::Conflict { code, field } => ApiError::new(StatusCode::CONFLICT, code).with("field", field),
            e @ RecordError::Unreadable(_) => ApiError::internal(&e),
            RecordError::Page(e) => e.into(),
            RecordError::Store(e) => e.into(),
        }
    }
}

impl From<InboxError> for ApiError {
    fn from(e: InboxError) -> Self {
        match e {
            InboxError::Record(e) => e.into(),
            InboxError::WindowClosed => {
                ApiError::new(StatusCode::CONFLICT, "whatsapp.window_closed").with("hint", "template")
            }
            InboxError::OptedOut => ApiError::new(StatusCode::CONFLICT, "channel.opted_out"),
            InboxError::ChannelInactive => ApiError::new(StatusCode::CONFLICT, "channel.inactive"),
        }
    }
}

impl From<AuditError> for ApiError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Page(e) => e.into(),
            AuditError::Store(e) => e.into(),
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
    fn lead_errors_carry_their_details() {
        let hidden = ApiError::from(LeadError::Duplicate { field: "phones", existing_id: None });
        assert_eq!((hidden.status, hidden.code.as_ref()), (StatusCode::CONFLICT, "lead.duplicate"));
        assert_eq!(hidden.details.get("field"), Some(&json!("phones")));
        assert!(!hidden.details.contains_key("existingId"));
        let seen = ApiError::from(LeadError::Duplicate { field: "email", existing_id: Some("l1".into()) });
        assert_eq!(seen.details.get("existingId"), Some(&json!("l1")));
        let body = ApiError::body(&seen.code, &seen.details, Locale::En);
        assert_eq!(body["error"]["existingId"], "l1");
        assert_eq!(ApiError::from(LeadError::NotFound).code, "lead.not_found");
        assert_eq!(ApiError::from(LeadError::Forbidden).status, StatusCode::FORBIDDEN);
        assert_eq!(ApiError::from(LeadError::Page(PageError::Cursor)).code, "request.invalid_cursor");
    }

    #[test]
    fn user_errors_map_to_stable_codes() {
        let last = ApiError::from(UserError::LastAdmin);
        assert_eq!((last.status, last.code.as_ref()), (StatusCode::BAD_REQUEST, "user.last_admin"));
        let wrong = ApiError::from(UserError::WrongPassword);
        assert_eq!(wrong.details.get("field"), Some(&json!("currentPassword")));
        let taken =
            ApiError::from(UserError::Record(RecordError::Conflict { code: "user.email_taken", field: "email" }));
        assert_eq!((taken.status, taken.code.as_ref()), (StatusCode::CONFLICT, "user.email_taken"));
        let limited = ApiError::from(UserError::Auth(AuthError::RateLimited(std::time::Duration::from_secs(30))));
        assert_eq!((limited.status, limited.retry_after), (StatusCode::TOO_MANY_REQUESTS, Some(30)));
        assert_eq!(ApiError::from(UserError::NotFound).code, "user.not_found");
    }

    #[test]
    fn policy_and_input_errors_map_to_stable_codes() {
        assert_eq!(ApiError::from(StoreError::InvalidInput("x".into())).code, "request.invalid");
        assert_eq!(ApiError::from(StoreError::UniqueViolation { constraint: "c".into() }).status, StatusCode::CONFLICT);
    }
}
