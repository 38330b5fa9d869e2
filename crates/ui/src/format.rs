//! Numbers, money and dates as each language writes them. Digits stay Latin in both languages
//! (the UAE and Gulf usage in business software); callers isolate them (`<bdi>`) inside Arabic.
//! Dates are Gregorian, with the Hijri (Umm al-Qura) date available beside them.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::Locale;
use icu_calendar::Date;
use icu_calendar::cal::Hijri;

/// `1250000` → `1,250,000`.
pub fn group(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A decimal amount (`"1250000.50"`) with its currency: `AED 1,250,000.50`; whole amounts drop
/// the fraction (`AED 1,250,000`). The currency code leads in both languages (as on Gulf listing
/// portals); the page isolates the whole as left-to-right.
pub fn money(amount: &str, currency: &str) -> String {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let Ok(w) = whole.parse::<i64>() else { return format!("{currency} {amount}") };
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("{currency} {}", group(w))
    } else {
        format!("{currency} {}.{fraction:0<2}", group(w))
    }
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_AR: [&str; 12] =
    ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"];
const HIJRI_EN: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
];
const HIJRI_AR: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

/// Parses an RFC 3339 timestamp or a plain date.
fn day_of(iso: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(iso)
        .map(|t| t.with_timezone(&Utc).date_naive())
        .ok()
        .or_else(|| NaiveDate::parse_from_str(iso.get(..10)?, "%Y-%m-%d").ok())
}

fn month_name(names: &[&'static str; 12], month: u32) -> &'static str {
    names.get(month as usize - 1).copied().unwrap_or("?")
}

/// `15 Mar 2026` / `15 مارس 2026`; the input as is when it is not a date.
pub fn date(iso: &str, locale: Locale) -> String {
    let Some(d) = day_of(iso) else { return iso.to_owned() };
    let names = match locale {
        Locale::Ar => &MONTHS_AR,
        Locale::En => &MONTHS_EN,
    };
    format!("{} {} {}", d.day(), month_name(names, d.month()), d.year())
}

/// `15 Mar 2026, 14:05` (UTC, 24-hour); the input as is when it is not a timestamp.
pub fn date_time(iso: &str, locale: Locale) -> String {
    match DateTime::parse_from_rfc3339(iso) {
        Ok(t) => format!("{}, {}", date(iso, locale), t.with_timezone(&Utc).format("%H:%M")),
        Err(_) => iso.to_owned(),
    }
}

/// The Hijri (Umm al-Qura) date of a day: `26 Ramadan 1447 AH` / `26 رمضان 1447 هـ`.
pub fn hijri(iso: &str, locale: Locale) -> Option<String> {
    let d = day_of(iso)?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    let h = Date::try_new_iso(d.year(), month, day).ok()?.to_calendar(Hijri::new_umm_al_qura());
    let (names, era) = match locale {
        Locale::Ar => (&HIJRI_AR, "هـ"),
        Locale::En => (&HIJRI_EN, "AH"),
    };
    Some(format!(
        "{} {} {} {era}",
        h.day_of_month().0,
        month_name(names, u32::from(h.month().ordinal)),
        h.year().extended_year()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_money() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1000), "1,000");
        assert_eq!(group(1_250_000), "1,250,000");
        assert_eq!(group(-12_345), "-12,345");
        assert_eq!(money("1250000", "AED"), "AED 1,250,000");
        assert_eq!(money("1250000.00", "AED"), "AED 1,250,000");
        assert_eq!(money("99.5", "SAR"), "SAR 99.50");
        assert_eq!(money("abc", "AED"), "AED abc");
    }

    #[test]
    fn gregorian_dates_per_language() {
        assert_eq!(date("2026-03-15T10:00:00.000Z", Locale::En), "15 Mar 2026");
        assert_eq!(date("2026-03-15", Locale::Ar), "15 مارس 2026");
        assert_eq!(date_time("2026-03-15T14:05:09Z", Locale::En), "15 Mar 2026, 14:05");
        assert_eq!(date("soon", Locale::En), "soon");
    }

    #[test]
    fn hijri_beside_gregorian() {
        // 1 Ramadan 1447 AH = 18 February 2026 (Umm al-Qura).
        assert_eq!(hijri("2026-02-18", Locale::En).as_deref(), Some("1 Ramadan 1447 AH"));
        assert_eq!(hijri("2026-02-18T08:00:00Z", Locale::Ar).as_deref(), Some("1 رمضان 1447 هـ"));
        // 1 Muharram 1448 AH = 16 June 2026.
        assert_eq!(hijri("2026-06-16", Locale::En).as_deref(), Some("1 Muharram 1448 AH"));
        assert_eq!(hijri("not a date", Locale::En), None);
    }
}
