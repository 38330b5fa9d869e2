//! Users of an agency: creating one as the system (CLI, sign-up), and the Users API — listing
//! colleagues, adding, reading and editing users under the caller's rules, the caller's own
//! profile and password. There is no delete: a user who leaves is deactivated (`active: false`),
//! which keeps their leads, deals and history attributed.

mod create;
mod fields;
mod link;
mod list;
mod password;
mod update;
mod view;

pub use create::{AddUser, NewUser, add, create};
pub use link::{SetPasswordLink, link_user, set_password_link, set_password_with_link};
pub use list::{ListUsers, list};
pub use password::{ChangePassword, change_password};
pub use update::{MePatch, UserPatch, get, me, update, update_me};
pub use view::UserView;

use store::StoreError;

use crate::auth::AuthError;
use crate::records::RecordError;

/// Why a user use case failed.
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("no agency with the subdomain `{0}`")]
    TenantNotFound(String),
    #[error("`{0}` is not a valid e-mail address: {1}")]
    InvalidEmail(String, domain::EmailError),
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("a user with this e-mail exists in this agency")]
    EmailTaken,
    #[error("the user was not found")]
    NotFound,
    /// The change would leave the agency without an active admin.
    #[error("the agency must keep at least one active admin")]
    LastAdmin,
    /// A password change named the wrong current password.
    #[error("the current password is wrong")]
    WrongPassword,
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// Input, visibility and rule errors shared with the other record use cases.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// Rate limits and token signing of a password change.
    #[error(transparent)]
    Auth(AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The shortest password accepted (counted in characters).
pub const MIN_PASSWORD_CHARS: usize = 10;
