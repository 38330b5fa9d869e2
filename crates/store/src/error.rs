//! The engine's errors, mirroring ZenStack v3's: `not-found`, `rejected-by-policy` (with a reason),
//! `invalid-input`, `db-error`.

use serde::Serialize;

/// Why a policy rejected an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RejectReason {
    /// The operation is not allowed.
    NoAccess,
    /// The mutation was done, but its result may not be read back.
    CannotReadBack,
    /// Anything else (e.g. a rule cycle).
    Other,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::NoAccess => "no-access",
            RejectReason::CannotReadBack => "cannot-read-back",
            RejectReason::Other => "other",
        }
    }
}

/// The rule that denied an operation (only computed when the caller asks: `Client::explain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeniedBy {
    pub model: String,
    /// `allow` (no allow rule held: lists the first allow rule) or `deny` (this deny fired).
    pub kind: String,
    pub line: u32,
    pub source: String,
}

/// An engine error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the rules hide it (the two are indistinguishable on purpose).
    #[error("{model} not found")]
    NotFound { model: String },
    /// The rules reject the operation.
    #[error("{message}")]
    RejectedByPolicy { model: String, reason: RejectReason, message: String, denied_by: Option<Box<DeniedBy>> },
    /// The arguments do not fit the schema.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A unique constraint was violated (the constraint or its columns, as the database names them).
    #[error("unique constraint violated: {constraint}")]
    UniqueViolation { constraint: String },
    /// Any other database failure.
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
}

impl StoreError {
    pub(crate) fn not_found(model: &str) -> Self {
        StoreError::NotFound { model: model.to_owned() }
    }

    pub(crate) fn rejected(model: &str, reason: RejectReason, message: impl Into<String>) -> Self {
        StoreError::RejectedByPolicy { model: model.to_owned(), reason, message: message.into(), denied_by: None }
    }

    pub(crate) fn invalid(msg: impl Into<String>) -> Self {
        StoreError::InvalidInput(msg.into())
    }

    /// The stable kind name used by `manzil policy exec` and the conformance suite.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::NotFound { .. } => "not-found",
            StoreError::RejectedByPolicy { .. } => "rejected-by-policy",
            StoreError::InvalidInput(_) => "invalid-input",
            StoreError::UniqueViolation { .. } | StoreError::Db(_) => "db-error",
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.is_unique_violation()
        {
            let constraint = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            return StoreError::UniqueViolation { constraint };
        }
        StoreError::Db(e)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
