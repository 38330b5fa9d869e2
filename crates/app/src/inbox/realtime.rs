//! What a real-time receiver is told about an inbox event, and in which order. Transport-free:
//! the Socket.IO gateway (`web::realtime`) drives it per connected socket.
//!
//! - [`delivery_for`] reads the event's records **as the receiver** (their rules, now): a
//!   conversation they may not read, or no longer may, yields nothing, and a payload holds only
//!   what the rules let them read.
//! - [`Cursor`] decides which sequence numbers still need delivering to one connection, so a
//!   replay from the `InboxEvent` table and the live stream meet with no gap and no duplicate.
//! - [`replay_page`] pages through the table under the receiver's rules.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};
use store::StoreError;

use super::events::{EventKind, InboxEvent, replay};
use crate::Actor;

/// Socket.IO event names the client listens to.
pub mod names {
    pub const NEW_MESSAGE: &str = "new_message";
    pub const MESSAGE_STATUS: &str = "message_status";
    pub const MESSAGE_UPDATED: &str = "message_updated";
    pub const CONVERSATION_ASSIGNED: &str = "conversation_assigned";
    pub const CONVERSATION_READ: &str = "conversation_read";
    pub const CONVERSATION_STATUS: &str = "conversation_status";
}

/// One event for one receiver: the client-side event name and its JSON payload (with `seq`).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub name: &'static str,
    pub seq: i64,
    pub payload: Value,
}

/// How many events a replay reads per query.
pub const REPLAY_PAGE: u32 = 200;

/// The payload of `event` as `actor` may see it right now, or `None` when the rules hide it
/// (another agency, a conversation they cannot read, a message that is gone).
pub async fn delivery_for(db: &store::Db, actor: &Actor, event: &InboxEvent) -> Result<Option<Delivery>, StoreError> {
    if event.tenant_id != actor.tenant_id {
        return Ok(None);
    }
    let client = actor.db(db);
    let message = match (&event.kind, &event.message_id) {
        (EventKind::MessageReceived | EventKind::MessageStatus | EventKind::MessageUpdated, Some(id)) => {
            let row = client
                .run("Message", "findFirst", &json!({"where": {"id": id, "conversationId": event.conversation_id}}))
                .await?;
            if row.is_null() {
                return Ok(None);
            }
            Some(row)
        }
        (EventKind::MessageReceived | EventKind::MessageStatus | EventKind::MessageUpdated, None) => return Ok(None),
        _ => None,
    };
    let conversation = match message {
        // Reading the message already applied the conversation's rules (`check(conversation)`).
        Some(_) => Value::Null,
        None => {
            let row = client.run("Conversation", "findFirst", &json!({"where": {"id": event.conversation_id}})).await?;
            if row.is_null() {
                return Ok(None);
            }
            row
        }
    };
    Ok(shape(event, message.as_ref(), &conversation))
}

/// Builds the payload from rows already read under the receiver's rules.
fn shape(event: &InboxEvent, message: Option<&Value>, conversation: &Value) -> Option<Delivery> {
    let mut payload = Map::new();
    payload.insert("conversationId".into(), json!(event.conversation_id));
    let name = match event.kind {
        EventKind::MessageReceived => {
            payload.insert("message".into(), message?.clone());
            names::NEW_MESSAGE
        }
        EventKind::MessageUpdated => {
            payload.insert("message".into(), message?.clone());
            names::MESSAGE_UPDATED
        }
        EventKind::MessageStatus => {
            let m = message?;
            payload.insert("messageId".into(), m.get("id")?.clone());
            payload.insert("status".into(), m.get("status")?.clone());
            for key in ["errorCode", "errorMessage"] {
                if let Some(v) = m.get(key).filter(|v| !v.is_null()) {
                    payload.insert(key.into(), v.clone());
                }
            }
            names::MESSAGE_STATUS
        }
        EventKind::ConversationAssigned => {
            payload.insert("assigneeId".into(), conversation.get("assigneeId").cloned().unwrap_or(Value::Null));
            names::CONVERSATION_ASSIGNED
        }
        EventKind::ConversationRead => names::CONVERSATION_READ,
        EventKind::ConversationStatus => {
            payload.insert("status".into(), conversation.get("status")?.clone());
            payload.insert("snoozedUntil".into(), conversation.get("snoozedUntil").cloned().unwrap_or(Value::Null));
            names::CONVERSATION_STATUS
        }
    };
    payload.insert("seq".into(), json!(event.seq));
    Some(Delivery { name, seq: event.seq, payload: Value::Object(payload) })
}

