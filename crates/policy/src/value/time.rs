//! Timestamps: every DateTime value is compared and bound in one normal form,
//! `YYYY-MM-DDTHH:MM:SS.sssZ` (UTC, milliseconds), the exact TEXT format SQLite stores.

/// Normalises an RFC 3339 / ISO 8601 timestamp to UTC `YYYY-MM-DDTHH:MM:SS.sssZ` (milliseconds,
/// truncated). Accepts a date alone (midnight UTC), `T` or a space between date and time, optional
/// seconds and fraction, and `Z` or a `±HH[:MM]` offset (none = UTC). `None` if unparseable.
pub(crate) fn normalize_timestamp(s: &str) -> Option<String> {
    let b = s.trim().as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let year = num(0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (month, day) = (num(5, 2)?, num(8, 2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let (mut hour, mut minute, mut second, mut millis) = (0, 0, 0, 0);
    let mut offset_min = 0i64;
    let mut i = 10;
    if i < b.len() {
        if !matches!(b[i], b'T' | b't' | b' ') {
            return None;
        }
        hour = num(i + 1, 2)?;
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        minute = num(i + 4, 2)?;
        i += 6;
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                let mut digits: Vec<u8> = b[start..i.min(start + 3)].to_vec();
                digits.resize(3, b'0');
                millis = std::str::from_utf8(&digits).ok()?.parse().ok()?;
            }
        }
        match b.get(i) {
            None => {}
            Some(b'Z' | b'z') if i + 1 == b.len() => {}
            Some(sign @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = match b.len() - (i + 3) {
                    0 => 0,
                    2 => num(i + 3, 2)?,
                    3 if b[i + 3] == b':' => num(i + 4, 2)?,
                    _ => return None,
                };
                offset_min = (oh * 60 + om) * if *sign == b'+' { 1 } else { -1 };
            }
            _ => return None,
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let second = second.min(59);
    let total = days_from_civil(year, month, day) * 1440 + hour * 60 + minute - offset_min;
    let (days, mins) = (total.div_euclid(1440), total.rem_euclid(1440));
    let (y, m, d) = civil_from_days(days);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{second:02}.{millis:03}Z", mins / 60, mins % 60))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_normalise_to_utc_millis() {
        let n = |s| normalize_timestamp(s);
        assert_eq!(n("2024-03-01").as_deref(), Some("2024-03-01T00:00:00.000Z"));
        assert_eq!(n("2024-03-01T10:20:30Z").as_deref(), Some("2024-03-01T10:20:30.000Z"));
        assert_eq!(n("2024-03-01T10:20:30.123456Z").as_deref(), Some("2024-03-01T10:20:30.123Z"));
        assert_eq!(n("2024-03-01T01:00:00+02:00").as_deref(), Some("2024-02-29T23:00:00.000Z"));
        assert_eq!(n("2023-12-31T23:30:00-01:00").as_deref(), Some("2024-01-01T00:30:00.000Z"));
        assert_eq!(n("2024-03-01 10:20").as_deref(), Some("2024-03-01T10:20:00.000Z"));
        assert_eq!(n("2024-02-30"), None);
        assert_eq!(n("yesterday"), None);
        assert_eq!(n("2024-03-01T10:20:30Zjunk"), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,40}", t in "[0-9T:+.Z -]{0,32}") {
            let _ = normalize_timestamp(&s);
            if let Some(n) = normalize_timestamp(&t) {
                proptest::prop_assert_eq!(normalize_timestamp(&n), Some(n.clone()));
            }
        }
    }
}
