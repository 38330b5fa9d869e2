//! One deal: creating (references checked, the agency's currency by default), reading, editing
//! and deleting. The rules decide who may do what; the checks here turn a reference the caller
//! cannot use into a 400 that names the field.

use serde_json::{Map, Value, json};
use store::Db;

use domain::Role;

use super::DEALS;
use super::links::{active_user, instant_field, readable};
use super::stage::DealStage;
use super::view::{DealPatch, DealView, NewDeal};
use crate::actor::Actor;
use crate::records::{RecordError, trimmed, view};

/// Creates a deal in the caller's agency.
///
/// The agent: the one given (an active user of the agency; the rules decide whether the caller
/// may give the deal to them); else, for an agent, the agent; else the lead's assignee when
/// active; else nobody. An agent may not set a commission (the rules refuse it: 403). The deal
/// starts as an OFFER.
pub async fn create(db: &Db, actor: &Actor, new: NewDeal) -> Result<DealView, RecordError> {
    create_in(db, actor, new, DealStage::Offer).await
}

/// [`create`], starting in `stage` (the lead page's form lets an agent record a deal already
/// reserved or under contract). The API keeps stages to their own operation.
pub async fn create_in(db: &Db, actor: &Actor, new: NewDeal, stage: DealStage) -> Result<DealView, RecordError> {
    let lead_id = trimmed(Some(new.lead_id)).ok_or_else(|| RecordError::invalid("deal.invalid_lead", "leadId"))?;
    let lead = check_lead(db, actor, &lead_id).await?;
    let property_id = match trimmed(new.property_id) {
        Some(id) => Some(check_property(db, actor, &id).await?),
        None => None,
    };
    let currency = match new.currency {
        Some(c) => currency(&c)?,
        None => agency_currency(db, actor).await?,
    };
    let agent_id = match trimmed(new.agent_id) {
        Some(id) => Some(check_agent(db, actor, &id).await?),
        None if actor.role == Role::Agent => Some(actor.user_id.clone()),
        None => match lead.get("assigneeId").and_then(Value::as_str) {
            Some(id) if active_user(db, actor, id).await? => Some(id.to_owned()),
            _ => None,
        },
    };
    let expected_close_at = expected_close(new.expected_close_at)?;
    let data = json!({
        "leadId": lead_id,
        "propertyId": property_id,
        "value": new.value,
        "currency": currency,
        "commission": new.commission,
        "agentId": agent_id,
        "expectedCloseAt": expected_close_at,
        "stage": stage.as_str(),
    });
    DEALS.create(db, actor, data, None).await
}

/// The deal, if the caller may read it.
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<DealView, RecordError> {
    DEALS.get(db, actor, id).await
}

/// Applies a partial edit. A closed deal is final for an agent (403), as its stage is.
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: DealPatch) -> Result<DealView, RecordError> {
    let current = DEALS.row(db, actor, id).await?;
    let deal: DealView = view(current.clone())?;
    if deal.stage.is_closed() && actor.role == Role::Agent {
        return Err(RecordError::Forbidden);
    }
    let mut data = Map::new();
    if let Some(lead) = patch.lead_id {
        let lead = trimmed(Some(lead)).ok_or_else(|| RecordError::invalid("deal.invalid_lead", "leadId"))?;
        check_lead(db, actor, &lead).await?;
        data.insert("leadId".into(), json!(lead));
    }
    if let Some(property) = patch.property_id {
        let property = match trimmed(property) {
            Some(id) => Some(check_property(db, actor, &id).await?),
            None => None,
        };
        data.insert("propertyId".into(), json!(property));
    }
    if let Some(value) = patch.value {
        data.insert("value".into(), json!(value));
    }
    if let Some(c) = patch.currency {
        data.insert("currency".into(), json!(currency(&c)?));
    }
    if let Some(commission) = patch.commission {
        data.insert("commission".into(), json!(commission));
    }
    if let Some(agent) = patch.agent_id {
        let agent = match trimmed(agent) {
            Some(id) => Some(check_agent(db, actor, &id).await?),
            None => None,
        };
        data.insert("agentId".into(), json!(agent));
    }
    if let Some(when) = patch.expected_close_at {
        data.insert("expectedCloseAt".into(), json!(expected_close(when)?));
    }
    DEALS.update(db, actor, id, current, data, None).await
}

/// Deletes the deal (the rules allow it to admins only: others close it as CLOSED_LOST).
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    DEALS.delete(db, actor, id).await
}

/// The lead's id and assignee, if the caller may read it; else `deal.invalid_lead`.
async fn check_lead(db: &Db, actor: &Actor, id: &str) -> Result<Value, RecordError> {
    readable(db, actor, "Lead", id, &["assigneeId"])
        .await?
        .ok_or_else(|| RecordError::invalid("deal.invalid_lead", "leadId"))
}

async fn check_property(db: &Db, actor: &Actor, id: &str) -> Result<String, RecordError> {
    match readable(db, actor, "Property", id, &[]).await? {
        Some(_) => Ok(id.to_owned()),
        None => Err(RecordError::invalid("deal.invalid_property", "propertyId")),
    }
}

async fn check_agent(db: &Db, actor: &Actor, id: &str) -> Result<String, RecordError> {
    if active_user(db, actor, id).await? {
        Ok(id.to_owned())
    } else {
        Err(RecordError::invalid("deal.invalid_agent", "agentId"))
    }
}

fn expected_close(input: Option<String>) -> Result<Option<String>, RecordError> {
    trimmed(input).map(|s| instant_field(&s, "deal.invalid_date", "expectedCloseAt")).transpose()
}

/// An ISO 4217-shaped code: three letters, stored upper-case.
fn currency(input: &str) -> Result<String, RecordError> {
    let code = input.trim();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(code.to_ascii_uppercase())
    } else {
        Err(RecordError::invalid("deal.invalid_currency", "currency"))
    }
}

/// The agency's currency (`Tenant.currency`), read under the caller's rules.
async fn agency_currency(db: &Db, actor: &Actor) -> Result<String, RecordError> {
    let settings = crate::tenants::settings(&actor.db(db), &actor.tenant_id).await.map_err(RecordError::Store)?;
    settings.and_then(|s| s.currency).ok_or_else(|| RecordError::Unreadable("the agency's currency".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_are_three_letters() {
        assert_eq!(currency(" aed ").unwrap(), "AED");
        assert!(matches!(currency("DHS1"), Err(RecordError::Invalid { code: "deal.invalid_currency", .. })));
        assert!(currency("د.إ").is_err());
        assert!(currency("").is_err());
    }

    #[test]
    fn expected_close_dates() {
        assert_eq!(expected_close(Some("2026-06-30".into())).unwrap().as_deref(), Some("2026-06-30T00:00:00.000Z"));
        assert_eq!(expected_close(Some("  ".into())).unwrap(), None);
        assert!(expected_close(Some("next week".into())).is_err());
    }
}
