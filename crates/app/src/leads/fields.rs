//! The closed vocabularies of a lead (status, source, purpose), as in `schema.zmodel`, and the
//! budget amount.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a lead is in the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeadStatus {
    New,
    Contacted,
    Qualified,
    Viewing,
    Negotiation,
    Won,
    Lost,
}

impl LeadStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadStatus::New => "NEW",
            LeadStatus::Contacted => "CONTACTED",
            LeadStatus::Qualified => "QUALIFIED",
            LeadStatus::Viewing => "VIEWING",
            LeadStatus::Negotiation => "NEGOTIATION",
            LeadStatus::Won => "WON",
            LeadStatus::Lost => "LOST",
        }
    }
}

/// Where a lead came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LeadSource {
    PropertyFinder,
    Bayut,
    Dubizzle,
    Website,
    Whatsapp,
    Referral,
    WalkIn,
    Other,
}

impl LeadSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LeadSource::PropertyFinder => "PROPERTY_FINDER",
            LeadSource::Bayut => "BAYUT",
            LeadSource::Dubizzle => "DUBIZZLE",
            LeadSource::Website => "WEBSITE",
            LeadSource::Whatsapp => "WHATSAPP",
            LeadSource::Referral => "REFERRAL",
            LeadSource::WalkIn => "WALK_IN",
            LeadSource::Other => "OTHER",
        }
    }
}

/// What the lead wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Purpose {
    Sale,
    Rent,
}

/// A budget amount: a non-negative decimal, given as a JSON string (`"1250000.50"`) or number,
/// answered as a string (no precision lost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "BudgetInput", into = "String")]
#[schema(value_type = String, example = "1250000.00")]
pub struct Budget(String);

#[derive(Deserialize)]
#[serde(untagged)]
enum BudgetInput {
    Text(String),
    Number(serde_json::Number),
}

impl Budget {
    /// Accepts `123`, `123.45`; no sign, exponent or separators.
    pub fn parse(input: &str) -> Option<Budget> {
        let s = input.trim();
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        let ok = !int.is_empty() && int.len() <= 15 && frac.len() <= 4 && digits(int) && digits(frac);
        ok.then(|| Budget(s.trim_end_matches('.').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<BudgetInput> for Budget {
    type Error = String;
    fn try_from(v: BudgetInput) -> Result<Self, Self::Error> {
        let text = match v {
            BudgetInput::Text(s) => s,
            BudgetInput::Number(n) => n.to_string(),
        };
        Budget::parse(&text).ok_or_else(|| format!("`{text}` is not a non-negative amount"))
    }
}

impl From<Budget> for String {
    fn from(b: Budget) -> String {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets() {
        assert_eq!(Budget::parse("1250000.50").map(String::from).as_deref(), Some("1250000.50"));
        assert!(Budget::parse("-1").is_none());
        assert!(Budget::parse("1e9").is_none());
        assert!(Budget::parse("").is_none());
        let b: Budget = serde_json::from_str("900000").unwrap();
        assert_eq!(b.as_str(), "900000");
        assert_eq!(serde_json::to_string(&LeadStatus::Lost).unwrap(), "\"LOST\"");
        assert_eq!(serde_json::to_string(&LeadSource::WalkIn).unwrap(), "\"WALK_IN\"");
    }
}
