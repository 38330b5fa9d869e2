//! An activity as the API shows it ([`ActivityView`]), as a caller creates it ([`NewActivity`])
//! and edits it ([`ActivityPatch`]), and its kinds ([`ActivityType`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::deals::not_null;
use crate::records::present;

/// What kind of activity it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivityType {
    Note,
    Call,
    Task,
    Viewing,
    Meeting,
}

impl ActivityType {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityType::Note => "NOTE",
            ActivityType::Call => "CALL",
            ActivityType::Task => "TASK",
            ActivityType::Viewing => "VIEWING",
            ActivityType::Meeting => "MEETING",
        }
    }
}

/// An activity, read under the caller's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActivityView {
    #[schema(example = "9a4e1b7c-0d2f-4c6a-8e5b-3f7d2c1a0b96")]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    pub lead_id: String,
    pub property_id: Option<String>,
    pub deal_id: Option<String>,
    #[schema(example = "اتصال متابعة بخصوص الفيلا")]
    pub title: String,
    pub body: Option<String>,
    #[schema(example = "2026-03-20T10:00:00.000Z")]
    pub due_at: Option<String>,
    /// When it was marked done; `null` while open.
    pub done_at: Option<String>,
    pub assignee_id: Option<String>,
    /// Who logged it (set by the server).
    pub created_by_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// A new activity. Without `assigneeId` it is the caller's; `null` leaves it unassigned.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewActivity {
    #[serde(rename = "type")]
    pub kind: ActivityType,
    /// A lead the caller may read.
    pub lead_id: String,
    /// A listing of the agency.
    pub property_id: Option<String>,
    /// A deal of the same lead that the caller may read.
    pub deal_id: Option<String>,
    #[schema(example = "اتصال متابعة بخصوص الفيلا")]
    pub title: String,
    pub body: Option<String>,
    /// A date (its midnight, UTC) or RFC 3339.
    #[schema(example = "2026-03-20T14:00:00+04:00")]
    pub due_at: Option<String>,
    /// An active user of the agency (an agent may name only themselves).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
}

/// A partial edit: absent fields stay as they are, `null` clears an optional one. Done and
/// reopen have their own operations; `leadId` and `assigneeId` are for admins and managers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ActivityPatch {
    #[serde(default, rename = "type", deserialize_with = "not_null")]
    #[schema(value_type = Option<ActivityType>)]
    pub kind: Option<ActivityType>,
    #[serde(default, deserialize_with = "not_null")]
    pub lead_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub property_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub deal_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub body: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub due_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignee_absent_differs_from_null() {
        let base = r#""type": "task", "leadId": "l1", "title": "t""#;
        assert!(serde_json::from_str::<NewActivity>(&format!("{{{base}}}")).is_err(), "types are upper-case");
        let base = base.replace("task", "TASK");
        let absent: NewActivity = serde_json::from_str(&format!("{{{base}}}")).unwrap();
        assert_eq!((absent.kind, absent.assignee_id), (ActivityType::Task, None));
        let null: NewActivity = serde_json::from_str(&format!("{{{base}, \"assigneeId\": null}}")).unwrap();
        assert_eq!(null.assignee_id, Some(None));
        assert!(serde_json::from_str::<ActivityPatch>(r#"{"title": null}"#).is_err());
        assert!(serde_json::from_str::<ActivityPatch>(r#"{"doneAt": "2026-01-01"}"#).is_err());
    }
}
