//! Inbox events: every inbound message, status change, assignment and read mark is recorded in
//! the `InboxEvent` table (its `seq` is the replay cursor of a reconnecting client) and then
//! published on the [`EventBus`], which the real-time layer fans out to the agents who may read
//! the conversation. The event carries ids only: each receiver reads the records under its own
//! rules, so a payload never holds more than its receiver may see.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use store::{Db, StoreError};
use tokio::sync::broadcast;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    /// A message arrived from a customer (or an agent's OUT message or note was recorded).
    #[serde(rename = "message.received")]
    MessageReceived,
    /// A message's delivery status moved (sent, delivered, read, failed).
    #[serde(rename = "message.status")]
    MessageStatus,
    /// A stored message changed otherwise (e.g. its downloaded media got linked).
    #[serde(rename = "message.updated")]
    MessageUpdated,
    /// The conversation got another assignee (or none).
    #[serde(rename = "conversation.assigned")]
    ConversationAssigned,
    /// Someone read the conversation (unread counts change).
    #[serde(rename = "conversation.read")]
    ConversationRead,
    /// The conversation was opened, snoozed or closed.
    #[serde(rename = "conversation.status")]
    ConversationStatus,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageReceived => "message.received",
            EventKind::MessageStatus => "message.status",
            EventKind::MessageUpdated => "message.updated",
            EventKind::ConversationAssigned => "conversation.assigned",
            EventKind::ConversationRead => "conversation.read",
            EventKind::ConversationStatus => "conversation.status",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        [
            EventKind::MessageReceived,
            EventKind::MessageStatus,
            EventKind::MessageUpdated,
            EventKind::ConversationAssigned,
            EventKind::ConversationRead,
            EventKind::ConversationStatus,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxEvent {
    /// Ever increasing across the whole database: the replay cursor.
    pub seq: i64,
    pub tenant_id: String,
    pub kind: EventKind,
    pub conversation_id: String,
    pub message_id: Option<String>,
}

/// Where recorded events are published. In-process by default ([`LocalBus`]); a Redis-backed
/// bus lets several server nodes share them.
pub trait EventBus: Send + Sync + 'static {
    /// Publishes an event that is already recorded. Never blocks; with nobody listening the
    /// event is simply dropped (clients catch up from the table).
    fn publish(&self, event: InboxEvent);
    /// A stream of the events published from now on. A receiver that falls behind gets
    /// `Lagged` and must replay from the table.
    fn subscribe(&self) -> broadcast::Receiver<InboxEvent>;
}

/// The in-process bus: a broadcast channel.
pub struct LocalBus {
    tx: broadcast::Sender<InboxEvent>,
}

impl LocalBus {
    /// A bus that buffers `capacity` events per slow receiver.
    pub fn new(capacity: usize) -> LocalBus {
        LocalBus { tx: broadcast::channel(capacity.max(16)).0 }
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        LocalBus::new(1024)
    }
}

impl EventBus for LocalBus {
    fn publish(&self, event: InboxEvent) {
        // An error only means nobody is subscribed right now.
        let _ = self.tx.send(event);
    }

    fn subscribe(&self) -> broadcast::Receiver<InboxEvent> {
        self.tx.subscribe()
    }
}

/// Records an event in `InboxEvent` (as the system: events are not written through the API) and
/// publishes it. Call it after the change it describes has committed.
pub async fn record(
    db: &Db,
    bus: &Arc<dyn EventBus>,
    tenant_id: &str,
    kind: EventKind,
    conversation_id: &str,
    message_id: Option<&str>,
) -> Result<InboxEvent, StoreError> {
    let row = db
        .as_system("inbox: record an event")
        .create(
            "InboxEvent",
            json!({"data": {
                "tenantId": tenant_id,
                "kind": kind.as_str(),
                "conversationId": conversation_id,
                "messageId": message_id,
            }}),
        )
        .await?;
    let event = InboxEvent {
        seq: row.get("seq").and_then(Value::as_i64).unwrap_or_default(),
        tenant_id: tenant_id.to_owned(),
        kind,
        conversation_id: conversation_id.to_owned(),
        message_id: message_id.map(str::to_owned),
    };
    bus.publish(event.clone());
    Ok(event)
}

/// The events after `seq` (at most `limit`, oldest first) of conversations `client`'s caller may
/// read — what a reconnecting client missed.
pub async fn replay(client: &store::Client, after_seq: i64, limit: u32) -> Result<Vec<InboxEvent>, StoreError> {
    let rows = client
        .run(
            "InboxEvent",
            "findMany",
            &json!({"where": {"seq": {"gt": after_seq}}, "orderBy": {"seq": "asc"}, "take": limit}),
        )
        .await?;
    Ok(rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| {
                    Some(InboxEvent {
                        seq: r.get("seq")?.as_i64()?,
                        tenant_id: r.get("tenantId")?.as_str()?.to_owned(),
                        kind: EventKind::parse(r.get("kind")?.as_str()?)?,
                        conversation_id: r.get("conversationId")?.as_str()?.to_owned(),
                        message_id: r.get("messageId").and_then(Value::as_str).map(str::to_owned),
                    })
                })
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in [
            EventKind::MessageReceived,
            EventKind::MessageStatus,
            EventKind::MessageUpdated,
            EventKind::ConversationRead,
        ] {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()));
        }
        assert_eq!(EventKind::parse("nope"), None);
    }

    #[tokio::test]
    async fn the_local_bus_fans_out_to_every_subscriber() {
        let bus = LocalBus::new(16);
        let (mut a, mut b) = (bus.subscribe(), bus.subscribe());
        let event = InboxEvent {
            seq: 7,
            tenant_id: "t".into(),
            kind: EventKind::MessageReceived,
            conversation_id: "c".into(),
            message_id: Some("m".into()),
        };
        bus.publish(event.clone());
        assert_eq!(a.recv().await.unwrap(), event);
        assert_eq!(b.recv().await.unwrap(), event);
    }
}
