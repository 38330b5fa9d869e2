//! One lead: the profile (with the status and assignment forms), the requirements, the listings
//! that match, a timeline merging activities, status changes and inbox messages (newest first),
//! quick actions (log a call, add a task, schedule a viewing), and the lead's deals with a form
//! for a new one.

use askama::Template;
use chrono::DateTime;

use super::Opt;
use crate::Shell;

/// One labelled value of a definition list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// A stable key (the `data-testid` is `{prefix}-{key}`).
    pub key: &'static str,
    pub label: String,
    pub value: String,
    /// Left-to-right text (numbers, amounts, codes) isolated inside the line.
    pub ltr: bool,
}

impl Fact {
    pub fn text(key: &'static str, label: String, value: String) -> Fact {
        Fact { key, label, value, ltr: false }
    }

    pub fn ltr(key: &'static str, label: String, value: String) -> Fact {
        Fact { key, label, value, ltr: true }
    }
}

/// Who the lead is and where they stand.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: String,
    /// E.164 numbers, the primary first.
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub language: Option<String>,
    pub source: String,
    /// The status code (a badge style) and its label.
    pub status: String,
    pub status_label: String,
    pub lost_reason: Option<String>,
    pub assignee: String,
    pub created: String,
}

/// A listing that fits the lead.
#[derive(Debug, Clone)]
pub struct MatchedListing {
    pub id: String,
    pub reference: String,
    /// The title in the reader's language.
    pub title: String,
    pub price: String,
    pub place: String,
    /// 0–100.
    pub score: i64,
}

/// One of the lead's deals.
#[derive(Debug, Clone)]
pub struct LeadDeal {
    pub id: String,
    /// The stage's code (a badge style) and its label.
    pub stage: &'static str,
    pub stage_label: String,
    /// The value as money (`AED 1,850,000`).
    pub value: String,
    /// The listing's id and its title in the reader's language, when the reader may read it.
    pub listing_id: Option<String>,
    pub listing_title: Option<String>,
}

/// What a timeline entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Call,
    Task,
    Viewing,
    Note,
    Meeting,
    /// A status change from the audit log.
    Status,
    /// A message in or out, on any channel, or a private note in a conversation.
    Message,
}

impl EntryKind {
    /// The `data-kind` of the entry.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::Call => "call",
            EntryKind::Task => "task",
            EntryKind::Viewing => "viewing",
            EntryKind::Note => "note",
            EntryKind::Meeting => "meeting",
            EntryKind::Status => "status",
            EntryKind::Message => "message",
        }
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone)]
pub struct TimelineItem {
    pub kind: EntryKind,
    /// When it happened (RFC 3339): the order of the timeline.
    pub at: String,
    /// `at`, Gregorian, as the reader writes it.
    pub when: String,
    /// What kind of entry, in words (`Call`, `WhatsApp · received`, `Status`…).
    pub label: String,
    /// The headline: an activity's title, a status change, a message's text.
    pub title: String,
    pub body: Option<String>,
    /// A task's or a viewing's date (Gregorian).
    pub due: Option<String>,
    /// A viewing's date in the Hijri calendar.
    pub hijri: Option<String>,
    pub done: bool,
    /// `in` or `out` for messages.
    pub direction: Option<&'static str>,
}

/// Sorts timeline entries newest first (by instant; an unreadable time sorts last).
pub fn newest_first(items: &mut [TimelineItem]) {
    items.sort_by_key(|i| std::cmp::Reverse(DateTime::parse_from_rfc3339(&i.at).map(|t| t.timestamp_millis()).ok()));
}

/// The "older entries" link at the end of the timeline: a page without script, the htmx fragment
/// with it.
#[derive(Debug, Clone)]
pub struct TimelineMore {
    pub href: String,
    pub fragment: String,
}

/// An older page of the timeline (`GET /leads/{id}/timeline`): its entries and the link to the
/// page after it, swapped in for the link that asked.
#[derive(Template)]
#[template(path = "lead_timeline_more.html")]
pub struct TimelineFragment {
    pub shell: Shell,
    pub timeline: Vec<TimelineItem>,
    pub more: Option<TimelineMore>,
}

#[derive(Template)]
#[template(path = "lead.html")]
pub struct LeadPage {
    pub shell: Shell,
    pub id: String,
    pub profile: Profile,
    pub requirements: Vec<Fact>,
    pub status_options: Vec<Opt>,
    /// Users to assign to (the first option is "unassigned"); empty when the reader may not assign.
    pub assign_options: Vec<Opt>,
    pub matches: Vec<MatchedListing>,
    pub timeline: Vec<TimelineItem>,
    /// The timeline's next (older) page, when there is one.
    pub timeline_more: Option<TimelineMore>,
    /// Listings a viewing or a new deal may be for (the matches).
    pub listing_options: Vec<Opt>,
    /// The lead's deals the reader may read, newest first.
    pub deals: Vec<LeadDeal>,
    /// The open stages a new deal may start in, the first selected.
    pub deal_stage_options: Vec<Opt>,
    /// The agency's currency (new deals are in it).
    pub currency: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(at: &str) -> TimelineItem {
        TimelineItem {
            kind: EntryKind::Note,
            at: at.to_owned(),
            when: String::new(),
            label: String::new(),
            title: at.to_owned(),
            body: None,
            due: None,
            hijri: None,
            done: false,
            direction: None,
        }
    }

    #[test]
    fn the_timeline_is_newest_first_across_offsets() {
        let mut items = vec![
            item("2026-03-01T10:00:00.000Z"),
            item("garbage"),
            item("2026-03-01T13:00:00+04:00"),
            item("2026-03-02T08:00:00Z"),
        ];
        newest_first(&mut items);
        let order: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
        // 13:00+04:00 is 09:00Z: before 10:00Z.
        assert_eq!(order, ["2026-03-02T08:00:00Z", "2026-03-01T10:00:00.000Z", "2026-03-01T13:00:00+04:00", "garbage"]);
    }
}
