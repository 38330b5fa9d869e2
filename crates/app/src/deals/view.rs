//! A deal as the API shows it ([`DealView`]), as a caller creates it ([`NewDeal`]) and edits it
//! ([`DealPatch`]). Amounts travel as decimal strings (numbers are accepted on input).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::links::not_null;
use super::stage::DealStage;
use crate::leads::Budget;
use crate::records::present;

/// A deal, read under the caller's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DealView {
    #[schema(example = "5d1c7a0e-2b4f-4e8a-9c3d-1f6e0a2b7c94")]
    pub id: String,
    pub lead_id: String,
    /// The listing the deal is for, if any.
    pub property_id: Option<String>,
    pub stage: DealStage,
    /// A decimal string.
    #[schema(example = "1850000.00")]
    pub value: String,
    /// ISO 4217.
    #[schema(example = "AED")]
    pub currency: String,
    /// A decimal string. `null` when unset — and for a caller the rules hide it from (only
    /// admins, managers and the deal's agent read it).
    #[schema(example = "37000.00")]
    pub commission: Option<String>,
    /// The agent working the deal.
    pub agent_id: Option<String>,
    #[schema(example = "2026-06-30T00:00:00.000Z")]
    pub expected_close_at: Option<String>,
    #[schema(example = "2026-03-15T09:30:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
}

/// A new deal. Without `agentId` the deal is the calling agent's (for an admin or a manager: the
/// lead's assignee, when active); without `currency`, the agency's.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewDeal {
    /// A lead the caller may read.
    pub lead_id: String,
    /// A listing of the agency.
    pub property_id: Option<String>,
    /// A non-negative decimal, as a string or a number.
    #[schema(value_type = String, example = "1850000")]
    pub value: Budget,
    /// Three letters (ISO 4217); the agency's currency when absent.
    #[schema(example = "AED")]
    pub currency: Option<String>,
    /// Admins and managers only: the rules refuse it from an agent (403).
    #[schema(value_type = Option<String>, example = "37000")]
    pub commission: Option<Budget>,
    /// An active user of the agency.
    pub agent_id: Option<String>,
    /// A date (`2026-06-30`) or RFC 3339.
    #[schema(example = "2026-06-30")]
    pub expected_close_at: Option<String>,
}

/// A partial edit: absent fields stay as they are, `null` clears an optional one. The stage has
/// its own operation; `leadId`, `agentId` and `commission` are for admins and managers.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DealPatch {
    #[serde(default, deserialize_with = "not_null")]
    pub lead_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub property_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = Option<String>)]
    pub value: Option<Budget>,
    #[serde(default, deserialize_with = "not_null")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub commission: Option<Option<Budget>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub agent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub expected_close_at: Option<Option<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_tell_absent_from_null_and_refuse_null_where_a_value_is_required() {
        let p: DealPatch = serde_json::from_str(r#"{"commission": null, "value": "12.5"}"#).unwrap();
        assert_eq!(p.commission, Some(None));
        assert_eq!(p.value.as_ref().map(Budget::as_str), Some("12.5"));
        assert_eq!(p.agent_id, None);
        assert!(serde_json::from_str::<DealPatch>(r#"{"value": null}"#).is_err());
        assert!(serde_json::from_str::<DealPatch>(r#"{"value": "-3"}"#).is_err());
        assert!(serde_json::from_str::<DealPatch>(r#"{"stage": "OFFER"}"#).is_err());
    }
}
