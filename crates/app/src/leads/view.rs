//! A lead as the API shows it ([`LeadView`]) and as a caller creates it ([`NewLead`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use domain::Locale;

use super::LeadError;
use super::fields::{Budget, LeadSource, LeadStatus, Purpose};

/// A lead, read under the caller's rules. The stored search column and the normalised e-mail
/// stay inside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LeadView {
    #[schema(example = "0b7f2c9e-3a51-4f8e-9a0d-5c2e1f4b6a77")]
    pub id: String,
    #[schema(example = "أحمد الهاشمي")]
    pub name: String,
    /// E.164 numbers; the first is the primary one.
    #[schema(example = json!(["+971501234567"]))]
    pub phones: Vec<String>,
    pub primary_phone: Option<String>,
    pub email: Option<String>,
    #[schema(value_type = Option<String>, example = "ar")]
    pub preferred_language: Option<Locale>,
    pub source: LeadSource,
    pub source_detail: Option<String>,
    pub status: LeadStatus,
    pub lost_reason: Option<String>,
    pub intent: Option<Purpose>,
    pub property_types: Vec<String>,
    pub cities: Vec<String>,
    pub communities: Vec<String>,
    pub min_bedrooms: Option<i64>,
    /// A decimal string.
    pub budget_min: Option<String>,
    /// A decimal string.
    pub budget_max: Option<String>,
    pub budget_currency: Option<String>,
    pub assignee_id: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub first_response_at: Option<String>,
    #[schema(example = "2026-03-15T09:30:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
}

impl LeadView {
    /// From an engine row (extra columns such as `searchText` are ignored).
    pub(crate) fn from_row(row: Value) -> Result<LeadView, LeadError> {
        serde_json::from_value(row).map_err(|e| LeadError::Unreadable(e.to_string()))
    }
}

/// A new lead. Phones may be typed in local format or with Arabic-Indic digits; they are stored
/// in E.164. Without `assigneeId` the lead is routed (round robin) or, for an agent, theirs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewLead {
    #[schema(example = "أحمد الهاشمي")]
    pub name: String,
    #[serde(default)]
    #[schema(example = json!(["٠٥٠ ١٢٣ ٤٥٦٧"]))]
    pub phones: Vec<String>,
    pub email: Option<String>,
    #[schema(value_type = Option<String>, example = "ar")]
    pub preferred_language: Option<Locale>,
    pub source: Option<LeadSource>,
    pub source_detail: Option<String>,
    pub intent: Option<Purpose>,
    #[serde(default)]
    pub property_types: Vec<String>,
    #[serde(default)]
    pub cities: Vec<String>,
    #[serde(default)]
    pub communities: Vec<String>,
    pub min_bedrooms: Option<u16>,
    pub budget_min: Option<Budget>,
    pub budget_max: Option<Budget>,
    pub budget_currency: Option<String>,
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub notes: Option<String>,
}
