//! The inbox page: `GET /inbox` (the conversation list) and `GET /inbox/{id}` (the list and one
//! thread with its composer), plus the fragments `assets/inbox.js` swaps in as the live stream
//! reports changes: `GET /inbox/list`, `GET /inbox/{id}/messages/{messageId}` (one bubble),
//! `GET /inbox/{id}/older` (an older page) and `GET /inbox/{id}/composer`. The script sends
//! through the JSON API (`POST /api/v1/conversations/{id}/messages`, `…/notes`, `…/read`);
//! without script the composer posts to `POST /inbox/{id}/send` (a multipart form when the
//! channel takes files), which calls the same use cases. A file is stored through
//! `app::files` as a file of the lead, then sent with the text as its caption; the script posts
//! the same form there when a file is attached (`HX-Request`: answered with the new bubble, or
//! `422` and the reason).
//!
//! Everything is read through `app::inbox` under the reader's rules: another agent's
//! conversation, or a message of it, answers the same 404 page as a missing one.

mod send;
mod view;

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use app::inbox::conversations::{self, ConversationView, InboxError, ListConversations, MessageView};
use app::records::{PageQuery, RecordError};
use app::users::ListUsers;
use domain::Role;
use ui::pages::inbox::{
    Bubble, ComposerFragment, ConversationList, FilterTab, InboxPage, ListFragment, OlderFragment, ReplyTarget, Thread,
};
use ui::{Section, Tr};

pub use send::send;

use super::session::Viewer;
use super::{html, not_found};
use crate::AppState;
use view::Draft;

/// Conversations per list page.
const LIST_SIZE: u32 = 50;
/// Messages per thread page.
const THREAD_SIZE: u32 = 30;

/// The list's filters, in the order they are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Mine,
    Unassigned,
    /// The manager's team.
    Team,
}

impl Filter {
    fn key(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Mine => "mine",
            Filter::Unassigned => "unassigned",
            Filter::Team => "team",
        }
    }

    /// The filters the reader is offered: the team only to a manager with a team.
    fn offered(viewer: &Viewer) -> Vec<Filter> {
        let mut f = vec![Filter::Mine, Filter::Unassigned];
        if viewer.actor.role == Role::Manager && viewer.actor.team_id.is_some() {
            f.push(Filter::Team);
        }
        f.push(Filter::All);
        f
    }

    fn parse(key: &str, viewer: &Viewer) -> Filter {
        Filter::offered(viewer).into_iter().find(|f| f.key() == key).unwrap_or(Filter::All)
    }
}

/// The query string of the inbox's pages and fragments, as typed.
#[derive(Debug, Default)]
struct InboxQuery {
    filter: String,
    /// The list's page.
    cursor: Option<String>,
    /// The thread's older page (`GET /inbox/{id}?before=…` without script).
    before: Option<String>,
    /// The open conversation (list fragment).
    open: Option<String>,
    /// A refused send's error code (the no-script composer).
    error: Option<String>,
    /// The message to reply to (the bubbles' reply control without script).
    reply_to: Option<String>,
}

impl InboxQuery {
    fn parse(raw: Option<&str>) -> InboxQuery {
        let mut q = InboxQuery::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "filter" => q.filter = v,
                "cursor" if !v.is_empty() => q.cursor = Some(v),
                "before" if !v.is_empty() => q.before = Some(v),
                "open" if !v.is_empty() => q.open = Some(v),
                "error" if !v.is_empty() => q.error = Some(v),
                "reply_to" if !v.is_empty() => q.reply_to = Some(v),
                _ => {}
            }
        }
        q
    }
}

/// `/inbox`, or `/inbox/{id}`, with the filter (and extra pairs) in the query string.
fn href(open: Option<&str>, filter: Filter, extra: &[(&str, &str)]) -> String {
    let path = open.map_or_else(|| "/inbox".to_owned(), |id| format!("/inbox/{id}"));
    let mut s = form_urlencoded::Serializer::new(String::new());
    if filter != Filter::All {
        s.append_pair("filter", filter.key());
    }
    for (k, v) in extra {
        s.append_pair(k, v);
    }
    let qs = s.finish();
    if qs.is_empty() { path } else { format!("{path}?{qs}") }
}

