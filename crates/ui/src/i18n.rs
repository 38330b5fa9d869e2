//! UI strings in Arabic and English (Fluent files under `crates/ui/locales/{ar,en}/`), with
//! Arabic's six plural forms (zero, one, two, few, many, other) chosen by Fluent's plural rules.
//!
//! Fluent wraps each placeable in Unicode isolation marks (U+2068…U+2069), so a number or a
//! Latin name inside an Arabic sentence keeps its own direction; keep them.

use std::borrow::Cow;
use std::collections::HashMap;

use domain::{Locale, TimeZone};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
    };
}

static AR: LanguageIdentifier = langid!("ar");
static EN: LanguageIdentifier = langid!("en");

/// The translator of one page: its locale, the agency's time zone its times are shown in
/// (`crate::format`), and the lookups templates call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub locale: Locale,
    pub zone: TimeZone,
}

impl Tr {
    /// A translator for `locale` showing times in UTC (pages with no agency at hand: sign-in,
    /// errors); a signed-in page's comes with the agency's zone ([`Tr::in_zone`]).
    pub fn new(locale: Locale) -> Tr {
        Tr { locale, zone: TimeZone::UTC }
    }

    /// The same translator, showing times in `zone`.
    pub fn in_zone(self, zone: TimeZone) -> Tr {
        Tr { zone, ..self }
    }

    fn lang(&self) -> &'static LanguageIdentifier {
        match self.locale {
            Locale::Ar => &AR,
            Locale::En => &EN,
        }
    }

    /// `lang` attribute value.
    pub fn lang_tag(&self) -> &'static str {
        self.locale.as_str()
    }

    /// `dir` attribute value: `rtl` or `ltr`.
    pub fn dir(&self) -> &'static str {
        match self.locale {
            Locale::Ar => "rtl",
            Locale::En => "ltr",
        }
    }

    /// The other language (the language switch offers it).
    pub fn other(&self) -> Locale {
        match self.locale {
            Locale::Ar => Locale::En,
            Locale::En => Locale::Ar,
        }
    }

    /// The message `id`. A missing id shows as itself (a test keeps both files complete).
    pub fn t(&self, id: &str) -> String {
        LOCALES.try_lookup_complete(self.lang(), id, None).unwrap_or_else(|| id.to_owned())
    }

    /// The message `id` with `$count` (plural selection) set to `n`.
    pub fn n(&self, id: &str, n: i64) -> String {
        self.args(id, &[("count", FluentValue::from(n))])
    }

    /// The message `id` with `$name` set to `value`.
    pub fn with(&self, id: &str, name: &'static str, value: &str) -> String {
        self.args(id, &[(name, FluentValue::from(value.to_owned()))])
    }

    fn args(&self, id: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), v.clone())).collect();
        LOCALES.try_lookup_complete(self.lang(), id, Some(&map)).unwrap_or_else(|| id.to_owned())
    }

    /// An enum value's label: `{prefix}-{VALUE}` in the Fluent files (`status-NEW`).
    pub fn label(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}-{value}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The message ids of a Fluent file (lines starting with an identifier and ` =`).
    fn ids(ftl: &str) -> std::collections::BTreeSet<String> {
        ftl.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
            .collect()
    }

    #[test]
    fn both_languages_have_every_message() {
        let ar = ids(include_str!("../locales/ar/main.ftl"));
        let en = ids(include_str!("../locales/en/main.ftl"));
        assert!(en.len() > 50, "the English file has {} messages", en.len());
        let missing_ar: Vec<_> = en.difference(&ar).collect();
        let missing_en: Vec<_> = ar.difference(&en).collect();
        assert!(missing_ar.is_empty(), "missing in ar: {missing_ar:?}");
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        // Every message resolves in its own file (a Fluent syntax error drops the message).
        let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
            [("count", FluentValue::from(3)), ("name", "x".into()), ("agency", "x".into())]
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect();
        for id in &en {
            for tr in [Tr::new(Locale::Ar), Tr::new(Locale::En)] {
                assert!(
                    LOCALES.lookup_no_default_fallback(tr.lang(), id, Some(&args)).is_some(),
                    "{id} does not resolve in {}",
                    tr.lang_tag()
                );
            }
        }
    }

    fn strip_isolation(s: &str) -> String {
        s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
    }

    #[test]
    fn arabic_plurals_use_all_six_forms() {
        let ar = Tr::new(Locale::Ar);
        let forms: Vec<String> =
            [0, 1, 2, 3, 11, 100].iter().map(|n| strip_isolation(&ar.n("leads-count", *n))).collect();
        assert_eq!(forms[0], "لا عملاء");
        assert_eq!(forms[1], "عميل واحد");
        assert_eq!(forms[2], "عميلان");
        assert_eq!(forms[3], "3 عملاء");
        assert_eq!(forms[4], "11 عميلًا");
        assert_eq!(forms[5], "100 عميل");
        let en = Tr::new(Locale::En);
        assert_eq!(strip_isolation(&en.n("leads-count", 1)), "1 lead");
        assert_eq!(strip_isolation(&en.n("leads-count", 2)), "2 leads");
        assert_eq!(strip_isolation(&en.n("leads-count", 0)), "No leads");
    }

    #[test]
    fn direction_follows_the_locale() {
        assert_eq!(Tr::new(Locale::Ar).dir(), "rtl");
        assert_eq!(Tr::new(Locale::En).dir(), "ltr");
        assert_eq!(Tr::new(Locale::Ar).t("nav-leads"), "العملاء");
    }
}
