//! Teams: groups of agents led by a manager. Everyone in the agency reads them (with their
//! members); only admins create, edit and delete them — the schema's rules decide. Membership is
//! a user's `teamId`, changed through the Users API; deleting a team leaves its members without
//! one.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use store::Db;
use utoipa::ToSchema;

use domain::Role;

use crate::actor::Actor;
use crate::page::Sort;
use crate::records::{Page, PageQuery, RecordError, Records, present, trimmed};

const TEAMS: Records = Records::new("Team");

/// The orders a caller may ask for.
pub const SORT_FIELDS: &[&str] = &["name", "createdAt"];
/// Alphabetical.
pub const DEFAULT_SORT: Sort = Sort { field: "name", desc: false };

/// A team with its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamView {
    #[schema(example = "9a3e5b1c-2d4f-4e6a-8b7c-0d1e2f3a4b5c")]
    pub id: String,
    #[schema(example = "Marina")]
    pub name: String,
    /// An active MANAGER or ADMIN of the agency, or none.
    pub manager_id: Option<String>,
    /// The users whose `teamId` is this team, by name.
    #[serde(default)]
    pub members: Vec<TeamMember>,
    #[schema(example = "2026-03-15T09:30:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
}

/// A member as a team shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    #[schema(value_type = String, example = "AGENT")]
    pub role: Role,
    pub active: bool,
}

/// `POST /teams`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewTeam {
    #[schema(example = "Marina")]
    pub name: String,
    /// An active MANAGER or ADMIN of the agency.
    pub manager_id: Option<String>,
}

/// `PATCH /teams/{id}`: absent fields stay as they are; `managerId: null` removes the manager.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TeamPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub manager_id: Option<Option<String>>,
}

/// One page of the agency's teams, each with its members.
pub async fn list(db: &Db, actor: &Actor, page: PageQuery) -> Result<Page<TeamView>, RecordError> {
    let mut page: Page<TeamView> = TEAMS.page(db, actor, Vec::new(), page, SORT_FIELDS, DEFAULT_SORT).await?;
    let ids: Vec<&str> = page.items.iter().map(|t| t.id.as_str()).collect();
    let rows = members(db, actor, json!({"teamId": {"in": ids}})).await?;
    for team in &mut page.items {
        team.members = rows
            .iter()
            .filter(|(team_id, _)| team_id.as_deref() == Some(team.id.as_str()))
            .map(|(_, m)| m.clone())
            .collect();
    }
    Ok(page)
}

/// The team, if the caller may read it (anyone in the agency).
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<TeamView, RecordError> {
    with_members(db, actor, TEAMS.get(db, actor, id).await?).await
}

/// Creates a team (admins).
pub async fn create(db: &Db, actor: &Actor, new: NewTeam) -> Result<TeamView, RecordError> {
    let mut data = Map::new();
    data.insert("name".into(), json!(name(&new.name)?));
    if let Some(manager) = trimmed(new.manager_id) {
        data.insert("managerId".into(), json!(manager_of(db, actor, &manager).await?));
    }
    let team = TEAMS.create(db, actor, Value::Object(data), None).await?;
    with_members(db, actor, team).await
}

/// Renames the team or changes its manager (admins).
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: TeamPatch) -> Result<TeamView, RecordError> {
    let current = TEAMS.row(db, actor, id).await?;
    let mut data = Map::new();
    if let Some(n) = &patch.name {
        data.insert("name".into(), json!(name(n)?));
    }
    if let Some(manager) = patch.manager_id {
        let manager = match trimmed(manager) {
            Some(m) => Some(manager_of(db, actor, &m).await?),
            None => None,
        };
        data.insert("managerId".into(), json!(manager));
    }
    let team = TEAMS.update(db, actor, id, current, data, None).await?;
    with_members(db, actor, team).await
}

/// Deletes the team (admins); its members are left without a team.
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    TEAMS.delete(db, actor, id).await
}

fn name(input: &str) -> Result<String, RecordError> {
    let name = input.trim();
    if name.is_empty() { Err(RecordError::invalid("team.name_required", "name")) } else { Ok(name.to_owned()) }
}

/// The manager's id when it names an active MANAGER or ADMIN of the caller's agency.
async fn manager_of(db: &Db, actor: &Actor, id: &str) -> Result<String, RecordError> {
    let args = json!({
        "where": {"id": id, "active": true, "role": {"in": [Role::Manager.as_str(), Role::Admin.as_str()]}},
        "select": {"id": true},
    });
    let row = actor.db(db).run("User", "findFirst", &args).await.map_err(RecordError::Store)?;
    match row.get("id").and_then(Value::as_str) {
        Some(id) => Ok(id.to_owned()),
        None => Err(RecordError::invalid("team.invalid_manager", "managerId")),
    }
}

async fn with_members(db: &Db, actor: &Actor, mut team: TeamView) -> Result<TeamView, RecordError> {
    team.members = members(db, actor, json!({"teamId": team.id})).await?.into_iter().map(|(_, m)| m).collect();
    Ok(team)
}

/// The members matching `filter`, by name, each with their team id.
async fn members(db: &Db, actor: &Actor, filter: Value) -> Result<Vec<(Option<String>, TeamMember)>, RecordError> {
    let args = json!({
        "where": filter,
        "select": {"id": true, "name": true, "role": true, "active": true, "teamId": true},
        "orderBy": [{"name": "asc"}, {"id": "asc"}],
    });
    let rows = actor.db(db).run("User", "findMany", &args).await.map_err(RecordError::Store)?;
    let Value::Array(rows) = rows else { return Ok(Vec::new()) };
    rows.into_iter()
        .map(|row| {
            let team = row.get("teamId").and_then(Value::as_str).map(str::to_owned);
            Ok((team, crate::records::view(row)?))
        })
        .collect()
}