/// The answer to an inbox use case that failed: the not-found page for what does not exist or
/// may not be seen, else a logged 500.
fn failed(e: InboxError, tr: Tr, what: &str) -> Response {
    match e {
        InboxError::Record(RecordError::NotFound(_) | RecordError::Forbidden) => not_found(tr),
        InboxError::Record(RecordError::Page(_)) => (StatusCode::BAD_REQUEST, tr.t("error-not-found")).into_response(),
        e => {
            tracing::error!(error = %e, "inbox page: {what}");
            crate::pages::server_error(tr)
        }
    }
}

/// One page of the list, under the reader's rules.
async fn conversation_list(
    state: &AppState,
    viewer: &Viewer,
    filter: Filter,
    cursor: Option<String>,
    open: Option<&str>,
) -> Result<ConversationList, InboxError> {
    let tr = viewer.tr();
    let query = ListConversations {
        mine: filter == Filter::Mine,
        unassigned: filter == Filter::Unassigned,
        team_id: if filter == Filter::Team { viewer.actor.team_id.clone() } else { None },
        limit: Some(LIST_SIZE),
        cursor: cursor.clone(),
        ..ListConversations::default()
    };
    let page = conversations::list(&state.app.db, &viewer.actor, query).await?;
    let items = page.items.iter().map(|c| view::item(c, tr, href(Some(&c.id), filter, &[]), open)).collect::<Vec<_>>();
    let filters = Filter::offered(viewer)
        .into_iter()
        .map(|f| FilterTab {
            key: f.key(),
            label: tr.t(&format!("inbox-filter-{}", f.key())),
            href: href(open, f, &[]),
            current: f == filter,
        })
        .collect();
    let mut refresh = vec![("filter", filter.key())];
    if let Some(id) = open {
        refresh.push(("open", id));
    }
    let refresh_url =
        format!("/inbox/list?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(refresh).finish());
    Ok(ConversationList {
        filters,
        items,
        next_href: page.next_cursor.as_deref().map(|c| href(open, filter, &[("cursor", c)])),
        refresh_url,
    })
}

/// The agency's users by id, for the authors of replies and notes (empty when the reader may
/// not list them).
async fn authors(state: &AppState, viewer: &Viewer) -> HashMap<String, String> {
    let query = ListUsers { page: PageQuery { limit: Some(100), ..PageQuery::default() }, ..ListUsers::default() };
    match app::users::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p.items.into_iter().map(|u| (u.id, u.name)).collect(),
        Err(e) => {
            tracing::debug!(error = %e, "inbox: authors' names");
            HashMap::new()
        }
    }
}

/// The channel's templates (WhatsApp), read as the reader.
async fn templates(state: &AppState, viewer: &Viewer, c: &ConversationView) -> Option<serde_json::Value> {
    match app::inbox::channels::get(&state.app.db, &viewer.actor, &c.channel_account_id).await {
        Ok(channel) => channel.templates,
        Err(e) => {
            tracing::warn!(error = %e, "inbox: the channel's templates");
            None
        }
    }
}

/// A page of the thread (newest first from the use case), as bubbles oldest first, with the
/// cursor of the next older page.
async fn thread_page(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
    cursor: Option<String>,
) -> Result<(Vec<Bubble>, Option<String>), InboxError> {
    let tr = viewer.tr();
    let page = PageQuery { sort: None, limit: Some(THREAD_SIZE), cursor };
    let mut page = conversations::messages(&state.app.db, &viewer.actor, id, page).await?;
    page.items.reverse();
    let names = authors(state, viewer).await;
    let quotes = view::quotes(&page.items, tr);
    let mut bubbles = Vec::with_capacity(page.items.len());
    for m in &page.items {
        let quote = match m.reply_to_provider_id.as_deref() {
            Some(p) => match quotes.get(p) {
                Some(q) => Some(q.clone()),
                None => quoted(state, viewer, id, p).await,
            },
            None => None,
        };
        bubbles.push(view::bubble(m, tr, &names, quote));
    }
    Ok((bubbles, page.next_cursor))
}