/// One page of the events after `after` that `actor` may read (oldest first).
pub async fn replay_page(db: &store::Db, actor: &Actor, after: i64) -> Result<Vec<InboxEvent>, StoreError> {
    replay(&actor.db(db), after, REPLAY_PAGE).await
}

/// The newest event `actor` may read (0 when none): where a connection that asked for no replay
/// starts, so a lagging stream knows where to resume from.
pub async fn latest_seq(db: &store::Db, actor: &Actor) -> Result<i64, StoreError> {
    let row = actor
        .db(db)
        .run("InboxEvent", "findFirst", &json!({"orderBy": {"seq": "desc"}, "select": {"seq": true}}))
        .await?;
    Ok(row.get("seq").and_then(Value::as_i64).unwrap_or(0))
}

/// Which sequence numbers one connection still needs. Sequence numbers are global and may be
/// published slightly out of order (two writers commit, then publish, in either order), so the
/// cursor remembers the numbers it handled rather than only the highest one.
#[derive(Debug, Clone)]
pub struct Cursor {
    /// Everything at or below is settled: the client said it has it, or it fell out of the window.
    floor: Option<i64>,
    /// The highest number handled.
    high: i64,
    /// Numbers handled above `floor` (bounded by [`Cursor::WINDOW`]).
    seen: BTreeSet<i64>,
}

impl Cursor {
    /// How many handled numbers are remembered; older ones raise the floor.
    pub const WINDOW: usize = 4096;
    /// How far below the highest handled number a replay after a lag starts, to catch events
    /// published out of order around the gap (already handled ones are skipped).
    pub const SLACK: i64 = 256;

    /// A cursor for a client that has seen everything up to `last_seen` (when it says so), on a
    /// stream whose newest event visible at connect time was `origin`.
    pub fn new(last_seen: Option<i64>, origin: i64) -> Cursor {
        Cursor { floor: last_seen, high: last_seen.unwrap_or(origin), seen: BTreeSet::new() }
    }

    /// Whether `seq` still has to be handled (delivered or found hidden).
    pub fn wants(&self, seq: i64) -> bool {
        self.floor.is_none_or(|f| seq > f) && !self.seen.contains(&seq)
    }

    /// Records `seq` as handled.
    pub fn handled(&mut self, seq: i64) {
        if !self.wants(seq) {
            return;
        }
        self.seen.insert(seq);
        self.high = self.high.max(seq);
        while self.seen.len() > Self::WINDOW {
            if let Some(oldest) = self.seen.pop_first() {
                self.floor = Some(self.floor.map_or(oldest, |f| f.max(oldest)));
            }
        }
    }

    /// Where a replay after a lag (or a failed read) starts.
    pub fn resume_point(&self) -> i64 {
        let from = self.high.saturating_sub(Self::SLACK);
        self.floor.map_or(from, |f| from.max(f))
    }

    /// The client says it has everything up to `after` and nothing newer: forget what was
    /// handled above it, so a replay from `after` delivers it again.
    pub fn rewind(&mut self, after: i64) {
        self.seen.retain(|&s| s <= after);
        self.floor = Some(after);
        self.high = self.seen.last().copied().map_or(after, |s| s.max(after));
    }

    /// The highest number handled.
    pub fn high(&self) -> i64 {
        self.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, message: Option<&str>) -> InboxEvent {
        InboxEvent {
            seq: 42,
            tenant_id: "t1".into(),
            kind,
            conversation_id: "c1".into(),
            message_id: message.map(str::to_owned),
        }
    }

    #[test]
    fn a_new_message_carries_the_message_as_read() {
        let m = json!({"id": "m1", "conversationId": "c1", "body": "مرحبا", "status": "RECEIVED"});
        let d = shape(&event(EventKind::MessageReceived, Some("m1")), Some(&m), &Value::Null).unwrap();
        assert_eq!(d.name, "new_message");
        assert_eq!(d.payload, json!({"conversationId": "c1", "message": m, "seq": 42}));
    }

