//! The inbox: the conversation list at the inline start, the open thread at the inline end with
//! its composer. The customer's bubbles sit at the inline start, ours at the inline end (so they
//! mirror in Arabic), private notes in the middle. The page is complete without script;
//! `assets/inbox.js` adds the live stream (Socket.IO), sending through the JSON API and the
//! WhatsApp window countdown, and asks the fragments below for server-rendered HTML.

use askama::Template;
use chrono::{DateTime, Utc};

use super::Opt;
use crate::{Shell, Tr};

/// A channel, as its icon shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Whatsapp,
    Sms,
    Email,
}

impl Channel {
    /// `WHATSAPP`, `SMS` or `EMAIL`.
    pub fn parse(code: &str) -> Option<Channel> {
        match code {
            "WHATSAPP" => Some(Channel::Whatsapp),
            "SMS" => Some(Channel::Sms),
            "EMAIL" => Some(Channel::Email),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Channel::Whatsapp => "WHATSAPP",
            Channel::Sms => "SMS",
            Channel::Email => "EMAIL",
        }
    }
}

/// One filter of the list (mine, unassigned, team, all).
#[derive(Debug, Clone)]
pub struct FilterTab {
    pub key: &'static str,
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// One conversation in the list.
#[derive(Debug, Clone)]
pub struct ConversationItem {
    pub id: String,
    pub href: String,
    pub lead_name: String,
    pub channel: Channel,
    pub preview: Option<String>,
    /// When the last message came or went, as the reader writes dates.
    pub time: Option<String>,
    pub time_iso: Option<String>,
    pub unread: i64,
    pub current: bool,
}

impl ConversationItem {
    /// "3 unread messages", for screen readers beside the badge.
    pub fn unread_label(&self, tr: &Tr) -> String {
        tr.n("inbox-unread", self.unread)
    }
}

/// The conversation list: its filters, items and the link to the next page.
#[derive(Debug, Clone)]
pub struct ConversationList {
    pub filters: Vec<FilterTab>,
    pub items: Vec<ConversationItem>,
    pub next_href: Option<String>,
    /// Where the script fetches this list again (same filter, same open conversation).
    pub refresh_url: String,
}

/// Where an outgoing message stands, as its ticks show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ticks {
    /// Accepted, not yet taken by the provider: a clock.
    Queued,
    /// ✓
    Sent,
    /// ✓✓
    Delivered,
    /// ✓✓ in the accent colour.
    Read,
    /// Never a tick: a failed marker and the reason.
    Failed,
}

impl Ticks {
    /// The ticks of an outgoing message's status; `None` for anything else (received, notes).
    pub fn of(status: &str) -> Option<Ticks> {
        match status {
            "QUEUED" => Some(Ticks::Queued),
            "SENT" => Some(Ticks::Sent),
            "DELIVERED" => Some(Ticks::Delivered),
            "READ" => Some(Ticks::Read),
            "FAILED" => Some(Ticks::Failed),
            _ => None,
        }
    }

    /// The class of the ticks (`sent`, `read`…).
    pub fn class(self) -> &'static str {
        match self {
            Ticks::Queued => "queued",
            Ticks::Sent => "sent",
            Ticks::Delivered => "delivered",
            Ticks::Read => "read",
            Ticks::Failed => "failed",
        }
    }

    /// The words a screen reader says for them.
    pub fn label(self, tr: &Tr) -> String {
        tr.t(&format!("inbox-status-{}", self.class()))
    }
}

/// A file of a message: an image shown as a thumbnail, anything else as a link.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub href: String,
    pub name: String,
    pub image: bool,
}