/// The start of the message with provider id `p` (or what it is), if the reader may read it.
async fn quoted(state: &AppState, viewer: &Viewer, id: &str, p: &str) -> Option<String> {
    match conversations::message_by_provider_id(&state.app.db, &viewer.actor, id, p).await {
        Ok(m) => m.and_then(|m| view::snippet(&m, viewer.tr())),
        Err(e) => {
            tracing::debug!(error = %e, "inbox: a quoted message");
            None
        }
    }
}

/// The words of a refused send's code (from the no-script composer's redirect).
fn send_error(code: Option<&str>, tr: Tr) -> Option<String> {
    let code = code?;
    let plausible = code.len() < 64 && code.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
    plausible.then(|| crate::messages::message(code, tr.locale).to_owned())
}

/// The message `message_id` of the conversation as the composer quotes it, when it can be
/// replied to (readable, not a note, taken by the provider); else nothing.
async fn reply_target(state: &AppState, viewer: &Viewer, id: &str, message_id: &str) -> Option<ReplyTarget> {
    let m = match conversations::message(&state.app.db, &viewer.actor, id, message_id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::debug!(error = %e, "inbox: the message to reply to");
            return None;
        }
    };
    // Only a message the provider has taken can be answered.
    m.provider_message_id.as_ref()?;
    Some(ReplyTarget { message_id: m.id.clone(), quote: view::snippet(&m, viewer.tr())? })
}

/// The draft completed for the conversation: an e-mail's default subject (`Re:` the customer's
/// last), the message to reply to.
async fn complete(
    state: &AppState,
    viewer: &Viewer,
    c: &ConversationView,
    reply_to: Option<&str>,
    mut d: Draft,
) -> Draft {
    if d.subject.is_none() && view::channel(c) == ui::pages::inbox::Channel::Email {
        d.subject = match app::inbox::outbound::default_subject(&state.app, &viewer.actor, &c.id).await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "inbox: the default subject");
                None
            }
        };
    }
    if d.reply.is_none()
        && let Some(r) = reply_to
    {
        d.reply = reply_target(state, viewer, &c.id, r).await;
    }
    d
}

/// `GET /inbox`.
pub async fn inbox(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    RawQuery(raw): RawQuery,
) -> Response {
    render(&state, &viewer, None, InboxQuery::parse(raw.as_deref()), None).await
}

/// `GET /inbox/{id}`.
pub async fn conversation(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    render(&state, &viewer, Some(id), InboxQuery::parse(raw.as_deref()), None).await
}

/// The page; `draft` is a refused send's composer (else the query's error and reply target).
async fn render(
    state: &AppState,
    viewer: &Viewer,
    open: Option<String>,
    q: InboxQuery,
    draft: Option<Draft>,
) -> Response {
    let tr = viewer.tr();
    let filter = Filter::parse(&q.filter, viewer);
    // Read before anything else: the live stream replays every event after it, so nothing that
    // happens while the page is read and loaded is missed.
    let seq = app::inbox::realtime::latest_seq(&state.app.db, &viewer.actor).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "inbox page: the newest event");
        0
    });
    let thread = match &open {
        Some(id) => {
            let c = match conversations::get(&state.app.db, &viewer.actor, id).await {
                Ok(c) => c,
                Err(e) => return failed(e, tr, "conversation"),
            };
            let (bubbles, older) = match thread_page(state, viewer, id, q.before.clone()).await {
                Ok(page) => page,
                Err(e) => return failed(e, tr, "messages"),
            };
            let templates = templates(state, viewer, &c).await;
            let draft = match draft {
                Some(d) => complete(state, viewer, &c, None, d).await,
                None => {
                    let d = Draft { error: send_error(q.error.as_deref(), tr), ..Draft::default() };
                    complete(state, viewer, &c, q.reply_to.as_deref(), d).await
                }
            };
            Some(Thread {
                id: c.id.clone(),
                lead_id: c.lead_id.clone(),
                lead_name: c.lead_name.clone().unwrap_or_default(),
                channel: view::channel(&c),
                customer_address: view::customer_address(&c),
                bubbles,
                older_href: older.as_deref().map(|cur| href(Some(id), filter, &[("before", cur)])),
                older_fragment: older.as_deref().map(|cur| older_url(id, cur)),
                composer: view::composer(&c, tr, templates.as_ref(), draft, state.app.files.max_bytes()),
            })
        }
        None => None,
    };
    let list = match conversation_list(state, viewer, filter, q.cursor.clone(), open.as_deref()).await {
        Ok(list) => list,
        Err(e) => return failed(e, tr, "list"),
    };
    let title = match &thread {
        Some(t) if !t.lead_name.is_empty() => format!("{} · {}", t.lead_name, tr.t("inbox-title")),
        _ => tr.t("inbox-title"),
    };
    let path = href(open.as_deref(), filter, &[]);
    html(InboxPage { shell: viewer.shell(Section::Inbox, title, &path), list, thread, seq })
}

