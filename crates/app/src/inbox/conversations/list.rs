//! Reading the inbox: the conversations list (filters, cursor pages by last message, newest
//! first, with the caller's unread counts), one conversation, and its messages (newest first).

use serde_json::{Value, json};
use store::Db;

use super::view::{ChannelKind, ConversationStatus, ConversationView, MessageView};
use super::{CONVERSATIONS, InboxError, text};
use crate::actor::Actor;
use crate::page::{Limit, Sort, split_page};
use crate::records::{Page, PageQuery, RecordError};

/// What a conversation row is read with: the lead's name, the channel, the customer's address.
pub(crate) fn include() -> Value {
    json!({
        "lead": {"select": {"name": true}},
        "channelAccount": {"select": {"kind": true}},
        "identity": {"select": {"address": true}},
    })
}

/// The order of the conversations list: the last message, newest first (never-written ones last).
const BY_LAST_MESSAGE: Sort = Sort { field: "lastMessageAt", desc: true };
/// The orders of a conversation's messages: `-createdAt` (newest first, the default) or `createdAt`.
pub const MESSAGE_SORTS: &[&str] = &["createdAt"];
const NEWEST_FIRST: Sort = Sort { field: "createdAt", desc: true };

/// What to list. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListConversations {
    /// Only the caller's own conversations.
    pub mine: bool,
    /// Only conversations nobody answers yet.
    pub unassigned: bool,
    /// Conversations whose assignee is in this team.
    pub team_id: Option<String>,
    /// The conversations of this lead (on every channel).
    pub lead_id: Option<String>,
    pub channel: Option<ChannelKind>,
    pub status: Option<ConversationStatus>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// One page of the conversations the caller may read, by last message, newest first.
pub async fn list(db: &Db, actor: &Actor, q: ListConversations) -> Result<Page<ConversationView>, InboxError> {
    let limit = Limit::parse(q.limit).map_err(RecordError::from)?;
    let sort = BY_LAST_MESSAGE;
    let mut all = Vec::new();
    if q.mine {
        all.push(json!({"assigneeId": actor.user_id}));
    }
    if q.unassigned {
        all.push(json!({"assigneeId": null}));
    }
    if let Some(team) = q.team_id.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        all.push(json!({"assignee": {"is": {"teamId": team}}}));
    }
    if let Some(lead) = q.lead_id.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        all.push(json!({"leadId": lead}));
    }
    if let Some(kind) = q.channel {
        all.push(json!({"channelAccount": {"is": {"kind": kind.as_str()}}}));
    }
    if let Some(status) = q.status {
        all.push(json!({"status": status.as_str()}));
    }
    if let Some(cursor) = q.cursor.as_deref().filter(|c| !c.is_empty()) {
        let cursor = sort.decode(cursor).map_err(RecordError::from)?;
        all.push(sort.after_nulls_last(&cursor));
    }
    let args = json!({
        "where": {"AND": all},
        "orderBy": sort.order_by_nulls_last(),
        "take": limit.get() + 1,
        "include": include(),
    });
    let rows = match actor.db(db).run("Conversation", "findMany", &args).await? {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let (rows, next_cursor) = split_page(rows, limit, &sort);
    let mut items = Vec::with_capacity(rows.len());
    let ids: Vec<&str> = rows.iter().filter_map(|r| text(r, "id")).collect();
    let reads = read_marks(db, actor, &ids).await?;
    for row in &rows {
        let id = text(row, "id").unwrap_or_default();
        let unread = unread_count(db, actor, id, reads.get(id).map(String::as_str)).await?;
        items.push(ConversationView::from_row(row, unread)?);
    }
    Ok(Page { items, next_cursor })
}

/// One conversation the caller may read.
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<ConversationView, InboxError> {
    let row = conversation_row(db, actor, id).await?;
    let reads = read_marks(db, actor, &[id]).await?;
    let unread = unread_count(db, actor, id, reads.get(id).map(String::as_str)).await?;
    Ok(ConversationView::from_row(&row, unread)?)
}

