//! `Email`: an address checked for the shape RFC 5322 gives it, with a lower-case form for
//! duplicate detection.

use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::script::trim_invisible;

/// Longest address accepted, in bytes (RFC 5321's path limit less the angle brackets).
const MAX_LEN: usize = 254;
/// Longest local part, in bytes (RFC 5321).
const MAX_LOCAL_LEN: usize = 64;

/// An e-mail address: trimmed, domain lower-cased, local part kept as given.
///
/// Two addresses are equal when their [`Email::normalized`] forms are, so `Sara@X.com` and
/// `sara@x.com` count as the same contact.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email {
    address: String,
    normalized: String,
}

/// Why an e-mail address was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but whitespace.
    #[error("the e-mail address is empty")]
    Empty,
    /// Longer than 254 bytes, or a local part longer than 64.
    #[error("the e-mail address is too long")]
    TooLong,
    /// No `@`, or more than one.
    #[error("an e-mail address has exactly one @")]
    NotOneAt,
    /// Nothing before the `@`.
    #[error("the part before the @ is empty")]
    EmptyLocal,
    /// Nothing after the `@`, or a domain without a dot.
    #[error("the domain after the @ is missing or has no dot")]
    BadDomain,
    /// A space, control character or character not allowed where it stands.
    #[error("the e-mail address contains a character it cannot have: {0:?}")]
    InvalidCharacter(char),
}

impl Email {
    /// Parses an address, trimming whitespace and invisible bidi marks around it.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = trim_invisible(input);
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = match trimmed.split_once('@') {
            Some((local, domain)) if !domain.contains('@') => (local, domain),
            _ => return Err(EmailError::NotOneAt),
        };
        check_local(local)?;
        let domain = domain.to_lowercase();
        check_domain(&domain)?;
        Ok(Self { address: format!("{local}@{domain}"), normalized: format!("{}@{domain}", local.to_lowercase()) })
    }

    /// The address as given, with the domain lower-cased.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The fully lower-cased address, for duplicate detection and unique indexes.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }

    /// The domain, lower-case.
    pub fn domain(&self) -> &str {
        self.address.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

fn check_local(local: &str) -> Result<(), EmailError> {
    if local.is_empty() {
        return Err(EmailError::EmptyLocal);
    }
    if local.len() > MAX_LOCAL_LEN {
        return Err(EmailError::TooLong);
    }
    if let Some(c) = local.chars().find(|&c| c.is_whitespace() || c.is_control() || "()<>[]\\,;:\"".contains(c)) {
        return Err(EmailError::InvalidCharacter(c));
    }
    // Unquoted dot-atoms cannot start or end with a dot or hold two in a row.
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(EmailError::InvalidCharacter('.'));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), EmailError> {
    if domain.is_empty() || !domain.contains('.') {
        return Err(EmailError::BadDomain);
    }
    if let Some(c) = domain.chars().find(|&c| !(c.is_alphanumeric() || c == '-' || c == '.')) {
        return Err(EmailError::InvalidCharacter(c));
    }
    // 63 bytes is the DNS label limit; IDN labels are measured after punycode, which we skip.
    let bad_label = |label: &str| {
        label.is_empty() || label.starts_with('-') || label.ends_with('-') || (label.is_ascii() && label.len() > 63)
    };
    if domain.split('.').any(bad_label) {
        return Err(EmailError::BadDomain);
    }
    Ok(())
}

impl PartialEq for Email {
    fn eq(&self, other: &Self) -> bool {
        self.normalized == other.normalized
    }
}

impl Eq for Email {}

impl Hash for Email {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.normalized.hash(state);
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.address)
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.address
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lowercases_domain_only() {
        let email = Email::parse("  Sara.Haddad@Example.AE \u{200F}").unwrap();
        assert_eq!(email.as_str(), "Sara.Haddad@example.ae");
        assert_eq!(email.normalized(), "sara.haddad@example.ae");
        assert_eq!(email.domain(), "example.ae");
        assert_eq!(email.to_string(), "Sara.Haddad@example.ae");
    }

    #[test]
    fn compares_case_insensitively() {
        assert_eq!(Email::parse("SARA@x.com").unwrap(), Email::parse("sara@X.COM").unwrap());
        assert_ne!(Email::parse("sara@x.com").unwrap(), Email::parse("sarah@x.com").unwrap());
    }

    #[test]
    fn keeps_idn_domains() {
        let email = Email::parse("info@عقارات.امارات").unwrap();
        assert_eq!(email.domain(), "عقارات.امارات");
        assert_eq!(Email::parse("a+tag@Bücher.DE").unwrap().as_str(), "a+tag@bücher.de");
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(Email::parse("   "), Err(EmailError::Empty));
        assert_eq!(Email::parse("sara.example.com"), Err(EmailError::NotOneAt));
        assert_eq!(Email::parse("a@b@c.com"), Err(EmailError::NotOneAt));
        assert_eq!(Email::parse("@x.com"), Err(EmailError::EmptyLocal));
        assert_eq!(Email::parse("sara@"), Err(EmailError::BadDomain));
        assert_eq!(Email::parse("sara@localhost"), Err(EmailError::BadDomain));
        assert_eq!(Email::parse("sara@x..com"), Err(EmailError::BadDomain));
        assert_eq!(Email::parse("sara@-x.com"), Err(EmailError::BadDomain));
        assert_eq!(Email::parse(&format!("sara@{}.com", "x".repeat(64))), Err(EmailError::BadDomain));
        assert_eq!(Email::parse("sa ra@x.com"), Err(EmailError::InvalidCharacter(' ')));
        assert_eq!(Email::parse("sara@x_y.com"), Err(EmailError::InvalidCharacter('_')));
        assert_eq!(Email::parse(".sara@x.com"), Err(EmailError::InvalidCharacter('.')));
    }

    #[test]
    fn rejects_too_long() {
        let long_local = format!("{}@x.com", "a".repeat(65));
        assert_eq!(Email::parse(&long_local), Err(EmailError::TooLong));
        let long_domain = format!("a@{}.com", "b".repeat(250));
        assert_eq!(Email::parse(&long_domain), Err(EmailError::TooLong));
        let at_limit = format!("{}@{}.{}.{}.com", "a".repeat(64), "b".repeat(63), "c".repeat(63), "d".repeat(57));
        assert_eq!(at_limit.len(), 254);
        assert!(Email::parse(&at_limit).is_ok());
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        let email = Email::parse("Sara@Example.com").unwrap();
        let json = serde_json::to_string(&email).unwrap();
        assert_eq!(json, r#""Sara@example.com""#);
        let back: Email = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_str(), "Sara@example.com");
        assert!(serde_json::from_str::<Email>(r#""not-an-email""#).is_err());
    }
}