fn older_url(id: &str, cursor: &str) -> String {
    format!(
        "/inbox/{id}/older?{}",
        form_urlencoded::Serializer::new(String::new()).append_pair("cursor", cursor).finish()
    )
}

/// `GET /inbox/list?filter=…&open=…`: the list alone.
pub async fn list_fragment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = InboxQuery::parse(raw.as_deref());
    let filter = Filter::parse(&q.filter, &viewer);
    match conversation_list(&state, &viewer, filter, None, q.open.as_deref()).await {
        Ok(list) => html(ListFragment { tr: viewer.tr(), list }),
        Err(e) => failed(e, viewer.tr(), "list fragment"),
    }
}

/// `GET /inbox/{id}/messages/{messageId}`: one bubble.
pub async fn message_fragment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((id, message_id)): Path<(String, String)>,
) -> Response {
    let m = match conversations::message(&state.app.db, &viewer.actor, &id, &message_id).await {
        Ok(m) => m,
        Err(e) => return failed(e, viewer.tr(), "message fragment"),
    };
    one_bubble(&state, &viewer, &m).await
}

/// One message as a bubble fragment (its quote and author looked up).
async fn one_bubble(state: &AppState, viewer: &Viewer, m: &MessageView) -> Response {
    let tr = viewer.tr();
    let quote = match m.reply_to_provider_id.as_deref() {
        Some(p) => quoted(state, viewer, &m.conversation_id, p).await,
        None => None,
    };
    let names = if m.direction == "OUT" { authors(state, viewer).await } else { HashMap::new() };
    html(ui::pages::inbox::BubbleFragment { tr, b: view::bubble(m, tr, &names, quote) })
}

/// `GET /inbox/{id}/older?cursor=…`: the next older page of the thread.
pub async fn older_fragment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = InboxQuery::parse(raw.as_deref());
    match thread_page(&state, &viewer, &id, q.cursor).await {
        Ok((bubbles, older)) => html(OlderFragment {
            tr: viewer.tr(),
            thread_id: id.clone(),
            bubbles,
            older_href: older.as_deref().map(|c| href(Some(&id), Filter::All, &[("before", c)])),
            older_fragment: older.as_deref().map(|c| older_url(&id, c)),
        }),
        Err(e) => failed(e, viewer.tr(), "older messages"),
    }
}

/// `GET /inbox/{id}/composer`: the composer as of now (the window may have closed or opened).
pub async fn composer_fragment(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Response {
    let tr = viewer.tr();
    let c = match conversations::get(&state.app.db, &viewer.actor, &id).await {
        Ok(c) => c,
        Err(e) => return failed(e, tr, "composer"),
    };
    let templates = templates(&state, &viewer, &c).await;
    let draft = complete(&state, &viewer, &c, None, Draft::default()).await;
    let composer = view::composer(&c, tr, templates.as_ref(), draft, state.app.files.max_bytes());
    html(ComposerFragment { tr, csrf: viewer.csrf.clone(), composer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_the_filter() {
        assert_eq!(href(None, Filter::All, &[]), "/inbox");
        assert_eq!(href(Some("c1"), Filter::Mine, &[]), "/inbox/c1?filter=mine");
        assert_eq!(href(Some("c1"), Filter::All, &[("before", "a b")]), "/inbox/c1?before=a+b");
    }

    #[test]
    fn only_plausible_codes_become_words() {
        let en = Tr::new(domain::Locale::En);
        assert!(send_error(Some("whatsapp.window_closed"), en).is_some_and(|s| s.contains("template")));
        assert_eq!(send_error(Some("<script>"), en), None);
        assert_eq!(send_error(None, en), None);
    }
}
