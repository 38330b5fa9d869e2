//! One listing: photos, the Arabic and the English title and description (each in its own
//! language and direction), the price, the facts, the permit with a warning when it has expired
//! or expires within [`PERMIT_WARNING_DAYS`], and the leads it fits.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};

use super::lead::Fact;
use crate::Shell;

/// A permit expiring within this many days is flagged.
pub const PERMIT_WARNING_DAYS: i64 = 30;

/// Where a listing's advertising permit stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitState {
    /// No expiry date recorded (or unreadable).
    Unknown,
    Valid,
    /// Expires in this many days (0 = today), at most [`PERMIT_WARNING_DAYS`].
    ExpiresSoon(i64),
    Expired,
}

impl PermitState {
    /// The state of a permit expiring at `expires` (RFC 3339 or a date) on `today`. The permit
    /// is valid through its expiry day.
    pub fn on(expires: Option<&str>, today: NaiveDate) -> PermitState {
        let Some(expires) = expires else { return PermitState::Unknown };
        let day = DateTime::parse_from_rfc3339(expires)
            .map(|t| t.with_timezone(&Utc).date_naive())
            .ok()
            .or_else(|| NaiveDate::parse_from_str(expires.get(..10)?, "%Y-%m-%d").ok());
        let Some(day) = day else { return PermitState::Unknown };
        let left = (day - today).num_days();
        if left < 0 {
            PermitState::Expired
        } else if left <= PERMIT_WARNING_DAYS {
            PermitState::ExpiresSoon(left)
        } else {
            PermitState::Valid
        }
    }

    /// [`PermitState::on`] today in `zone` (the agency's).
    pub fn today(expires: Option<&str>, zone: domain::TimeZone) -> PermitState {
        PermitState::on(expires, zone.day_of(Utc::now()))
    }
}

/// The title and description in one language.
#[derive(Debug, Clone)]
pub struct LocalText {
    /// `ar` or `en`.
    pub lang: &'static str,
    pub dir: &'static str,
    /// The language's name in the reader's language.
    pub label: String,
    pub title: String,
    pub description: Option<String>,
}

/// A lead the listing fits.
#[derive(Debug, Clone)]
pub struct MatchedLead {
    pub id: String,
    pub name: String,
    pub status: String,
    pub status_label: String,
    /// 0–100.
    pub score: i64,
}

#[derive(Template)]
#[template(path = "listing.html")]
pub struct ListingPage {
    pub shell: Shell,
    pub id: String,
    pub reference: String,
    /// The title in the reader's language (the page heading).
    pub heading: String,
    pub status: String,
    pub status_label: String,
    pub price: String,
    /// The reader's language first.
    pub texts: Vec<LocalText>,
    pub facts: Vec<Fact>,
    /// Photo URLs, in display order.
    pub photos: Vec<String>,
    pub permit_number: Option<String>,
    pub permit_expiry: Option<String>,
    /// The warning to show (expired, or expiring soon).
    pub permit_warning: Option<String>,
    pub permit_expired: bool,
    pub matches: Vec<MatchedLead>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permits_warn_when_expired_or_expiring_within_30_days() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
        assert_eq!(PermitState::on(None, today), PermitState::Unknown);
        assert_eq!(PermitState::on(Some("soon"), today), PermitState::Unknown);
        assert_eq!(PermitState::on(Some("2026-03-14T23:59:59.000Z"), today), PermitState::Expired);
        assert_eq!(PermitState::on(Some("2026-03-15T00:00:00.000Z"), today), PermitState::ExpiresSoon(0));
        assert_eq!(PermitState::on(Some("2026-04-14"), today), PermitState::ExpiresSoon(30));
        assert_eq!(PermitState::on(Some("2026-04-15T00:00:00Z"), today), PermitState::Valid);
    }
}