/// One message or note of the thread.
#[derive(Debug, Clone)]
pub struct Bubble {
    pub id: String,
    /// `IN` or `OUT` (notes are `OUT`).
    pub direction: String,
    /// `RECEIVED`, `QUEUED`, `SENT`, `DELIVERED`, `READ`, `FAILED` or `NOTE`.
    pub status: String,
    pub note: bool,
    pub body: Option<String>,
    /// What the message is when it is not plain text (a location, a template, an unsupported
    /// message…), in the reader's language.
    pub kind_label: Option<String>,
    /// The e-mail's subject.
    pub subject: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Media announced by the provider and not downloaded yet.
    pub media_pending: bool,
    /// The start of the message this one replies to.
    pub quote: Option<String>,
    /// Who wrote it (ours and notes), when known.
    pub author: Option<String>,
    pub time: String,
    pub time_iso: String,
    pub ticks: Option<Ticks>,
    /// Why it failed, in the reader's language.
    pub error: Option<String>,
    /// Sent again after a crash: it may have arrived twice.
    pub possible_duplicate: bool,
    /// Where the reply control goes without script (`/inbox/{id}?reply_to={messageId}`); `None`
    /// for what cannot be replied to (notes, a message the provider has not taken yet).
    pub reply_href: Option<String>,
    /// The start of this message, as the composer quotes it when replying to it.
    pub snippet: String,
}

impl Bubble {
    /// `in`, `out` or `note`: where it sits.
    pub fn side(&self) -> &'static str {
        if self.note {
            "note"
        } else if self.direction == "IN" {
            "in"
        } else {
            "out"
        }
    }

    pub fn failed(&self) -> bool {
        self.ticks == Some(Ticks::Failed)
    }
}

/// WhatsApp's customer-service window: how long free text may still go out.
#[derive(Debug, Clone)]
pub struct Window {
    pub closed: bool,
    /// "Free replies for 5 more hours" / "The 24-hour window is closed…".
    pub label: String,
    /// Milliseconds until it closes at render time (0 when closed): the script's timer.
    pub ms_left: i64,
    pub closes_at_iso: String,
}

/// What the composer offers.
#[derive(Debug, Clone)]
pub enum ComposerMode {
    /// Free text (and the private-note toggle).
    Text,
    /// WhatsApp outside the window: approved templates only (`value` = `name|language`).
    Templates(Vec<Opt>),
}

/// The message a reply answers, as the composer quotes it.
#[derive(Debug, Clone)]
pub struct ReplyTarget {
    pub message_id: String,
    pub quote: String,
}

/// The composer's file input: what the channel takes, and how large.
#[derive(Debug, Clone)]
pub struct Attach {
    /// The `accept` attribute (a hint to the browser; the server checks).
    pub accept: String,
    /// The largest file accepted (the script refuses a larger one before sending).
    pub max_bytes: usize,
    /// What may be attached, in the reader's language.
    pub hint: String,
    /// The error for a file above `max_bytes`.
    pub too_large: String,
}

/// The composer of the open conversation.
#[derive(Debug, Clone)]
pub struct Composer {
    pub conversation_id: String,
    pub mode: ComposerMode,
    /// WhatsApp only.
    pub window: Option<Window>,
    /// A refused send (the no-script path), in the reader's language.
    pub error: Option<String>,
    /// The text typed (kept when a send was refused).
    pub text: String,
    /// E-mail: the subject field and its value (`Re:` the customer's last subject).
    pub subject: Option<String>,
    /// The message being replied to.
    pub reply: Option<ReplyTarget>,
    /// Files, where the channel takes them (not SMS).
    pub attach: Option<Attach>,
    /// The thread without a reply target (the cancel control without script).
    pub cancel_href: String,
}

impl Composer {
    pub fn mode_key(&self) -> &'static str {
        match self.mode {
            ComposerMode::Text => "text",
            ComposerMode::Templates(_) => "templates",
        }
    }
}

/// The open conversation.
#[derive(Debug, Clone)]
pub struct Thread {
    pub id: String,
    pub lead_id: String,
    pub lead_name: String,
    pub channel: Channel,
    pub customer_address: Option<String>,
    /// Oldest first.
    pub bubbles: Vec<Bubble>,
    /// The next older page of messages.
    pub older_href: Option<String>,
    pub older_fragment: Option<String>,
    pub composer: Composer,
}

#[derive(Template)]
#[template(path = "inbox.html")]
pub struct InboxPage {
    pub shell: Shell,
    pub list: ConversationList,
    pub thread: Option<Thread>,
    /// The newest inbox event the page reflects: the live stream replays what came after.
    pub seq: i64,
}

/// `GET /inbox/list`: the conversation list alone (the script refreshes it on events).
#[derive(Template)]
#[template(path = "inbox/list.html")]
pub struct ListFragment {
    pub tr: Tr,
    pub list: ConversationList,
}