    #[test]
    fn an_update_carries_the_message_as_read_now() {
        let m = json!({"id": "m1", "conversationId": "c1", "type": "IMAGE", "mediaFileId": "f1"});
        let d = shape(&event(EventKind::MessageUpdated, Some("m1")), Some(&m), &Value::Null).unwrap();
        assert_eq!(d.name, "message_updated");
        assert_eq!(d.payload, json!({"conversationId": "c1", "message": m, "seq": 42}));
        assert_eq!(shape(&event(EventKind::MessageUpdated, Some("m1")), None, &Value::Null), None);
    }

    #[test]
    fn a_status_carries_only_the_status_fields() {
        let m =
            json!({"id": "m1", "body": "secret body", "status": "FAILED", "errorCode": "131047", "errorMessage": null});
        let d = shape(&event(EventKind::MessageStatus, Some("m1")), Some(&m), &Value::Null).unwrap();
        assert_eq!(d.name, "message_status");
        assert_eq!(
            d.payload,
            json!({"conversationId": "c1", "messageId": "m1", "status": "FAILED", "errorCode": "131047", "seq": 42})
        );
    }

    #[test]
    fn conversation_events_carry_the_conversation_fields() {
        let c = json!({"id": "c1", "assigneeId": "u2", "status": "SNOOZED", "snoozedUntil": "2030-01-01T00:00:00Z"});
        let assigned = shape(&event(EventKind::ConversationAssigned, None), None, &c).unwrap();
        assert_eq!(assigned.payload, json!({"conversationId": "c1", "assigneeId": "u2", "seq": 42}));
        let read = shape(&event(EventKind::ConversationRead, None), None, &c).unwrap();
        assert_eq!((read.name, read.payload), ("conversation_read", json!({"conversationId": "c1", "seq": 42})));
        let status = shape(&event(EventKind::ConversationStatus, None), None, &c).unwrap();
        assert_eq!(status.payload["status"], "SNOOZED");
    }

    #[test]
    fn a_message_event_without_its_message_yields_nothing() {
        assert_eq!(shape(&event(EventKind::MessageReceived, Some("m1")), None, &Value::Null), None);
        assert_eq!(shape(&event(EventKind::MessageStatus, Some("m1")), Some(&json!({"id": "m1"})), &Value::Null), None);
    }

    #[test]
    fn the_cursor_skips_what_the_client_has_and_what_was_handled() {
        let mut c = Cursor::new(Some(10), 0);
        assert!(!c.wants(9) && !c.wants(10));
        assert!(c.wants(11));
        c.handled(11);
        assert!(!c.wants(11), "a live copy of a replayed event is dropped");
        // Published out of order: 13 before 12; 12 still gets through, once.
        c.handled(13);
        assert!(c.wants(12));
        c.handled(12);
        assert!(!c.wants(12));
        assert_eq!(c.high(), 13);
    }

    #[test]
    fn a_fresh_cursor_takes_every_live_event_and_resumes_from_its_origin() {
        let c = Cursor::new(None, 1000);
        assert!(c.wants(1) && c.wants(1001));
        assert_eq!(c.resume_point(), 1000 - Cursor::SLACK);
        assert_eq!(Cursor::new(Some(5), 1000).resume_point(), 5, "never below what the client has");
    }

    #[test]
    fn the_window_is_bounded_and_raises_the_floor() {
        let mut c = Cursor::new(None, 0);
        for s in 1..=(Cursor::WINDOW as i64 + 10) {
            c.handled(s);
        }
        assert!(c.seen.len() <= Cursor::WINDOW);
        assert!(!c.wants(1) && !c.wants(10));
        assert!(c.wants(Cursor::WINDOW as i64 + 11));
    }

    #[test]
    fn rewinding_redelivers_what_the_client_lost() {
        let mut c = Cursor::new(Some(0), 0);
        for s in [3, 5, 8] {
            c.handled(s);
        }
        c.rewind(4);
        assert!(!c.wants(3));
        assert!(c.wants(5) && c.wants(8));
        assert_eq!(c.high(), 4);
    }
}
