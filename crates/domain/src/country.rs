//! `CountryCode`: an ISO-3166 alpha-2 region, used as an agency's default for phone numbers.

use std::fmt;
use std::str::FromStr;

use phonenumber::country::Id;
use serde::{Deserialize, Serialize};

/// An ISO-3166-1 alpha-2 region code known to the phone-number metadata (`AE`, `SA`, `EG`, …),
/// stored upper-case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(Id);

/// Why a country code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountryCodeError {
    /// Not two ASCII letters.
    #[error("a country code is two letters, like AE or SA")]
    Malformed,
    /// Two letters, but not a region the phone metadata knows.
    #[error("unknown country code {0:?}")]
    Unknown(String),
}

impl CountryCode {
    /// United Arab Emirates.
    pub const AE: Self = Self(Id::AE);
    /// Saudi Arabia.
    pub const SA: Self = Self(Id::SA);
    /// Qatar.
    pub const QA: Self = Self(Id::QA);
    /// Egypt.
    pub const EG: Self = Self(Id::EG);
    /// Kuwait.
    pub const KW: Self = Self(Id::KW);
    /// Bahrain.
    pub const BH: Self = Self(Id::BH);
    /// Oman.
    pub const OM: Self = Self(Id::OM);
    /// Jordan.
    pub const JO: Self = Self(Id::JO);
    /// United States.
    pub const US: Self = Self(Id::US);
    /// United Kingdom.
    pub const GB: Self = Self(Id::GB);

    /// Parses a two-letter code, in either case, surrounding whitespace ignored.
    pub fn parse(input: &str) -> Result<Self, CountryCodeError> {
        let code = input.trim();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(CountryCodeError::Malformed);
        }
        let upper = code.to_ascii_uppercase();
        Id::from_str(&upper).map(Self).map_err(|_| CountryCodeError::Unknown(upper))
    }

    /// The upper-case code, e.g. `"AE"`.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    pub(crate) fn id(self) -> Id {
        self.0
    }

    pub(crate) fn from_id(id: Id) -> Self {
        Self(id)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CountryCode {
    type Err = CountryCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = CountryCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gulf_and_other_codes() {
        for code in ["AE", "SA", "QA", "EG", "KW", "BH", "OM", "JO", "US", "GB"] {
            assert_eq!(CountryCode::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(CountryCode::parse(" ae ").unwrap(), CountryCode::AE);
        assert_eq!(CountryCode::SA.to_string(), "SA");
    }

    #[test]
    fn rejects_malformed_and_unknown() {
        assert_eq!(CountryCode::parse(""), Err(CountryCodeError::Malformed));
        assert_eq!(CountryCode::parse("ARE"), Err(CountryCodeError::Malformed));
        assert_eq!(CountryCode::parse("1A"), Err(CountryCodeError::Malformed));
        assert_eq!(CountryCode::parse("ZZ"), Err(CountryCodeError::Unknown("ZZ".into())));
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        let json = serde_json::to_string(&CountryCode::EG).unwrap();
        assert_eq!(json, r#""EG""#);
        assert_eq!(serde_json::from_str::<CountryCode>(&json).unwrap(), CountryCode::EG);
        assert!(serde_json::from_str::<CountryCode>(r#""XX""#).is_err());
    }
}
