//! `TenantSlug`: the short name that puts an agency in URLs and subdomains (`acme-realty`).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Slugs that would collide with Manzil's own hostnames and paths.
const RESERVED: [&str; 6] = ["www", "api", "admin", "app", "static", "assets"];

/// A tenant's slug: 2–40 of `a-z`, `0-9` and `-`, not starting or ending with `-`, not reserved.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantSlug(String);

/// Why a slug was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantSlugError {
    /// Shorter than 2 or longer than 40 characters.
    #[error("a slug is 2 to 40 characters long")]
    Length,
    /// A character other than `a-z`, `0-9` or `-`.
    #[error("a slug may use only a-z, 0-9 and -, not {0:?}")]
    InvalidCharacter(char),
    /// Starts or ends with `-`.
    #[error("a slug cannot start or end with -")]
    EdgeHyphen,
    /// One of the names Manzil keeps for itself.
    #[error("the slug {0:?} is reserved")]
    Reserved(String),
}

impl TenantSlug {
    /// Parses a slug. Surrounding whitespace is trimmed and ASCII capitals are lowered
    /// (`Acme` → `acme`); anything else outside `a-z0-9-` is rejected.
    pub fn parse(input: &str) -> Result<Self, TenantSlugError> {
        let slug = input.trim().to_ascii_lowercase();
        if let Some(c) = slug.chars().find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')) {
            return Err(TenantSlugError::InvalidCharacter(c));
        }
        if !(2..=40).contains(&slug.len()) {
            return Err(TenantSlugError::Length);
        }
        if slug.starts_with('-') || slug.ends_with('-') {
            return Err(TenantSlugError::EdgeHyphen);
        }
        if RESERVED.contains(&slug.as_str()) {
            return Err(TenantSlugError::Reserved(slug));
        }
        Ok(Self(slug))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TenantSlug {
    type Error = TenantSlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TenantSlug> for String {
    fn from(value: TenantSlug) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_slugs() {
        assert_eq!(TenantSlug::parse("acme-realty").unwrap().as_str(), "acme-realty");
        assert_eq!(TenantSlug::parse(" Dubai-Homes-2 ").unwrap().as_str(), "dubai-homes-2");
        assert!(TenantSlug::parse("ab").is_ok());
        assert!(TenantSlug::parse(&"a".repeat(40)).is_ok());
        assert!(TenantSlug::parse("apis").is_ok());
        assert_eq!(TenantSlug::parse("x1").unwrap().to_string(), "x1");
    }

    #[test]
    fn rejects_invalid_slugs() {
        assert_eq!(TenantSlug::parse("a"), Err(TenantSlugError::Length));
        assert_eq!(TenantSlug::parse(""), Err(TenantSlugError::Length));
        assert_eq!(TenantSlug::parse(&"a".repeat(41)), Err(TenantSlugError::Length));
        assert_eq!(TenantSlug::parse("-acme"), Err(TenantSlugError::EdgeHyphen));
        assert_eq!(TenantSlug::parse("acme-"), Err(TenantSlugError::EdgeHyphen));
        assert_eq!(TenantSlug::parse("acme_realty"), Err(TenantSlugError::InvalidCharacter('_')));
        assert_eq!(TenantSlug::parse("acme realty"), Err(TenantSlugError::InvalidCharacter(' ')));
        assert_eq!(TenantSlug::parse("منزل"), Err(TenantSlugError::InvalidCharacter('م')));
        for word in RESERVED {
            assert_eq!(TenantSlug::parse(word), Err(TenantSlugError::Reserved(word.into())));
        }
        assert_eq!(TenantSlug::parse("API"), Err(TenantSlugError::Reserved("api".into())));
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        let slug = TenantSlug::parse("acme").unwrap();
        let json = serde_json::to_string(&slug).unwrap();
        assert_eq!(json, r#""acme""#);
        assert_eq!(serde_json::from_str::<TenantSlug>(&json).unwrap(), slug);
        assert!(serde_json::from_str::<TenantSlug>(r#""www""#).is_err());
        assert!(serde_json::from_str::<TenantSlug>(r#""-x-""#).is_err());
    }
}
