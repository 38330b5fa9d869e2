//! One activity: creating (references checked, the caller as assignee by default), reading,
//! editing, marking done and open again, deleting. The rules decide who may do what; the checks
//! here turn a reference the caller cannot use into a 400 that names the field.

use chrono::{SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use store::Db;

use super::ACTIVITIES;
use super::view::{ActivityPatch, ActivityView, NewActivity};
use crate::actor::Actor;
use crate::deals::{active_user, instant_field, readable};
use crate::records::{RecordError, trimmed};

/// Creates an activity in the caller's agency; the creator is the caller (the schema's default).
/// Without `assigneeId` the caller is the assignee; with `null`, nobody.
pub async fn create(db: &Db, actor: &Actor, new: NewActivity) -> Result<ActivityView, RecordError> {
    let title = title(new.title)?;
    let lead_id = trimmed(Some(new.lead_id)).ok_or_else(invalid_lead)?;
    check_lead(db, actor, &lead_id).await?;
    let property_id = match trimmed(new.property_id) {
        Some(id) => Some(check_property(db, actor, &id).await?),
        None => None,
    };
    let deal_id = match trimmed(new.deal_id) {
        Some(id) => Some(check_deal(db, actor, &id, &lead_id).await?),
        None => None,
    };
    let assignee_id = match new.assignee_id {
        None => Some(actor.user_id.clone()),
        Some(id) => check_assignee(db, actor, id).await?,
    };
    let data = json!({
        "type": new.kind.as_str(),
        "leadId": lead_id,
        "propertyId": property_id,
        "dealId": deal_id,
        "title": title,
        "body": trimmed(new.body),
        "dueAt": due(new.due_at)?,
        "assigneeId": assignee_id,
    });
    ACTIVITIES.create(db, actor, data, None).await
}

/// The activity, if the caller may read it.
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<ActivityView, RecordError> {
    ACTIVITIES.get(db, actor, id).await
}

/// Applies a partial edit. A deal stays one of the activity's lead: moving the activity to
/// another lead while it names a deal of the old one is refused (`activity.invalid_deal`).
pub async fn update(db: &Db, actor: &Actor, id: &str, patch: ActivityPatch) -> Result<ActivityView, RecordError> {
    let current = ACTIVITIES.row(db, actor, id).await?;
    let text = |key: &str| current.get(key).and_then(Value::as_str).map(str::to_owned);
    let mut data = Map::new();
    if let Some(kind) = patch.kind {
        data.insert("type".into(), json!(kind.as_str()));
    }
    let lead_id = match patch.lead_id {
        Some(lead) => {
            let lead = trimmed(Some(lead)).ok_or_else(invalid_lead)?;
            check_lead(db, actor, &lead).await?;
            data.insert("leadId".into(), json!(lead));
            Some(lead)
        }
        None => None,
    };
    let deal_given = patch.deal_id.is_some();
    let deal_id = match patch.deal_id {
        Some(deal) => trimmed(deal),
        // The lead changes under a deal the activity names: that deal must follow.
        None if lead_id.is_some() => text("dealId"),
        None => None,
    };
    if let Some(deal) = &deal_id {
        let lead = lead_id.clone().or_else(|| text("leadId")).unwrap_or_default();
        check_deal(db, actor, deal, &lead).await?;
    }
    if deal_given {
        data.insert("dealId".into(), json!(deal_id));
    }
    if let Some(property) = patch.property_id {
        let property = match trimmed(property) {
            Some(id) => Some(check_property(db, actor, &id).await?),
            None => None,
        };
        data.insert("propertyId".into(), json!(property));
    }
    if let Some(t) = patch.title {
        data.insert("title".into(), json!(title(t)?));
    }
    if let Some(body) = patch.body {
        data.insert("body".into(), json!(trimmed(body)));
    }
    if let Some(when) = patch.due_at {
        data.insert("dueAt".into(), json!(due(when)?));
    }
    if let Some(assignee) = patch.assignee_id {
        data.insert("assigneeId".into(), json!(check_assignee(db, actor, assignee).await?));
    }
    ACTIVITIES.update(db, actor, id, current, data, None).await
}

/// Marks the activity done now; one already done keeps its time.
pub async fn done(db: &Db, actor: &Actor, id: &str) -> Result<ActivityView, RecordError> {
    let current = ACTIVITIES.row(db, actor, id).await?;
    let mut data = Map::new();
    if current.get("doneAt").is_none_or(Value::is_null) {
        data.insert("doneAt".into(), json!(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)));
    }
    ACTIVITIES.update(db, actor, id, current, data, None).await
}

/// Marks the activity open again.
pub async fn reopen(db: &Db, actor: &Actor, id: &str) -> Result<ActivityView, RecordError> {
    let current = ACTIVITIES.row(db, actor, id).await?;
    let mut data = Map::new();
    if current.get("doneAt").is_some_and(|v| !v.is_null()) {
        data.insert("doneAt".into(), Value::Null);
    }
    ACTIVITIES.update(db, actor, id, current, data, None).await
}

/// Deletes the activity (the rules allow it to its creator and to admins).
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    ACTIVITIES.delete(db, actor, id).await
}

fn invalid_lead() -> RecordError {
    RecordError::invalid("activity.invalid_lead", "leadId")
}

fn title(input: String) -> Result<String, RecordError> {
    trimmed(Some(input)).ok_or_else(|| RecordError::invalid("activity.title_required", "title"))
}

fn due(input: Option<String>) -> Result<Option<String>, RecordError> {
    trimmed(input).map(|s| instant_field(&s, "activity.invalid_date", "dueAt")).transpose()
}

async fn check_lead(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    readable(db, actor, "Lead", id, &[]).await?.map(|_| ()).ok_or_else(invalid_lead)
}

async fn check_property(db: &Db, actor: &Actor, id: &str) -> Result<String, RecordError> {
    match readable(db, actor, "Property", id, &[]).await? {
        Some(_) => Ok(id.to_owned()),
        None => Err(RecordError::invalid("activity.invalid_property", "propertyId")),
    }
}

/// A deal the caller may read, of lead `lead_id`; else `activity.invalid_deal`.
async fn check_deal(db: &Db, actor: &Actor, id: &str, lead_id: &str) -> Result<String, RecordError> {
    let deal = readable(db, actor, "Deal", id, &["leadId"]).await?;
    match deal {
        Some(d) if d.get("leadId").and_then(Value::as_str) == Some(lead_id) => Ok(id.to_owned()),
        _ => Err(RecordError::invalid("activity.invalid_deal", "dealId")),
    }
}

/// `null` (or blank) is nobody; an id must be an active user of the agency.
async fn check_assignee(db: &Db, actor: &Actor, id: Option<String>) -> Result<Option<String>, RecordError> {
    match trimmed(id) {
        None => Ok(None),
        Some(id) if active_user(db, actor, &id).await? => Ok(Some(id)),
        Some(_) => Err(RecordError::invalid("activity.invalid_assignee", "assigneeId")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_due_times() {
        assert_eq!(title("  اتصال  ".into()).unwrap(), "اتصال");
        assert!(matches!(title("  ".into()), Err(RecordError::Invalid { code: "activity.title_required", .. })));
        assert_eq!(due(Some("2026-03-20T14:00:00+04:00".into())).unwrap().as_deref(), Some("2026-03-20T10:00:00.000Z"));
        assert!(matches!(due(Some("soon".into())), Err(RecordError::Invalid { code: "activity.invalid_date", .. })));
    }
}
