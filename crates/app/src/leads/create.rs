//! Creating a lead: normalise, refuse duplicates, choose the assignee, insert under the caller's
//! rules (the engine's audit hook records it).

use serde_json::{Value, json};
use store::{Db, StoreError};

use domain::Role;

use super::contact::{agency_settings, check_duplicates, normalize_email, normalize_phones, search_text};
use super::routing::next_agent;
use super::view::{LeadView, NewLead};
use super::{LeadError, LeadSource};
use crate::actor::Actor;

/// Creates a lead in the caller's agency.
///
/// The assignee: the one given (checked to be an active user of the agency; the rules decide
/// whether the caller may give it to them); else, for an agent, the agent; else, in a
/// round-robin agency, the next agent in line; else nobody.
pub async fn create(db: &Db, actor: &Actor, new: NewLead) -> Result<LeadView, LeadError> {
    create_with_id(db, actor, new, None).await
}

/// [`create`] with a chosen id: callers that must create a lead at most once for one thing (an
/// inbound message's unknown sender) derive it from that thing, so two concurrent or retried
/// attempts cannot make twins — the second insert meets the first's key and is answered as a
/// duplicate.
pub(crate) async fn create_with_id(
    db: &Db,
    actor: &Actor,
    new: NewLead,
    id: Option<String>,
) -> Result<LeadView, LeadError> {
    let client = actor.db(db);
    let name = new.name.trim();
    if name.is_empty() {
        return Err(LeadError::NameRequired);
    }
    let settings = agency_settings(&client, actor).await?;
    let phones = normalize_phones(&new.phones, settings.country)?;
    let email = normalize_email(new.email.as_deref())?;
    check_duplicates(db, actor, &phones, email.as_ref().map(|e| e.normalized()), None).await?;

    let assignee = match new.assignee_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => Some(check_assignee(db, actor, id).await?),
        None if actor.role == Role::Agent => Some(actor.user_id.clone()),
        None if settings.round_robin => next_agent(db, actor, new.preferred_language).await?,
        None => None,
    };

    let notes = new.notes.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let data = json!({
        "name": name,
        "phones": phones,
        "primaryPhone": phones.first(),
        "email": email.as_ref().map(|e| e.as_str()),
        "emailNormalized": email.as_ref().map(|e| e.normalized()),
        "preferredLanguage": new.preferred_language.map(|l| l.as_str()),
        "source": new.source.unwrap_or(LeadSource::Other).as_str(),
        "sourceDetail": new.source_detail,
        "intent": new.intent,
        "propertyTypes": new.property_types,
        "cities": new.cities,
        "communities": new.communities,
        "minBedrooms": new.min_bedrooms,
        "budgetMin": new.budget_min,
        "budgetMax": new.budget_max,
        "budgetCurrency": new.budget_currency,
        "assigneeId": assignee,
        "tags": new.tags,
        "notes": notes,
        "searchText": search_text(name, &phones, email.as_ref().map(|e| e.as_str()), notes),
    });
    let mut data = data;
    if let (Some(id), Some(map)) = (id, data.as_object_mut()) {
        map.insert("id".to_owned(), json!(id));
    }
    let row = client.run("Lead", "create", &json!({ "data": data })).await.map_err(|e| match e {
        StoreError::UniqueViolation { .. } => LeadError::Duplicate { field: "id", existing_id: None },
        e => e.into(),
    })?;
    LeadView::from_row(row)
}

/// The id of an active user of the caller's agency (read under the caller's rules: every member
/// sees their colleagues), else [`LeadError::InvalidAssignee`].
pub(super) async fn check_assignee(db: &Db, actor: &Actor, id: &str) -> Result<String, LeadError> {
    let row = actor
        .db(db)
        .run("User", "findFirst", &json!({"where": {"id": id, "active": true}, "select": {"id": true}}))
        .await?;
    row.get("id").and_then(Value::as_str).map(str::to_owned).ok_or(LeadError::InvalidAssignee)
}
