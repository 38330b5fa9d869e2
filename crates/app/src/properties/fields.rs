//! What a listing holds beyond free text: its status (as in `schema.zmodel`), its type as a
//! stored key, an amount as sent, and the folded search column (shared with the CSV import).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::{fold_search, search_key};

/// Where a listing is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ListingStatus {
    Draft,
    Available,
    Reserved,
    Sold,
    Rented,
    Withdrawn,
}

impl ListingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ListingStatus::Draft => "DRAFT",
            ListingStatus::Available => "AVAILABLE",
            ListingStatus::Reserved => "RESERVED",
            ListingStatus::Sold => "SOLD",
            ListingStatus::Rented => "RENTED",
            ListingStatus::Withdrawn => "WITHDRAWN",
        }
    }
}

/// An amount as a client sent it — a JSON string or number — checked by the use case, so a bad
/// one is answered on its field (`property.invalid_price`) instead of as a shapeless 400.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum AmountInput {
    Text(String),
    Number(serde_json::Number),
}

impl AmountInput {
    /// The amount's text (a number as JSON writes it).
    pub fn text(&self) -> String {
        match self {
            AmountInput::Text(s) => s.clone(),
            AmountInput::Number(n) => n.to_string(),
        }
    }
}

/// A property type as stored: trimmed, upper case, spaces and dashes as `_` (`town house` →
/// `TOWN_HOUSE`). The CSV import and the matcher use the same key.
pub fn type_key(input: &str) -> String {
    input.trim().to_uppercase().replace([' ', '-'], "_")
}

/// The stored, folded search column of a listing: reference, both titles, city and community.
/// The API and the CSV import both write it with this function, and the list's `q` is folded the
/// same way ([`fold_search`]).
pub fn search_text(reference: &str, title_en: &str, title_ar: &str, city: &str, community: Option<&str>) -> String {
    search_key(&[reference, title_en, title_ar, city, community.unwrap_or_default()])
}

/// Two place or type names are the same once folded (case, Arabic spelling variants, digits).
pub fn same_name(a: &str, b: &str) -> bool {
    let a = fold_search(a);
    !a.is_empty() && a == fold_search(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_search_text() {
        assert_eq!(type_key(" town house "), "TOWN_HOUSE");
        assert_eq!(type_key("pent-house"), "PENT_HOUSE");
        let text = search_text("DA-101", "Marina view", "إطلالة المارينا", "دبي", Some("الإمارات هيلز"));
        assert!(text.contains("da-101"));
        assert!(text.contains(&fold_search("الامارات")), "{text}");
        assert!(same_name("Dubai Marina", "dubai  marina"));
        assert!(same_name("الإمارات", "الامارات"));
        assert!(!same_name("", ""));
        assert_eq!(serde_json::to_string(&ListingStatus::Available).unwrap(), "\"AVAILABLE\"");
        let n: AmountInput = serde_json::from_str("1250000").unwrap();
        assert_eq!(n.text(), "1250000");
    }
}
