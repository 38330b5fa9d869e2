//! Changing a conversation: (un)assigning it, opening, snoozing or closing it, marking it read
//! (and, on WhatsApp, telling the customer's phone), and adding a private note. Each change is
//! made under the caller's rules, then recorded as an inbox event.

use chrono::{DateTime, Utc};
use jobs::JobActor;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::list::{conversation_row, get};
use super::view::{ChannelKind, ConversationStatus, ConversationView, MessageView};
use super::{CONVERSATIONS, InboxError, now, text};
use crate::App;
use crate::actor::Actor;
use crate::inbox::delivery::MarkRead;
use crate::inbox::events::{self, EventKind};
use crate::records::{RecordError, trimmed};

/// `POST /conversations/{id}/assign`: `null` unassigns.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssignConversation {
    /// An active user of the agency, or `null`.
    pub assignee_id: Option<String>,
}

/// `POST /conversations/{id}/status`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SetStatus {
    pub status: ConversationStatus,
    /// Required with `SNOOZED`: a future instant (RFC 3339).
    pub snoozed_until: Option<String>,
}

/// `POST /conversations/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewNote {
    #[schema(example = "العميل يفضّل الاتصال بعد الخامسة")]
    pub body: String,
}

/// Gives the conversation to another agent (or nobody). The rules leave that to admins and
/// managers (a manager within their team); an agent gets 403.
pub async fn assign(
    app: &App,
    actor: &Actor,
    id: &str,
    body: AssignConversation,
) -> Result<ConversationView, InboxError> {
    let current = CONVERSATIONS.row(&app.db, actor, id).await?;
    let assignee = trimmed(body.assignee_id);
    if let Some(user) = &assignee
        && !crate::deals::active_user(&app.db, actor, user).await?
    {
        return Err(RecordError::invalid("conversation.invalid_assignee", "assigneeId").into());
    }
    if text(&current, "assigneeId") == assignee.as_deref() {
        return get(&app.db, actor, id).await;
    }
    let mut data = Map::new();
    data.insert("assigneeId".into(), json!(assignee));
    CONVERSATIONS.update::<Value>(&app.db, actor, id, current, data, None).await?;
    events::record(&app.db, &app.events, &actor.tenant_id, EventKind::ConversationAssigned, id, None).await?;
    get(&app.db, actor, id).await
}

/// Opens, snoozes (until a future instant) or closes the conversation.
pub async fn set_status(app: &App, actor: &Actor, id: &str, body: SetStatus) -> Result<ConversationView, InboxError> {
    let current = CONVERSATIONS.row(&app.db, actor, id).await?;
    let snoozed_until = match (body.status, body.snoozed_until.as_deref()) {
        (ConversationStatus::Snoozed, Some(until)) => {
            let until = DateTime::parse_from_rfc3339(until.trim())
                .ok()
                .map(|t| t.with_timezone(&Utc))
                .filter(|t| *t > Utc::now())
                .ok_or_else(|| RecordError::invalid("conversation.invalid_snooze", "snoozedUntil"))?;
            Some(until.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        }
        (ConversationStatus::Snoozed, None) => {
            return Err(RecordError::invalid("conversation.invalid_snooze", "snoozedUntil").into());
        }
        (_, Some(_)) => return Err(RecordError::invalid("conversation.invalid_snooze", "snoozedUntil").into()),
        (_, None) => None,
    };
    let mut data = Map::new();
    data.insert("status".into(), json!(body.status.as_str()));
    data.insert("snoozedUntil".into(), json!(snoozed_until));
    CONVERSATIONS.update::<Value>(&app.db, actor, id, current, data, None).await?;
    events::record(&app.db, &app.events, &actor.tenant_id, EventKind::ConversationStatus, id, None).await?;
    get(&app.db, actor, id).await
}

/// Marks the conversation read by the caller now (their unread count drops to 0). On WhatsApp
/// the customer's last message is also marked read on their phone (blue ticks), by a job.
pub async fn mark_read(app: &App, actor: &Actor, id: &str) -> Result<ConversationView, InboxError> {
    let row = conversation_row(&app.db, actor, id).await?;
    let client = actor.db(&app.db);
    let at = now();
    let mark = client
        .run(
            "ConversationRead",
            "findFirst",
            &json!({"where": {"conversationId": id, "userId": actor.user_id}, "select": {"id": true}}),
        )
        .await?;
    match text(&mark, "id") {
        Some(mark_id) => {
            let args = json!({"where": {"id": mark_id}, "data": {"lastReadAt": at}, "select": {"id": true}});
            client.run("ConversationRead", "update", &args).await?;
        }
        None => {
            let args = json!({
                "data": {"tenantId": actor.tenant_id, "conversationId": id, "lastReadAt": at},
                "select": {"id": true},
            });
            match client.run("ConversationRead", "create", &args).await {
                // A concurrent read by the same user created it first: move it forward instead.
                Err(store::StoreError::UniqueViolation { .. }) => {
                    let args = json!({
                        "where": {"conversationId": id, "userId": actor.user_id},
                        "data": {"lastReadAt": at},
                    });
                    client.run("ConversationRead", "updateMany", &args).await?;
                }
                other => {
                    other?;
                }
            }
        }
    }
    let whatsapp = row.get("channelAccount").and_then(|a| text(a, "kind")) == Some(ChannelKind::Whatsapp.as_str());
    if whatsapp {
        let last_in = client
            .run(
                "Message",
                "findFirst",
                &json!({
                    "where": {"conversationId": id, "direction": "IN", "providerMessageId": {"not": null}},
                    "orderBy": [{"createdAt": "desc"}, {"id": "desc"}],
                    "select": {"id": true},
                }),
            )
            .await?;
        if let Some(message_id) = text(&last_in, "id") {
            let job = jobs::new_job(
                &MarkRead { message_id: message_id.to_owned() },
                Some(actor.tenant_id.clone()),
                JobActor::User(actor.user_id.clone()),
            )
            .map_err(|e| RecordError::Unreadable(e.to_string()))?;
            app.db.queue().enqueue(&job).await?;
            app.job_wake.notify_one();
        }
    }
    events::record(&app.db, &app.events, &actor.tenant_id, EventKind::ConversationRead, id, None).await?;
    get(&app.db, actor, id).await
}

/// Adds a private note: a message the agents of the conversation read, never sent to the
/// customer.
pub async fn add_note(app: &App, actor: &Actor, id: &str, body: NewNote) -> Result<MessageView, InboxError> {
    let row = conversation_row(&app.db, actor, id).await?;
    let text_body = trimmed(Some(body.body)).ok_or_else(|| RecordError::invalid("message.body_required", "body"))?;
    let channel = row.get("channelAccount").and_then(|a| text(a, "kind")).unwrap_or_default();
    let data = json!({
        "tenantId": actor.tenant_id,
        "conversationId": id,
        "channelAccountId": text(&row, "channelAccountId"),
        "channel": channel,
        "direction": "OUT",
        "type": "TEXT",
        "body": text_body,
        "status": "NOTE",
        "private": true,
        "authorId": actor.user_id,
    });
    let note: Value = actor.db(&app.db).run("Message", "create", &json!({ "data": data })).await?;
    let note = MessageView::from_row(note)?;
    events::record(&app.db, &app.events, &actor.tenant_id, EventKind::MessageReceived, id, Some(&note.id)).await?;
    Ok(note)
}
