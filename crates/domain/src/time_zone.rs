//! `TimeZone`: an agency's IANA time zone (`Asia/Dubai`), and the conversions the pages and the
//! agenda need between instants (stored in UTC) and the agency's wall clock and calendar days.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone as _, Utc,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// An IANA time zone from the bundled database (`chrono-tz`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZone(Tz);

/// Why a time-zone name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}; use an IANA name such as Asia/Dubai")]
pub struct TimeZoneError(String);

/// Prefixes of the IANA database's old compatibility names (`US/Eastern`, `Etc/GMT+4`): still
/// accepted, not offered in lists.
const LEGACY_PREFIXES: [&str; 8] = ["Etc/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/", "SystemV/", "posix/"];

impl TimeZone {
    /// Coordinated Universal Time.
    pub const UTC: TimeZone = TimeZone(Tz::UTC);
    /// The Gulf's zone (UTC+4, no daylight saving): the schema's default for a new agency.
    pub const DUBAI: TimeZone = TimeZone(Tz::Asia__Dubai);

    /// An IANA name, exactly as the database spells it (`Asia/Riyadh`, `Europe/London`, `UTC`);
    /// surrounding spaces are ignored.
    pub fn parse(name: &str) -> Result<Self, TimeZoneError> {
        let name = name.trim();
        Tz::from_str(name).map(TimeZone).map_err(|_| TimeZoneError(name.to_owned()))
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Every zone of the database with a region name (`Africa/Cairo` … `Pacific/Wake`) and `UTC`,
    /// alphabetically; the compatibility aliases (`US/Eastern`, `Etc/GMT+4`) are left out.
    pub fn all() -> impl Iterator<Item = TimeZone> {
        chrono_tz::TZ_VARIANTS
            .iter()
            .filter(|tz| {
                let n = tz.name();
                n == "UTC" || (n.contains('/') && !LEGACY_PREFIXES.iter().any(|p| n.starts_with(p)))
            })
            .map(|tz| TimeZone(*tz))
    }

    /// `t` on this zone's wall clock.
    pub fn local(self, t: DateTime<Utc>) -> DateTime<Tz> {
        t.with_timezone(&self.0)
    }

    /// How far this zone's clocks are from UTC at `t` (`+04:00` in Dubai).
    pub fn offset_at(self, t: DateTime<Utc>) -> FixedOffset {
        self.local(t).offset().fix()
    }

    /// The calendar day `t` falls on in this zone.
    pub fn day_of(self, t: DateTime<Utc>) -> NaiveDate {
        self.local(t).date_naive()
    }

    /// The instant a wall-clock time of this zone names. A time that occurs twice (clocks going
    /// back) is the first of the two; a time that never occurs (clocks going forward) is read
    /// with the offset in force before the change, so 02:30 on a night that jumps from 02:00 to
    /// 03:00 is 03:30 — the rule calendar apps and JavaScript's `Temporal` follow.
    pub fn instant(self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
            LocalResult::None => {
                // A day earlier is before the change (changes are months apart) and its offset
                // is the one in force just before it.
                let before = self.0.offset_from_utc_datetime(&(local - Duration::days(1))).fix();
                (local - Duration::seconds(i64::from(before.local_minus_utc()))).and_utc()
            }
        }
    }

    /// The first instant of `day` in this zone (midnight, or the first minute after a change
    /// that skips midnight).
    pub fn day_start(self, day: NaiveDate) -> DateTime<Utc> {
        self.instant(day.and_time(NaiveTime::MIN))
    }
}