/// The conversation's row (with [`include`]) if the caller may read it.
pub(crate) async fn conversation_row(db: &Db, actor: &Actor, id: &str) -> Result<Value, InboxError> {
    let args = json!({"where": {"id": id}, "include": include()});
    match actor.db(db).run("Conversation", "findUnique", &args).await? {
        row @ Value::Object(_) => Ok(row),
        _ => Err(RecordError::NotFound(CONVERSATIONS_MODEL).into()),
    }
}

const CONVERSATIONS_MODEL: &str = "Conversation";

/// One page of a conversation's messages (notes included), newest first unless `sort` is
/// `createdAt`.
pub async fn messages(db: &Db, actor: &Actor, id: &str, page: PageQuery) -> Result<Page<MessageView>, InboxError> {
    CONVERSATIONS.row(db, actor, id).await?;
    let limit = Limit::parse(page.limit).map_err(RecordError::from)?;
    let sort = Sort::parse(page.sort.as_deref(), MESSAGE_SORTS, NEWEST_FIRST).map_err(RecordError::from)?;
    let mut all = vec![json!({"conversationId": id})];
    if let Some(cursor) = page.cursor.as_deref().filter(|c| !c.is_empty()) {
        all.push(sort.after(&sort.decode(cursor).map_err(RecordError::from)?));
    }
    let args = json!({"where": {"AND": all}, "orderBy": sort.order_by(), "take": limit.get() + 1});
    let rows = match actor.db(db).run("Message", "findMany", &args).await? {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let (rows, next_cursor) = split_page(rows, limit, &sort);
    let items = rows.into_iter().map(MessageView::from_row).collect::<Result<_, _>>()?;
    Ok(Page { items, next_cursor })
}

/// One message (or note) of a conversation, if the caller may read it; a message of another
/// conversation, or one the rules hide, answers `NotFound` like a missing one.
pub async fn message(
    db: &Db,
    actor: &Actor,
    conversation_id: &str,
    message_id: &str,
) -> Result<MessageView, InboxError> {
    let args = json!({"where": {"id": message_id, "conversationId": conversation_id}});
    match actor.db(db).run("Message", "findFirst", &args).await? {
        row @ Value::Object(_) => Ok(MessageView::from_row(row)?),
        _ => Err(RecordError::NotFound("Message").into()),
    }
}

/// The conversation's message with this provider id (the one a reply quotes), if the caller may
/// read it.
pub async fn message_by_provider_id(
    db: &Db,
    actor: &Actor,
    conversation_id: &str,
    provider_id: &str,
) -> Result<Option<MessageView>, InboxError> {
    let args = json!({"where": {"providerMessageId": provider_id, "conversationId": conversation_id}});
    match actor.db(db).run("Message", "findFirst", &args).await? {
        row @ Value::Object(_) => Ok(Some(MessageView::from_row(row)?)),
        _ => Ok(None),
    }
}

/// The caller's read marks of these conversations: conversation id → lastReadAt.
async fn read_marks(
    db: &Db,
    actor: &Actor,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>, InboxError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let args = json!({
        "where": {"conversationId": {"in": ids}, "userId": actor.user_id},
        "select": {"conversationId": true, "lastReadAt": true},
    });
    let rows = actor.db(db).run("ConversationRead", "findMany", &args).await?;
    Ok(rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|r| Some((text(r, "conversationId")?.to_owned(), text(r, "lastReadAt")?.to_owned())))
                .collect()
        })
        .unwrap_or_default())
}

/// Customer messages of the conversation after `last_read_at` (all of them without a mark).
async fn unread_count(db: &Db, actor: &Actor, id: &str, last_read_at: Option<&str>) -> Result<i64, InboxError> {
    let mut filter = json!({"conversationId": id, "direction": "IN"});
    if let (Some(at), Value::Object(f)) = (last_read_at, &mut filter) {
        f.insert("createdAt".into(), json!({"gt": at}));
    }
    let n = actor.db(db).run("Message", "count", &json!({"where": filter})).await?;
    Ok(n.as_i64().unwrap_or_default())
}
