//! One lead: reading, editing (same normalisation as on create, search column recomputed),
//! assigning, changing the status, deleting.
//!
//! Each write first reads the lead under the caller's rules, so a lead the caller cannot see is
//! [`LeadError::NotFound`] and one they can see but may not change is [`LeadError::Forbidden`].

use serde::Deserialize;
use serde_json::{Map, Value, json};
use store::{Db, StoreError};
use utoipa::ToSchema;

use domain::Locale;

use super::LeadError;
use super::contact::{agency_settings, check_duplicates, normalize_email, normalize_phones, search_text};
use super::create::check_assignee;
use super::fields::{Budget, LeadSource, LeadStatus, Purpose};
use super::view::LeadView;
use crate::actor::Actor;
use crate::records::{present, trimmed};

/// A partial edit: absent fields stay as they are, `null` clears a field that may be empty.
/// The assignee and the status have their own operations.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LeadPatch {
    pub name: Option<String>,
    pub phones: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, example = "en")]
    pub preferred_language: Option<Option<Locale>>,
    pub source: Option<LeadSource>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub source_detail: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Purpose>)]
    pub intent: Option<Option<Purpose>>,
    pub property_types: Option<Vec<String>>,
    pub cities: Option<Vec<String>>,
    pub communities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u16>)]
    pub min_bedrooms: Option<Option<u16>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub budget_min: Option<Option<Budget>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub budget_max: Option<Option<Budget>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub budget_currency: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
}

/// `POST /leads/{id}/assign`: `null` returns the lead to the unassigned pool.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssignLead {
    pub assignee_id: Option<String>,
}

/// `POST /leads/{id}/status`: a LOST lead needs a reason; other statuses take none.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ChangeStatus {
    pub status: LeadStatus,
    pub lost_reason: Option<String>,
}

/// The lead, if the caller may read it.
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<LeadView, LeadError> {
    let row = read_row(db, actor, id).await?;
    LeadView::from_row(row)
}

async fn read_row(db: &Db, actor: &Actor, id: &str) -> Result<Value, LeadError> {
    let row = actor.db(db).run("Lead", "findUnique", &json!({"where": {"id": id}})).await?;
    if row.is_object() { Ok(row) } else { Err(LeadError::NotFound) }
}