impl Default for TimeZone {
    /// UTC: what a time with no agency zone at hand is shown in.
    fn default() -> Self {
        Self::UTC
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = TimeZoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for TimeZone {
    type Error = TimeZoneError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TimeZone> for String {
    fn from(tz: TimeZone) -> Self {
        tz.name().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn naive(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_iana_names_only() {
        assert_eq!(TimeZone::parse("Asia/Dubai").unwrap(), TimeZone::DUBAI);
        assert_eq!(TimeZone::parse(" Europe/London ").unwrap().name(), "Europe/London");
        assert_eq!(TimeZone::parse("UTC").unwrap(), TimeZone::UTC);
        assert!(TimeZone::parse("Asia/Atlantis").is_err());
        assert!(TimeZone::parse("").is_err());
        assert!(TimeZone::parse("+04:00").is_err());
        let e = TimeZone::parse("Mars/Olympus").unwrap_err();
        assert!(e.to_string().contains("Mars/Olympus"), "{e}");
    }

    #[test]
    fn serde_goes_through_parse() {
        let tz: TimeZone = serde_json::from_str("\"Asia/Riyadh\"").unwrap();
        assert_eq!(serde_json::to_string(&tz).unwrap(), "\"Asia/Riyadh\"");
        assert!(serde_json::from_str::<TimeZone>("\"Nowhere/Town\"").is_err());
    }

    #[test]
    fn the_list_holds_region_zones_not_aliases() {
        let all: Vec<&str> = TimeZone::all().map(TimeZone::name).collect();
        for name in ["Asia/Dubai", "Asia/Riyadh", "Africa/Cairo", "Europe/London", "America/New_York", "UTC"] {
            assert!(all.contains(&name), "{name} missing");
        }
        assert!(!all.contains(&"US/Eastern") && !all.contains(&"Etc/GMT+4") && !all.contains(&"EST5EDT"));
        assert!(all.len() > 300, "{}", all.len());
    }

    #[test]
    fn dubai_is_four_hours_ahead_all_year() {
        let dubai = TimeZone::DUBAI;
        // 23:30 UTC is already the next day in Dubai.
        assert_eq!(dubai.day_of(utc("2026-03-15T23:30:00Z")), day("2026-03-16"));
        assert_eq!(dubai.day_of(utc("2026-03-15T19:59:59Z")), day("2026-03-15"));
        assert_eq!(dubai.day_of(utc("2026-03-15T20:00:00Z")), day("2026-03-16"));
        assert_eq!(dubai.instant(naive("2026-03-20T14:00")), utc("2026-03-20T10:00:00Z"));
        assert_eq!(dubai.instant(naive("2026-07-20T14:00")), utc("2026-07-20T10:00:00Z"));
        assert_eq!(dubai.day_start(day("2026-03-16")), utc("2026-03-15T20:00:00Z"));
        assert_eq!(dubai.local(utc("2026-03-15T23:30:00Z")).format("%H:%M").to_string(), "03:30");
        assert_eq!(dubai.offset_at(utc("2026-07-01T00:00:00Z")).to_string(), "+04:00");
    }

    #[test]
    fn london_follows_summer_time() {
        let london = TimeZone::parse("Europe/London").unwrap();
        // Winter: GMT.
        assert_eq!(london.instant(naive("2026-01-10T09:00")), utc("2026-01-10T09:00:00Z"));
        assert_eq!(london.offset_at(utc("2026-01-10T09:00:00Z")).to_string(), "+00:00");
        assert_eq!(london.offset_at(utc("2026-06-10T09:00:00Z")).to_string(), "+01:00");
        // Summer (BST, from 29 March 2026): an hour ahead.
        assert_eq!(london.instant(naive("2026-06-10T09:00")), utc("2026-06-10T08:00:00Z"));
        assert_eq!(london.day_start(day("2026-06-10")), utc("2026-06-09T23:00:00Z"));
        assert_eq!(london.day_of(utc("2026-06-09T23:30:00Z")), day("2026-06-10"));
        assert_eq!(london.day_of(utc("2026-01-09T23:30:00Z")), day("2026-01-09"));
        // 29 March 2026 01:30 does not exist (01:00 GMT → 02:00 BST): read as 02:30 BST.
        assert_eq!(london.instant(naive("2026-03-29T01:30")), utc("2026-03-29T01:30:00Z"));
        // 25 October 2026 01:30 happens twice (BST, then GMT): the first.
        assert_eq!(london.instant(naive("2026-10-25T01:30")), utc("2026-10-25T00:30:00Z"));
    }

    #[test]
    fn new_york_days_across_the_change() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        // 8 March 2026: 02:00 EST → 03:00 EDT; the day is 23 hours long.
        let start = ny.day_start(day("2026-03-08"));
        let next = ny.day_start(day("2026-03-09"));
        assert_eq!(start, utc("2026-03-08T05:00:00Z"));
        assert_eq!(next, utc("2026-03-09T04:00:00Z"));
        assert_eq!((next - start).num_hours(), 23);
        assert_eq!(ny.instant(naive("2026-03-08T02:30")), utc("2026-03-08T07:30:00Z"));
        // 1 November 2026: 02:00 EDT → 01:00 EST; the day is 25 hours long.
        let (start, next) = (ny.day_start(day("2026-11-01")), ny.day_start(day("2026-11-02")));
        assert_eq!((next - start).num_hours(), 25);
        assert_eq!(ny.day_of(utc("2026-11-02T04:30:00Z")), day("2026-11-01"));
    }

    #[test]
    fn a_change_at_midnight_starts_the_day_after_it() {
        // Asia/Beirut moves from 00:00 to 01:00 on the last Sunday of March (29 March 2026).
        let beirut = TimeZone::parse("Asia/Beirut").unwrap();
        let start = beirut.day_start(day("2026-03-29"));
        assert_eq!(start, utc("2026-03-28T22:00:00Z"));
        assert_eq!(beirut.local(start).format("%d %H:%M").to_string(), "29 01:00");
    }
}
