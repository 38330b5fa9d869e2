//! A listing as the API shows it ([`PropertyView`]), as a caller creates it ([`NewProperty`])
//! and edits it ([`PropertyPatch`]).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::fields::{AmountInput, ListingStatus};
use crate::leads::Purpose;
use crate::records::present;

/// A listing, read under the caller's rules. `ownerName` and `ownerPhone` are `null` for a
/// caller the schema hides them from (an agent who is not the listing agent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PropertyView {
    #[schema(example = "4c1e7a2b-9f3d-4e8a-b6c5-2d7f0a9e1b34")]
    pub id: String,
    /// The agency's own reference, unique in the agency.
    #[schema(example = "DAR-1024")]
    pub reference: String,
    #[schema(example = "Marina view, two bedrooms")]
    pub title_en: String,
    #[schema(example = "شقة بغرفتين بإطلالة على المارينا")]
    pub title_ar: String,
    pub description_en: Option<String>,
    pub description_ar: Option<String>,
    pub purpose: Purpose,
    /// `APARTMENT`, `VILLA`, `TOWNHOUSE`, `OFFICE`, `LAND`, …
    #[serde(rename = "type")]
    #[schema(example = "APARTMENT")]
    pub kind: String,
    #[schema(example = "دبي")]
    pub city: String,
    pub community: Option<String>,
    pub bedrooms: Option<i64>,
    pub bathrooms: Option<i64>,
    pub area_sqm: Option<f64>,
    /// A decimal string.
    #[schema(example = "1250000")]
    pub price: String,
    #[schema(example = "AED")]
    pub currency: String,
    pub status: ListingStatus,
    pub listing_agent_id: Option<String>,
    /// `null` unless the caller is an admin, a manager or the listing agent.
    pub owner_name: Option<String>,
    /// E.164; `null` unless the caller is an admin, a manager or the listing agent.
    pub owner_phone: Option<String>,
    pub permit_number: Option<String>,
    pub permit_expires_at: Option<String>,
    /// File ids, in display order.
    pub photos: Vec<String>,
    #[schema(example = "2026-03-15T09:30:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
}

/// A new listing. Without `listingAgentId`, an agent's listing is theirs (the rules allow an
/// agent no other); an admin's or a manager's has no listing agent.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewProperty {
    #[schema(example = "DAR-1024")]
    pub reference: String,
    #[schema(example = "Marina view, two bedrooms")]
    pub title_en: String,
    #[schema(example = "شقة بغرفتين بإطلالة على المارينا")]
    pub title_ar: String,
    pub description_en: Option<String>,
    pub description_ar: Option<String>,
    pub purpose: Purpose,
    /// Stored upper case, spaces and dashes as `_`.
    #[serde(rename = "type")]
    #[schema(example = "APARTMENT")]
    pub kind: String,
    #[schema(example = "دبي")]
    pub city: String,
    pub community: Option<String>,
    pub bedrooms: Option<i64>,
    pub bathrooms: Option<i64>,
    /// Greater than zero.
    pub area_sqm: Option<f64>,
    /// A non-negative decimal, as a string (or a JSON number).
    #[schema(value_type = String, example = "1250000")]
    pub price: AmountInput,
    /// Three upper-case letters (ISO 4217); default: the agency's currency.
    #[schema(example = "AED")]
    pub currency: Option<String>,
    /// Default `DRAFT`.
    pub status: Option<ListingStatus>,
    pub listing_agent_id: Option<String>,
    pub owner_name: Option<String>,
    /// Local format or international; stored in E.164 (read with the agency's country).
    #[schema(example = "050 123 4567")]
    pub owner_phone: Option<String>,
    pub permit_number: Option<String>,
    /// RFC 3339, or a date (its start, UTC).
    #[schema(example = "2027-01-31")]
    pub permit_expires_at: Option<String>,
    /// Ids of files the caller may read, in display order.
    #[serde(default)]
    pub photos: Vec<String>,
}

/// A partial edit: absent fields stay as they are, `null` clears a field that may be empty.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PropertyPatch {
    pub reference: Option<String>,
    pub title_en: Option<String>,
    pub title_ar: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description_en: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description_ar: Option<Option<String>>,
    pub purpose: Option<Purpose>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub city: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub community: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub bedrooms: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<i64>)]
    pub bathrooms: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<f64>)]
    pub area_sqm: Option<Option<f64>>,
    #[schema(value_type = Option<String>, example = "1195000")]
    pub price: Option<AmountInput>,
    pub currency: Option<String>,
    pub status: Option<ListingStatus>,
    /// Admins and managers only; `null` leaves the listing without an agent.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub listing_agent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub owner_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub owner_phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub permit_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub permit_expires_at: Option<Option<String>>,
    pub photos: Option<Vec<String>>,
}
