//! Set-password links: an admin hands an invited colleague (or one who forgot their password) a
//! link; whoever opens it sets the password once and is signed in. The token is stateless
//! ([`crate::auth::invite`]): signed, 7 days, bound to the user's password hash as it was.
//!
//! Who may write: making a link is an admin's act under their rules (the user is read as the
//! admin, so another agency's user is not found, and anyone but an admin is refused). Redeeming
//! it has no signed-in caller: the link itself is the authority — the server checks its
//! signature, expiry, agency (the host's), that the user is active and that their password hash
//! is still the one the link was made for, then writes the new hash as the system (the rules
//! never let anyone write `passwordHash`) with a guard on the old hash, so two uses of one link
//! cannot both succeed.

use serde_json::{Value, json};
use store::Db;

use domain::Role;

use super::view::UserView;
use super::{UserError, fields, get};
use crate::actor::Actor;
use crate::auth::{AuthError, AuthService, Session, refresh};
use crate::records::RecordError;
use crate::tenants::Tenant;

/// A link an admin made: the token for `/invite/{token}` and when it stops working.
#[derive(Debug, Clone)]
pub struct SetPasswordLink {
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub user: UserView,
}

/// A set-password link for user `id` of the caller's agency (admins; the user must be active).
pub async fn set_password_link(
    db: &Db,
    auth: &AuthService,
    actor: &Actor,
    id: &str,
) -> Result<SetPasswordLink, UserError> {
    let user = get(db, actor, id).await?;
    if actor.role != Role::Admin {
        return Err(UserError::Record(RecordError::Forbidden));
    }
    if !user.active {
        return Err(UserError::Record(RecordError::invalid("user.inactive", "id")));
    }
    let (token, expires_at) = auth.set_password_link(&user).await.map_err(UserError::Auth)?;
    Ok(SetPasswordLink { token, expires_at, user })
}

/// The user a link of agency `tenant` is for, while it still works (`Auth(InvalidToken)` else).
pub async fn link_user(auth: &AuthService, tenant: &Tenant, token: &str) -> Result<UserView, UserError> {
    let (user, _) = auth.check_set_password_link(token, tenant).await.map_err(UserError::Auth)?;
    Ok(user)
}

/// Sets the password of the link's user and opens a login for them. A link that no longer works
/// is `Auth(InvalidToken)`, a short password `Record(Invalid user.weak_password)`: nothing changes
/// in either case. Every other login of the user ends (a reset link after a lost device).
pub async fn set_password_with_link(
    db: &Db,
    auth: &AuthService,
    tenant: &Tenant,
    token: &str,
    new_password: String,
) -> Result<Session, UserError> {
    let (user, old_hash) = auth.check_set_password_link(token, tenant).await.map_err(UserError::Auth)?;
    let hash = fields::hash_password(new_password, "password").await?;
    let out = db
        .as_system("users: set a password through a set-password link")
        .run(
            "User",
            "updateMany",
            &json!({"where": {"id": user.id, "tenantId": tenant.id, "active": true, "passwordHash": old_hash},
                    "data": {"passwordHash": hash}}),
        )
        .await?;
    if out.get("count").and_then(Value::as_u64) != Some(1) {
        // Used (or the user changed) between the check and the write.
        return Err(UserError::Auth(AuthError::InvalidToken));
    }
    refresh::revoke_user(db, &user.id).await?;
    auth.start_session(user).await.map_err(UserError::Auth)
}
