//! `Money`: an exact amount in a currency's minor units (fils, halalas, baisa), never a float.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::script::ascii_digit;

/// An amount of money: whole minor units of its currency, so `AED 1,250,000.50` is
/// `125_000_050` fils.
///
/// Serialised as `{"amount": "1250000.50", "currency": "AED"}`; `amount` may also be a JSON
/// number when read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MoneyRepr", into = "MoneyRepr")]
pub struct Money {
    minor: i64,
    currency: Currency,
}

/// Why an amount was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but whitespace.
    #[error("the amount is empty")]
    Empty,
    /// Not a plain decimal like `1250000.50` (no exponent, no thousands separators).
    #[error("the amount is not a decimal number")]
    NotADecimal,
    /// More digits after the point than the currency has minor units.
    #[error("{currency} amounts have at most {max} decimals")]
    TooPrecise {
        /// The currency of the amount.
        currency: Currency,
        /// Its minor units.
        max: u32,
    },
    /// Too large to hold in minor units.
    #[error("the amount is too large")]
    OutOfRange,
}

impl Money {
    /// An amount given in minor units, e.g. `Money::from_minor(150, Currency::Aed)` is AED 1.50.
    pub fn from_minor(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Parses a decimal string such as `1250000.50`, `-3`, or `٢٥٠٠٫٧٥` (Arabic digits and
    /// decimal separator). Digits beyond the currency's minor units are an error, never rounded.
    pub fn parse(amount: &str, currency: Currency) -> Result<Self, MoneyError> {
        let text = amount.trim();
        if text.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match unsigned.split_once(['.', '\u{066B}']) {
            Some((_, "")) => return Err(MoneyError::NotADecimal), // "5." has a point but no decimals
            Some(parts) => parts,
            None => (unsigned, ""),
        };
        let whole = digits(whole).filter(|d| !d.is_empty()).ok_or(MoneyError::NotADecimal)?;
        let fraction = digits(fraction).ok_or(MoneyError::NotADecimal)?;
        let max = currency.minor_units();
        if fraction.len() > max as usize {
            return Err(MoneyError::TooPrecise { currency, max });
        }
        let scaled = format!("{whole}{fraction:0<width$}", width = max as usize);
        let magnitude: i128 = scaled.parse().map_err(|_| MoneyError::OutOfRange)?;
        let signed = if negative { -magnitude } else { magnitude };
        let minor = i64::try_from(signed).map_err(|_| MoneyError::OutOfRange)?;
        Ok(Self { minor, currency })
    }

    /// The amount in minor units.
    pub fn minor(self) -> i64 {
        self.minor
    }

    /// The currency.
    pub fn currency(self) -> Currency {
        self.currency
    }

    /// The plain decimal text with all minor digits, e.g. `"1250000.50"`, `"-0.125"`.
    pub fn amount_string(self) -> String {
        let (whole, fraction) = self.split();
        let sign = if self.minor < 0 { "-" } else { "" };
        format!("{sign}{whole}{fraction}")
    }

    /// The whole part and the `.fraction` suffix (empty when the currency has no minor units).
    fn split(self) -> (u64, String) {
        let units = self.currency.minor_units();
        let scale = 10_u64.pow(units);
        let magnitude = self.minor.unsigned_abs();
        let fraction =
            if units == 0 { String::new() } else { format!(".{:0width$}", magnitude % scale, width = units as usize) };
        (magnitude / scale, fraction)
    }
}

/// ASCII digits of `text` (Arabic-Indic digits mapped), or `None` if anything else is in it.
fn digits(text: &str) -> Option<String> {
    text.chars().map(ascii_digit).collect()
}

/// `1250000` as `1,250,000`.
fn group_thousands(value: u64) -> String {
    let plain = value.to_string();
    let mut out = String::with_capacity(plain.len() + plain.len() / 3);
    for (i, c) in plain.chars().enumerate() {
        if i > 0 && (plain.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    /// `AED 1,250,000.50`, `KWD -12.500`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = self.split();
        let sign = if self.minor < 0 { "-" } else { "" };
        write!(f, "{} {sign}{}{fraction}", self.currency, group_thousands(whole))
    }
}

/// The serde shape of [`Money`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyRepr {
    amount: Amount,
    currency: Currency,
}

/// A decimal string, or a JSON number when read.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Amount {
    Text(String),
    Integer(i64),
    Float(f64),
}

impl TryFrom<MoneyRepr> for Money {
    type Error = MoneyError;
    fn try_from(repr: MoneyRepr) -> Result<Self, Self::Error> {
        match repr.amount {
            Amount::Text(text) => Self::parse(&text, repr.currency),
            Amount::Integer(whole) => Self::parse(&whole.to_string(), repr.currency),
            // `Display` for f64 prints the shortest text that reads back as the same float, without
            // an exponent, so 1250000.5 stays "1250000.5" and 0.001 AED is still caught as too precise.
            Amount::Float(number) if number.is_finite() => Self::parse(&number.to_string(), repr.currency),
            Amount::Float(_) => Err(MoneyError::NotADecimal),
        }
    }
}

impl From<Money> for MoneyRepr {
    fn from(money: Money) -> Self {
        Self { amount: Amount::Text(money.amount_string()), currency: money.currency }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_decimal_strings() {
        let price = Money::parse("1250000.50", Currency::Aed).unwrap();
        assert_eq!(price.minor(), 125_000_050);
        assert_eq!(price.currency(), Currency::Aed);
        assert_eq!(Money::parse("3", Currency::Aed).unwrap().minor(), 300);
        assert_eq!(Money::parse(" 0.5 ", Currency::Aed).unwrap().minor(), 50);
        assert_eq!(Money::parse("-12.5", Currency::Kwd).unwrap().minor(), -12_500);
        assert_eq!(Money::parse("٢٥٠٠٫٧٥", Currency::Sar).unwrap().minor(), 250_075);
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(Money::parse("", Currency::Aed), Err(MoneyError::Empty));
        assert_eq!(Money::parse("abc", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse("1,250", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse("1e6", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse(".5", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse("5.", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse("1.2.3", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(Money::parse("--1", Currency::Aed), Err(MoneyError::NotADecimal));
        assert_eq!(
            Money::parse("1.005", Currency::Aed),
            Err(MoneyError::TooPrecise { currency: Currency::Aed, max: 2 })
        );
        assert!(Money::parse("1.005", Currency::Kwd).is_ok());
        assert_eq!(Money::parse("92233720368547758.08", Currency::Aed), Err(MoneyError::OutOfRange));
        assert_eq!(Money::parse(&"9".repeat(60), Currency::Aed), Err(MoneyError::OutOfRange));
    }

    #[test]
    fn extremes_fit() {
        let max = Money::parse("92233720368547758.07", Currency::Aed).unwrap();
        assert_eq!(max.minor(), i64::MAX);
        let min = Money::from_minor(i64::MIN, Currency::Aed);
        assert_eq!(min.amount_string(), "-92233720368547758.08");
        assert_eq!(Money::parse(&min.amount_string(), Currency::Aed).unwrap(), min);
    }

    #[test]
    fn displays_with_thousands() {
        assert_eq!(Money::parse("1250000.50", Currency::Aed).unwrap().to_string(), "AED 1,250,000.50");
        assert_eq!(Money::from_minor(-12_500, Currency::Kwd).to_string(), "KWD -12.500");
        assert_eq!(Money::from_minor(5, Currency::Usd).to_string(), "USD 0.05");
        assert_eq!(Money::from_minor(100_000, Currency::Egp).to_string(), "EGP 1,000.00");
        assert_eq!(Money::from_minor(99_999, Currency::Egp).amount_string(), "999.99");
    }

    #[test]
    fn serde_round_trips() {
        let price = Money::parse("1250000.50", Currency::Aed).unwrap();
        let value = serde_json::to_value(price).unwrap();
        assert_eq!(value, json!({"amount": "1250000.50", "currency": "AED"}));
        assert_eq!(serde_json::from_value::<Money>(value).unwrap(), price);
    }

    #[test]
    fn serde_reads_json_numbers() {
        let from_float: Money = serde_json::from_value(json!({"amount": 1250000.50, "currency": "AED"})).unwrap();
        assert_eq!(from_float.minor(), 125_000_050);
        let from_int: Money = serde_json::from_value(json!({"amount": 42, "currency": "BHD"})).unwrap();
        assert_eq!(from_int.minor(), 42_000);
    }

    #[test]
    fn serde_rejects_invalid() {
        for bad in [
            json!({"amount": "1.234", "currency": "AED"}),
            json!({"amount": 0.001, "currency": "AED"}),
            json!({"amount": "ten", "currency": "AED"}),
            json!({"amount": "10", "currency": "XYZ"}),
            json!({"amount": "10"}),
            json!({"amount": "10", "currency": "AED", "extra": 1}),
            json!({"amount": u64::MAX, "currency": "AED"}),
            json!("AED 10"),
        ] {
            assert!(serde_json::from_value::<Money>(bad.clone()).is_err(), "{bad}");
        }
    }
}