/// One bubble (a new message, a status change, a downloaded file).
#[derive(Template)]
#[template(path = "inbox/bubble_fragment.html")]
pub struct BubbleFragment {
    pub tr: Tr,
    pub b: Bubble,
}

/// An older page of the thread: the next "load older" control, then the bubbles, oldest first.
#[derive(Template)]
#[template(path = "inbox/older.html")]
pub struct OlderFragment {
    pub tr: Tr,
    pub thread_id: String,
    pub bubbles: Vec<Bubble>,
    pub older_href: Option<String>,
    pub older_fragment: Option<String>,
}

/// The composer alone (the window closed or opened again).
#[derive(Template)]
#[template(path = "inbox/composer_fragment.html")]
pub struct ComposerFragment {
    pub tr: Tr,
    pub csrf: String,
    pub composer: Composer,
}

impl Window {
    /// The window that closes at `closes_at`, as of this moment.
    pub fn now(tr: &Tr, closes_at: Option<&str>) -> Window {
        Window::at(tr, closes_at, Utc::now())
    }

    /// The window that closes at `closes_at` (RFC 3339; none: closed), as of `now`.
    pub fn at(tr: &Tr, closes_at: Option<&str>, now: DateTime<Utc>) -> Window {
        let closes = closes_at.and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        let ms_left = closes.map_or(0, |t| (t.with_timezone(&Utc) - now).num_milliseconds().max(0));
        Window {
            closed: ms_left <= 0,
            label: window_label(tr, ms_left),
            ms_left,
            closes_at_iso: closes_at.unwrap_or_default().to_owned(),
        }
    }
}

/// "Free replies for 5 more hours" (or minutes in the last hour), or the closed notice.
pub fn window_label(tr: &Tr, ms_left: i64) -> String {
    if ms_left <= 0 {
        return tr.t("inbox-window-closed");
    }
    let minutes = (ms_left + 59_999) / 60_000;
    if minutes >= 60 { tr.n("inbox-window-hours", minutes / 60) } else { tr.n("inbox-window-minutes", minutes) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Locale;

    fn plain(s: String) -> String {
        s.chars().filter(|c| !matches!(c, '\u{2068}' | '\u{2069}')).collect()
    }

    #[test]
    fn ticks_follow_the_status_and_a_failure_is_never_a_tick() {
        assert_eq!(Ticks::of("QUEUED"), Some(Ticks::Queued));
        assert_eq!(Ticks::of("READ").map(Ticks::class), Some("read"));
        assert_eq!(Ticks::of("FAILED"), Some(Ticks::Failed));
        assert_eq!(Ticks::of("RECEIVED"), None);
        assert_eq!(Ticks::of("NOTE"), None);
        let tr = Tr::new(Locale::En);
        assert_eq!(Ticks::Failed.label(&tr), "Not sent");
        assert_eq!(Ticks::Delivered.label(&tr), "Delivered");
    }

    #[test]
    fn the_window_counts_hours_then_minutes() {
        let en = Tr::new(Locale::En);
        assert_eq!(plain(window_label(&en, 5 * 3_600_000 + 10)), "Free replies for 5 more hours");
        assert_eq!(plain(window_label(&en, 59 * 60_000)), "Free replies for 59 more minutes");
        assert_eq!(plain(window_label(&en, 1)), "Free replies for 1 more minute");
        assert!(window_label(&en, 0).contains("closed"));
        let ar = Tr::new(Locale::Ar);
        assert_eq!(plain(window_label(&ar, 2 * 3_600_000)), "الرد الحر متاح لساعتين أخريين");
        assert_eq!(plain(window_label(&ar, 3 * 3_600_000)), "الرد الحر متاح لـ 3 ساعات أخرى");
        let now = DateTime::parse_from_rfc3339("2026-03-15T10:00:00Z").unwrap().with_timezone(&Utc);
        let open = Window::at(&en, Some("2026-03-15T12:30:00.000Z"), now);
        assert_eq!((open.closed, open.ms_left), (false, 9_000_000));
        assert!(Window::at(&en, Some("2026-03-15T09:59:59Z"), now).closed);
        assert!(Window::at(&en, None, now).closed);
    }
}
