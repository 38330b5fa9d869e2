//! `PhoneE164`: a phone number checked against its region's numbering plan and kept in E.164 form.

use std::fmt;

use phonenumber::Mode;
use serde::{Deserialize, Serialize};

use crate::country::CountryCode;
use crate::script::{ascii_digit, is_invisible};

/// A valid phone number in E.164 form, e.g. `+971501234567`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneE164(String);

/// Why a phone number was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    /// Nothing but spaces, separators or invisible marks.
    #[error("the phone number is empty")]
    Empty,
    /// Letters or other characters that are not part of a phone number, or no digits at all.
    #[error("this is not a phone number")]
    NotANumber,
    /// Digits that do not form a valid number for their region.
    #[error("this phone number is not valid for its country")]
    Invalid,
}

impl PhoneE164 {
    /// Parses what a user typed or pasted. A number without `+` or `00` is read as a national
    /// number of `default_country`; an international one keeps its own country.
    ///
    /// Accepts ASCII, Arabic-Indic (٠-٩) and Persian (۰-۹) digits; spaces, NBSP, dashes, dots
    /// and parentheses between them; bidi marks anywhere.
    pub fn parse(input: &str, default_country: CountryCode) -> Result<Self, PhoneError> {
        Self::parse_with(input, Some(default_country))
    }

    /// Parses a number that must carry its country (`+…` or `00…`), e.g. one read back from
    /// storage.
    pub fn parse_international(input: &str) -> Result<Self, PhoneError> {
        Self::parse_with(input, None)
    }

    fn parse_with(input: &str, default_country: Option<CountryCode>) -> Result<Self, PhoneError> {
        let cleaned = clean(input)?;
        let international = cleaned.starts_with('+');
        if !international && default_country.is_none() {
            return Err(PhoneError::Invalid);
        }
        let country = if international { None } else { default_country.map(CountryCode::id) };
        let number = phonenumber::parse(country, &cleaned).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        Ok(Self(number.format().mode(Mode::E164).to_string()))
    }

    /// The E.164 text, `+` and digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the leading `+`, e.g. `971501234567`.
    pub fn digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    /// The number as dialled inside its country, e.g. `050 123 4567` for `+971501234567`.
    pub fn national_format(&self) -> String {
        match phonenumber::parse(None, &self.0) {
            Ok(number) => number.format().mode(Mode::National).to_string(),
            Err(_) => self.0.clone(),
        }
    }

    /// The region the number belongs to, when the metadata can tell (shared calling codes like
    /// +1 resolve by number range).
    pub fn country(&self) -> Option<CountryCode> {
        let number = phonenumber::parse(None, &self.0).ok()?;
        number.country().id().map(CountryCode::from_id)
    }
}

/// Reduces the input to an optional leading `+` and ASCII digits; a leading `00` becomes `+`.
fn clean(input: &str) -> Result<String, PhoneError> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        if let Some(d) = ascii_digit(c) {
            out.push(d);
        } else if c == '+' && out.is_empty() {
            out.push('+');
        } else if !(is_separator(c) || is_invisible(c)) {
            return Err(PhoneError::NotANumber);
        }
    }
    if out.is_empty() {
        return Err(PhoneError::Empty);
    }
    if out == "+" {
        return Err(PhoneError::NotANumber);
    }
    if let Some(rest) = out.strip_prefix("00") {
        out = format!("+{rest}");
    }
    Ok(out)
}

/// Spaces (incl. NBSP), hyphens and dashes, dots, slashes and parentheses.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '.' | '(' | ')' | '/' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for PhoneE164 {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse_international(&value)
    }
}

impl From<PhoneE164> for String {
    fn from(value: PhoneE164) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ae(input: &str) -> Result<String, PhoneError> {
        PhoneE164::parse(input, CountryCode::AE).map(String::from)
    }

    #[test]
    fn national_number_uses_default_country() {
        assert_eq!(ae("050 123 4567").unwrap(), "+971501234567");
        assert_eq!(ae("(050) 123-4567").unwrap(), "+971501234567");
        assert_eq!(ae("050.123.4567").unwrap(), "+971501234567");
        assert_eq!(PhoneE164::parse("050 123 4567", CountryCode::AE).unwrap().national_format(), "050 123 4567");
    }

    #[test]
    fn arabic_indic_and_persian_digits() {
        assert_eq!(ae("٠٥٠١٢٣٤٥٦٧").unwrap(), "+971501234567");
        assert_eq!(ae("۰۵۰ ۱۲۳ ۴۵۶۷").unwrap(), "+971501234567");
    }

    #[test]
    fn international_prefixes() {
        assert_eq!(ae("00971 50 123 4567").unwrap(), "+971501234567");
        assert_eq!(ae("+966 50 123 4567").unwrap(), "+966501234567");
        let from_us = PhoneE164::parse("+966 50 123 4567", CountryCode::US).unwrap();
        assert_eq!(from_us.as_str(), "+966501234567");
        assert_eq!(from_us.country(), Some(CountryCode::SA));
    }

    #[test]
    fn egyptian_mobile() {
        let phone = PhoneE164::parse("+201001234567", CountryCode::AE).unwrap();
        assert_eq!(phone.as_str(), "+201001234567");
        assert_eq!(phone.digits(), "201001234567");
        assert_eq!(phone.country(), Some(CountryCode::EG));
        assert_eq!(phone.national_format().replace(' ', ""), "01001234567");
        assert_eq!(PhoneE164::parse("010 0123 4567", CountryCode::EG).unwrap(), phone);
    }

    #[test]
    fn bidi_marks_and_nbsp_are_ignored() {
        assert_eq!(ae("\u{200F}+971\u{00A0}50\u{00A0}123\u{00A0}4567\u{200E}").unwrap(), "+971501234567");
        assert_eq!(ae("\u{2066}\u{202B}٠٥٠-١٢٣-٤٥٦٧\u{202C}\u{2069}").unwrap(), "+971501234567");
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(ae("12"), Err(PhoneError::Invalid));
        assert_eq!(ae("+971 12"), Err(PhoneError::Invalid));
        assert_eq!(ae(""), Err(PhoneError::Empty));
        assert_eq!(ae(" \u{200F} - "), Err(PhoneError::Empty));
        assert_eq!(ae("+"), Err(PhoneError::NotANumber));
        assert_eq!(ae("call 0501234567"), Err(PhoneError::NotANumber));
        assert_eq!(ae("050+1234567"), Err(PhoneError::NotANumber));
        assert_eq!(PhoneE164::parse_international("0501234567"), Err(PhoneError::Invalid));
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        let phone = PhoneE164::parse("050 123 4567", CountryCode::AE).unwrap();
        let json = serde_json::to_string(&phone).unwrap();
        assert_eq!(json, r#""+971501234567""#);
        assert_eq!(serde_json::from_str::<PhoneE164>(&json).unwrap(), phone);
        assert!(serde_json::from_str::<PhoneE164>(r#""12""#).is_err());
        assert!(serde_json::from_str::<PhoneE164>(r#""0501234567""#).is_err());
    }
}
