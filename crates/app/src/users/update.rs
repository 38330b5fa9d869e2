//! One user: reading, editing (admins edit everything but the password; a user edits their own
//! name and interface language — the schema's field rules decide, a refused field is 403), and
//! the guard that keeps an agency from losing its last active admin.

use serde::Deserialize;
use serde_json::{Map, Value, json};
use store::Db;
use utoipa::ToSchema;

use domain::{Locale, Role};

use super::view::UserView;
use super::{UserError, fields};
use crate::actor::Actor;
use crate::auth::refresh;
use crate::records::{RecordError, Records, present, trimmed};

const USERS: Records = Records::new("User");

/// A partial edit: absent fields stay as they are. Only admins may set `email`, `role`,
/// `teamId`, `languages` and `active`; anyone may set their own `name` and `locale`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UserPatch {
    pub name: Option<String>,
    #[schema(value_type = Option<String>, example = "en")]
    pub locale: Option<Locale>,
    pub email: Option<String>,
    #[schema(value_type = Option<String>, example = "MANAGER")]
    pub role: Option<Role>,
    /// A team of the agency, or `null` for none.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub team_id: Option<Option<String>>,
    pub languages: Option<Vec<String>>,
    /// `false` deactivates the user: they lose access at their next request and every login of
    /// theirs is revoked. `true` lets them sign in again.
    pub active: Option<bool>,
}

/// What a user may change on their own profile.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MePatch {
    pub name: Option<String>,
    #[schema(value_type = Option<String>, example = "en")]
    pub locale: Option<Locale>,
}

/// The caller's own profile, read under the caller's rules.
pub async fn me(db: &Db, actor: &Actor) -> Result<UserView, UserError> {
    let row = actor.db(db).run("User", "findUnique", &json!({"where": {"id": actor.user_id}})).await?;
    UserView::from_row(&row).ok_or(UserError::NotFound)
}

/// A colleague, if the caller may read them (anyone of the same agency).
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<UserView, UserError> {
    Ok(USERS.get(db, actor, id).await?)
}

/// Edits the caller's own name and interface language.
pub async fn update_me(db: &Db, actor: &Actor, patch: MePatch) -> Result<UserView, UserError> {
    let patch = UserPatch { name: patch.name, locale: patch.locale, ..UserPatch::default() };
    update(db, actor, &actor.user_id, patch).await
}

/// Applies a partial edit under the caller's rules.
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: UserPatch) -> Result<UserView, UserError> {
    let current = USERS.row(db, actor, id).await?;
    let mut data = Map::new();
    if let Some(name) = &patch.name {
        data.insert("name".into(), json!(fields::name(name)?));
    }
    if let Some(locale) = patch.locale {
        data.insert("locale".into(), json!(locale.as_str()));
    }
    if let Some(email) = &patch.email {
        data.insert("email".into(), json!(fields::email(email)?));
    }
    if let Some(role) = patch.role {
        data.insert("role".into(), json!(role.as_str()));
    }
    if let Some(team) = &patch.team_id {
        let team = match trimmed(team.clone()) {
            Some(team) => Some(fields::team(db, actor, &team).await?),
            None => None,
        };
        data.insert("teamId".into(), json!(team));
    }
    if let Some(languages) = &patch.languages {
        data.insert("languages".into(), json!(fields::languages(languages)?));
    }
    if let Some(active) = patch.active {
        data.insert("active".into(), json!(active));
    }
    // Only an admin may change roles or activity; anyone else is refused by the rules below.
    if actor.role == Role::Admin && loses_admin(&current, &patch) {
        keep_an_admin(db, actor, id).await?;
    }
    let conflict = RecordError::Conflict { code: "user.email_taken", field: "email" };
    let user: UserView = USERS.update(db, actor, id, current.clone(), data, Some(conflict)).await?;
    let was_active = current.get("active").and_then(Value::as_bool).unwrap_or(false);
    if was_active && !user.active {
        refresh::revoke_user(db, &user.id).await?;
    }
    Ok(user)
}

/// Whether the patch takes an active admin's role or activity away.
fn loses_admin(current: &Value, patch: &UserPatch) -> bool {
    let is_admin = current.get("role").and_then(Value::as_str) == Some(Role::Admin.as_str());
    let is_active = current.get("active").and_then(Value::as_bool).unwrap_or(false);
    is_admin && is_active && (patch.role.is_some_and(|r| r != Role::Admin) || patch.active == Some(false))
}

/// Refuses the change when no other active admin would be left in the agency.
///
/// Two admins demoting each other at the same instant could both pass this check; the agency
/// would then need `manzil user create --role ADMIN` to recover.
async fn keep_an_admin(db: &Db, actor: &Actor, id: &str) -> Result<(), UserError> {
    let args = json!({"where": {"role": "ADMIN", "active": true, "id": {"not": id}}});
    let others = actor.db(db).run("User", "count", &args).await?;
    if others.as_u64().unwrap_or(0) == 0 { Err(UserError::LastAdmin) } else { Ok(()) }
}
