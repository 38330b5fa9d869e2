//! `Currency`: the ISO-4217 currencies agencies in the region price in.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A supported ISO-4217 currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Currency {
    /// UAE dirham.
    Aed,
    /// Saudi riyal.
    Sar,
    /// Qatari riyal.
    Qar,
    /// Kuwaiti dinar (3 decimals).
    Kwd,
    /// Bahraini dinar (3 decimals).
    Bhd,
    /// Omani rial (3 decimals).
    Omr,
    /// Egyptian pound.
    Egp,
    /// Jordanian dinar (3 decimals).
    Jod,
    /// US dollar.
    Usd,
    /// Euro.
    Eur,
    /// Pound sterling.
    Gbp,
}

/// Why a currency code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported currency {0:?}")]
pub struct CurrencyError(String);

impl Currency {
    /// Every supported currency.
    pub const ALL: [Self; 11] = [
        Self::Aed,
        Self::Sar,
        Self::Qar,
        Self::Kwd,
        Self::Bhd,
        Self::Omr,
        Self::Egp,
        Self::Jod,
        Self::Usd,
        Self::Eur,
        Self::Gbp,
    ];

    /// Parses a three-letter code, in either case (`AED`, `aed`).
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        let code = code.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
            .ok_or_else(|| CurrencyError(code.to_owned()))
    }

    /// The upper-case ISO-4217 code, e.g. `"AED"`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Aed => "AED",
            Self::Sar => "SAR",
            Self::Qar => "QAR",
            Self::Kwd => "KWD",
            Self::Bhd => "BHD",
            Self::Omr => "OMR",
            Self::Egp => "EGP",
            Self::Jod => "JOD",
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
        }
    }

    /// Digits after the decimal point (ISO-4217 minor units): 3 for the dinars and the rial
    /// of Oman, 2 for the rest.
    pub fn minor_units(self) -> u32 {
        match self {
            Self::Kwd | Self::Bhd | Self::Omr | Self::Jod => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_code_both_cases() {
        for currency in Currency::ALL {
            assert_eq!(Currency::parse(currency.code()).unwrap(), currency);
            assert_eq!(Currency::parse(&currency.code().to_lowercase()).unwrap(), currency);
        }
        assert_eq!(Currency::parse("XYZ"), Err(CurrencyError("XYZ".into())));
        assert!(Currency::parse("").is_err());
    }

    #[test]
    fn minor_units() {
        assert_eq!(Currency::Aed.minor_units(), 2);
        assert_eq!(Currency::Kwd.minor_units(), 3);
        assert_eq!(Currency::Bhd.minor_units(), 3);
        assert_eq!(Currency::Omr.minor_units(), 3);
        assert_eq!(Currency::Jod.minor_units(), 3);
        assert_eq!(Currency::Egp.minor_units(), 2);
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        assert_eq!(serde_json::to_string(&Currency::Sar).unwrap(), r#""SAR""#);
        assert_eq!(serde_json::from_str::<Currency>(r#""QAR""#).unwrap(), Currency::Qar);
        assert!(serde_json::from_str::<Currency>(r#""JPY""#).is_err());
    }
}
