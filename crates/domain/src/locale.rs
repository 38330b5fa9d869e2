//! `Locale`: the interface languages Manzil speaks, and their text direction.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A supported interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Locale {
    /// Arabic, written right to left.
    Ar,
    /// English, written left to right.
    En,
}

/// Why a language tag was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}; Manzil speaks ar and en")]
pub struct LocaleError(String);

impl Locale {
    /// Every supported locale.
    pub const ALL: [Self; 2] = [Self::Ar, Self::En];

    /// Parses a BCP-47-style tag by its primary language, in either case: `ar`, `ar-AE`,
    /// `en_US`, `EN`.
    pub fn parse(tag: &str) -> Result<Self, LocaleError> {
        let tag = tag.trim();
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "ar" => Ok(Self::Ar),
            "en" => Ok(Self::En),
            _ => Err(LocaleError(tag.to_owned())),
        }
    }

    /// The best supported locale in an `Accept-Language` header (`ar-AE,ar;q=0.9,en;q=0.8`),
    /// by quality and then order; `fallback` when none is supported or the header is empty.
    pub fn from_accept_language(header: &str, fallback: Self) -> Self {
        let mut best: Option<(Self, u16)> = None;
        for item in header.split(',') {
            let mut fields = item.split(';');
            let Ok(locale) = Self::parse(fields.next().unwrap_or_default()) else { continue };
            let quality = fields.find_map(|f| f.trim().strip_prefix("q=")).map_or(Some(1000), parse_quality);
            match quality {
                Some(q) if q > 0 && best.is_none_or(|(_, b)| q > b) => best = Some((locale, q)),
                _ => {}
            }
        }
        best.map_or(fallback, |(locale, _)| locale)
    }

    /// The language code, `"ar"` or `"en"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ar => "ar",
            Self::En => "en",
        }
    }

    /// The HTML `dir` value: `"rtl"` for Arabic, `"ltr"` for English.
    pub fn dir(self) -> &'static str {
        match self {
            Self::Ar => "rtl",
            Self::En => "ltr",
        }
    }

    /// Whether text in this locale runs right to left.
    pub fn is_rtl(self) -> bool {
        matches!(self, Self::Ar)
    }
}

/// A `q` value (`0`, `0.8`, `1.000`) in thousandths; `None` when malformed.
fn parse_quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Locale {
    type Error = LocaleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Locale> for String {
    fn from(value: Locale) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tags_by_primary_language() {
        assert_eq!(Locale::parse("ar").unwrap(), Locale::Ar);
        assert_eq!(Locale::parse("ar-AE").unwrap(), Locale::Ar);
        assert_eq!(Locale::parse("en-US").unwrap(), Locale::En);
        assert_eq!(Locale::parse(" EN_gb ").unwrap(), Locale::En);
        assert_eq!(Locale::parse("fr-FR"), Err(LocaleError("fr-FR".into())));
        assert!(Locale::parse("").is_err());
        assert!(Locale::parse("arabic").is_err());
    }

    #[test]
    fn direction() {
        assert_eq!(Locale::Ar.dir(), "rtl");
        assert_eq!(Locale::En.dir(), "ltr");
        assert!(Locale::Ar.is_rtl());
        assert_eq!(Locale::Ar.to_string(), "ar");
    }

    #[test]
    fn accept_language_picks_best_supported() {
        assert_eq!(Locale::from_accept_language("ar-AE,ar;q=0.9,en;q=0.8", Locale::En), Locale::Ar);
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9", Locale::Ar), Locale::En);
        assert_eq!(Locale::from_accept_language("fr-FR, en;q=0.5, ar;q=0.7", Locale::En), Locale::Ar);
        assert_eq!(Locale::from_accept_language("ar;q=0, en;q=0.1", Locale::Ar), Locale::En);
    }

    #[test]
    fn accept_language_falls_back() {
        assert_eq!(Locale::from_accept_language("", Locale::Ar), Locale::Ar);
        assert_eq!(Locale::from_accept_language("fr, de;q=0.5, *;q=0.1", Locale::En), Locale::En);
        assert_eq!(Locale::from_accept_language("en;q=2", Locale::Ar), Locale::Ar);
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        assert_eq!(serde_json::to_string(&Locale::Ar).unwrap(), r#""ar""#);
        assert_eq!(serde_json::from_str::<Locale>(r#""en""#).unwrap(), Locale::En);
        assert!(serde_json::from_str::<Locale>(r#""de""#).is_err());
    }
}
