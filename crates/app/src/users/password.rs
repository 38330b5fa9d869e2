//! The caller's password change: the current password is checked (under the login rate limit),
//! the new one stored as an argon2id hash, every login of the user revoked, and a new login
//! opened for the caller — so other devices must sign in again and this one carries on.

use serde::Deserialize;
use serde_json::json;
use store::Db;
use utoipa::ToSchema;

use super::{UserError, fields, me};
use crate::actor::Actor;
use crate::auth::{AuthError, AuthService, Session, refresh};

/// `POST /me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangePassword {
    pub current_password: String,
    /// At least 10 characters.
    pub new_password: String,
}

/// Changes the caller's password and answers the caller's new login. `ip` feeds the rate limit.
pub async fn change_password(
    db: &Db,
    auth: &AuthService,
    actor: &Actor,
    body: ChangePassword,
    ip: Option<&str>,
) -> Result<Session, UserError> {
    fields::check_strength(&body.new_password, "newPassword")?;
    auth.verify_password(actor, body.current_password, ip).await.map_err(|e| match e {
        AuthError::InvalidCredentials => UserError::WrongPassword,
        e => UserError::Auth(e),
    })?;
    let hash = fields::hash_password(body.new_password, "newPassword").await?;
    db.as_system("users: store a new password hash")
        .run("User", "update", &json!({"where": {"id": actor.user_id}, "data": {"passwordHash": hash}}))
        .await?;
    refresh::revoke_user(db, &actor.user_id).await?;
    let user = me(db, actor).await?;
    auth.start_session(user).await.map_err(UserError::Auth)
}