/// Writes `data` to a lead the caller has just read: "not found" now means the update rules
/// refused it.
async fn write(db: &Db, actor: &Actor, id: &str, data: Map<String, Value>) -> Result<LeadView, LeadError> {
    let row =
        actor.db(db).run("Lead", "update", &json!({"where": {"id": id}, "data": data})).await.map_err(|e| match e {
            StoreError::NotFound { .. } => LeadError::Forbidden,
            e => e.into(),
        })?;
    LeadView::from_row(row)
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Applies a partial edit; phones and e-mail are normalised and checked for duplicates again,
/// and the search column is recomputed.
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: LeadPatch) -> Result<LeadView, LeadError> {
    let current = read_row(db, actor, id).await?;
    let mut data = Map::new();
    let mut set = |k: &str, v: Value| {
        data.insert(k.to_owned(), v);
    };

    let name = match patch.name {
        Some(n) if n.trim().is_empty() => return Err(LeadError::NameRequired),
        Some(n) => Some(n.trim().to_owned()),
        None => None,
    };
    let phones = match &patch.phones {
        Some(p) => Some(normalize_phones(p, agency_settings(&actor.db(db), actor).await?.country)?),
        None => None,
    };
    let email = match &patch.email {
        Some(e) => Some(normalize_email(e.as_deref())?),
        None => None,
    };
    let new_phones = phones.as_deref().unwrap_or_default();
    let new_email = email.as_ref().and_then(|e| e.as_ref().map(|e| e.normalized()));
    if !new_phones.is_empty() || new_email.is_some() {
        check_duplicates(db, actor, new_phones, new_email, Some(id)).await?;
    }
    let notes = patch.notes.map(trimmed);

    if name.is_some() || phones.is_some() || email.is_some() || notes.is_some() {
        let name = name.clone().or_else(|| text(&current, "name")).unwrap_or_default();
        let stored_phones: Vec<String> = current
            .get("phones")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let all_phones = phones.clone().unwrap_or(stored_phones);
        let email_text = match &email {
            Some(e) => e.as_ref().map(|e| e.as_str().to_owned()),
            None => text(&current, "email"),
        };
        let notes_text = match &notes {
            Some(n) => n.clone(),
            None => text(&current, "notes"),
        };
        set("searchText", json!(search_text(&name, &all_phones, email_text.as_deref(), notes_text.as_deref())));
    }
    if let Some(name) = name {
        set("name", json!(name));
    }
    if let Some(phones) = phones {
        set("primaryPhone", json!(phones.first()));
        set("phones", json!(phones));
    }
    if let Some(email) = email {
        set("email", json!(email.as_ref().map(|e| e.as_str())));
        set("emailNormalized", json!(email.as_ref().map(|e| e.normalized())));
    }
    if let Some(notes) = notes {
        set("notes", json!(notes));
    }
    if let Some(v) = patch.preferred_language {
        set("preferredLanguage", json!(v.map(|l| l.as_str())));
    }
    if let Some(v) = patch.source {
        set("source", json!(v.as_str()));
    }
    if let Some(v) = patch.source_detail {
        set("sourceDetail", json!(trimmed(v)));
    }
    if let Some(v) = patch.intent {
        set("intent", json!(v));
    }
    for (key, list) in
        [("propertyTypes", patch.property_types), ("cities", patch.cities), ("communities", patch.communities)]
    {
        if let Some(list) = list {
            set(key, json!(list));
        }
    }
    if let Some(v) = patch.min_bedrooms {
        set("minBedrooms", json!(v));
    }
    if let Some(v) = patch.budget_min {
        set("budgetMin", json!(v));
    }
    if let Some(v) = patch.budget_max {
        set("budgetMax", json!(v));
    }
    if let Some(v) = patch.budget_currency {
        set("budgetCurrency", json!(trimmed(v)));
    }
    if let Some(v) = patch.tags {
        set("tags", json!(v));
    }
    if data.is_empty() {
        return LeadView::from_row(current);
    }
    write(db, actor, id, data).await
}

/// Gives the lead to an active user of the agency, or back to the pool. The rules allow it to
/// admins and managers (within their team); an agent is refused.
pub async fn assign(db: &Db, actor: &Actor, id: &str, body: AssignLead) -> Result<LeadView, LeadError> {
    read_row(db, actor, id).await?;
    let assignee = match trimmed(body.assignee_id) {
        Some(user) => Some(check_assignee(db, actor, &user).await?),
        None => None,
    };
    let mut data = Map::new();
    data.insert("assigneeId".into(), json!(assignee));
    write(db, actor, id, data).await
}

/// Moves the lead through the pipeline. LOST needs a reason, which is cleared on leaving LOST.
pub async fn change_status(db: &Db, actor: &Actor, id: &str, body: ChangeStatus) -> Result<LeadView, LeadError> {
    let reason = trimmed(body.lost_reason);
    match (body.status, &reason) {
        (LeadStatus::Lost, None) => return Err(LeadError::LostReasonRequired),
        (LeadStatus::Lost, Some(_)) | (_, None) => {}
        (_, Some(_)) => return Err(LeadError::LostReasonNotAllowed),
    }
    read_row(db, actor, id).await?;
    let mut data = Map::new();
    data.insert("status".into(), json!(body.status.as_str()));
    data.insert("lostReason".into(), json!(reason));
    write(db, actor, id, data).await
}

/// Deletes the lead (the rules allow it to admins only: others close it as LOST).
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), LeadError> {
    read_row(db, actor, id).await?;
    actor.db(db).run("Lead", "delete", &json!({"where": {"id": id}, "select": {"id": true}})).await.map_err(
        |e| match e {
            StoreError::NotFound { .. } => LeadError::Forbidden,
            e => e.into(),
        },
    )?;
    Ok(())
}
