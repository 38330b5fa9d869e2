//! Numbers, money and dates as each language writes them. Digits stay Latin in both languages
//! (the UAE and Gulf usage in business software); callers isolate them (`<bdi>`) inside Arabic.
//! Dates are Gregorian, with the Hijri (Umm al-Qura) date available beside them. An instant
//! (RFC 3339) is shown on the agency's wall clock and calendar ([`TimeZone`]); a plain date
//! (`2026-03-15`) is a calendar day and shown as it is.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::{Locale, TimeZone};
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

/// The calendar day of an RFC 3339 instant in `zone`, or a plain date as it is.
fn day_of(iso: &str, zone: TimeZone) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(iso)
        .map(|t| zone.day_of(t.with_timezone(&Utc)))
        .ok()
        .or_else(|| NaiveDate::parse_from_str(iso.get(..10)?, "%Y-%m-%d").ok())
}

fn month_name(names: &[&'static str; 12], month: u32) -> &'static str {
    names.get(month as usize - 1).copied().unwrap_or("?")
}

fn gregorian(d: NaiveDate, locale: Locale) -> String {
    let names = match locale {
        Locale::Ar => &MONTHS_AR,
        Locale::En => &MONTHS_EN,
    };
    format!("{} {} {}", d.day(), month_name(names, d.month()), d.year())
}

/// `15 Mar 2026` / `15 مارس 2026`: the day an instant falls on in `zone` (a plain date as it
/// is); the input as is when it is not a date.
pub fn date(iso: &str, locale: Locale, zone: TimeZone) -> String {
    day_of(iso, zone).map_or_else(|| iso.to_owned(), |d| gregorian(d, locale))
}

/// A calendar day stored as its UTC midnight (a permit's expiry) or a plain date, as that day —
/// in no zone, so it reads the same everywhere; the input as is when it is not a date.
pub fn calendar_date(iso: &str, locale: Locale) -> String {
    date(iso, locale, TimeZone::UTC)
}

/// `15 Mar 2026, 18:05`: an instant on `zone`'s wall clock (24-hour); the input as is when it
/// is not a timestamp.
pub fn date_time(iso: &str, locale: Locale, zone: TimeZone) -> String {
    match DateTime::parse_from_rfc3339(iso) {
        Ok(t) => {
            let local = zone.local(t.with_timezone(&Utc));
            format!("{}, {}", gregorian(local.date_naive(), locale), local.format("%H:%M"))
        }
        Err(_) => iso.to_owned(),
    }
}

/// The Hijri (Umm al-Qura) date of the day an instant falls on in `zone` (a plain date as it
/// is): `26 Ramadan 1447 AH` / `26 رمضان 1447 هـ`.
pub fn hijri(iso: &str, locale: Locale, zone: TimeZone) -> Option<String> {
    let d = day_of(iso, zone)?;
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

    const UTC: TimeZone = TimeZone::UTC;
    const DUBAI: TimeZone = TimeZone::DUBAI;

    #[test]
    fn gregorian_dates_per_language() {
        assert_eq!(date("2026-03-15T10:00:00.000Z", Locale::En, UTC), "15 Mar 2026");
        assert_eq!(date("2026-03-15", Locale::Ar, UTC), "15 مارس 2026");
        assert_eq!(date_time("2026-03-15T14:05:09Z", Locale::En, UTC), "15 Mar 2026, 14:05");
        assert_eq!(date("soon", Locale::En, UTC), "soon");
        assert_eq!(date_time("soon", Locale::En, DUBAI), "soon");
    }

    #[test]
    fn instants_on_the_agencys_clock() {
        // Dubai is UTC+4 all year: 23:30 UTC is 03:30 the next day.
        assert_eq!(date_time("2026-03-15T23:30:00.000Z", Locale::En, DUBAI), "16 Mar 2026, 03:30");
        assert_eq!(date("2026-03-15T23:30:00.000Z", Locale::Ar, DUBAI), "16 مارس 2026");
        assert_eq!(date_time("2026-07-15T10:00:00Z", Locale::En, DUBAI), "15 Jul 2026, 14:00");
        // An offset in the input changes nothing: the instant is what counts.
        assert_eq!(date_time("2026-03-16T03:30:00+04:00", Locale::En, UTC), "15 Mar 2026, 23:30");
        // London: GMT in winter, BST (UTC+1) in summer.
        let london = TimeZone::parse("Europe/London").unwrap();
        assert_eq!(date_time("2026-01-15T23:30:00Z", Locale::En, london), "15 Jan 2026, 23:30");
        assert_eq!(date_time("2026-06-15T23:30:00Z", Locale::En, london), "16 Jun 2026, 00:30");
        // New York: 5 hours behind in winter, 4 in summer; the day can be the one before.
        let ny = TimeZone::parse("America/New_York").unwrap();
        assert_eq!(date_time("2026-01-16T03:00:00Z", Locale::En, ny), "15 Jan 2026, 22:00");
        assert_eq!(date_time("2026-07-16T03:00:00Z", Locale::En, ny), "15 Jul 2026, 23:00");
        // A plain date is a calendar day in any zone.
        assert_eq!(date("2026-03-15", Locale::En, ny), "15 Mar 2026");
        // A day stored as its UTC midnight reads as that day, not the evening before in New York.
        assert_eq!(calendar_date("2026-03-15T00:00:00.000Z", Locale::En), "15 Mar 2026");
        assert_eq!(date("2026-03-15T00:00:00.000Z", Locale::En, ny), "14 Mar 2026");
    }

    #[test]
    fn hijri_beside_gregorian() {
        // 1 Ramadan 1447 AH = 18 February 2026 (Umm al-Qura).
        assert_eq!(hijri("2026-02-18", Locale::En, UTC).as_deref(), Some("1 Ramadan 1447 AH"));
        assert_eq!(hijri("2026-02-18T08:00:00Z", Locale::Ar, UTC).as_deref(), Some("1 رمضان 1447 هـ"));
        // 1 Muharram 1448 AH = 16 June 2026.
        assert_eq!(hijri("2026-06-16", Locale::En, UTC).as_deref(), Some("1 Muharram 1448 AH"));
        assert_eq!(hijri("not a date", Locale::En, UTC), None);
    }

    #[test]
    fn hijri_of_the_agencys_day() {
        // 17 February 2026 22:00 UTC is 18 February 02:00 in Dubai: 1 Ramadan there, still
        // 29 Shaban in UTC.
        assert_eq!(hijri("2026-02-17T22:00:00Z", Locale::En, DUBAI).as_deref(), Some("1 Ramadan 1447 AH"));
        assert_eq!(hijri("2026-02-17T22:00:00Z", Locale::En, UTC).as_deref(), Some("29 Shaban 1447 AH"));
    }
}
