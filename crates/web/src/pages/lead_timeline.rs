//! The lead page's timeline: activities, status changes from the audit log and the messages of
//! every conversation of the lead, merged newest first, a page at a time. The page ends with an
//! "older entries" link: `GET /leads/{id}/timeline?before=…` answers the next page as list items
//! (htmx swaps them in for the link); without script the link opens `/leads/{id}?before=…`.
//!
//! Each source is read newest first strictly before the page's instant (`app::page::
//! cursor_before`), under the reader's rules. A source that has more rows than it returned sets a
//! horizon: nothing older than its last row read is shown on this page (that source's rows
//! between would be skipped), so the next page, starting before the oldest entry shown, loses
//! none. (Entries of one source sharing the very millisecond of a page boundary are the one
//! blind spot.)

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;

use app::activities::{ActivityType, ActivityView, ListActivities};
use app::audit::ListAudit;
use app::inbox::conversations::{ListConversations, MessageView};
use app::records::PageQuery;
use ui::pages::lead::{EntryKind, TimelineItem, TimelineMore, newest_first};
use ui::{Section, Tr, format};

use super::session::Viewer;
use super::{html, not_found, server_error};
use crate::AppState;

/// The entries of one page (a few more when several share the boundary's instant).
const PAGE: usize = 50;
/// How many more pages are read when one would show nothing (only non-status audit events were
/// newer than a horizon).
const EMPTY_PAGE_RETRIES: usize = 4;

/// A page of the timeline.
#[derive(Debug, Default)]
pub(super) struct TimelinePage {
    pub items: Vec<TimelineItem>,
    /// The `before` of the next page, when there are older entries.
    pub older: Option<String>,
}

/// What one source gave: its entries and, when it holds more rows, its horizon (the instant of
/// the last row read).
#[derive(Debug, Default)]
struct Part {
    items: Vec<TimelineItem>,
    horizon: Option<String>,
}

/// An instant typed in a URL as the form the database stores (`YYYY-MM-DDTHH:MM:SS.sssZ`, UTC);
/// `None` when it is not RFC 3339.
pub(super) fn parse_before(input: &str) -> Option<String> {
    let t = DateTime::parse_from_rfc3339(input.trim()).ok()?;
    Some(t.with_timezone(&Utc).to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// The `before` of the query string, if any (an unreadable one is ignored).
pub(super) fn before_in(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "before")
        .and_then(|(_, v)| parse_before(&v))
}

/// The link to the page after `page`, if there is one: `(without script, htmx fragment)`.
pub(super) fn older_links(lead_path: &str, page: &TimelinePage) -> Option<TimelineMore> {
    let before = form_urlencoded::byte_serialize(page.older.as_deref()?.as_bytes()).collect::<String>();
    Some(TimelineMore {
        href: format!("{lead_path}?before={before}#timeline-heading"),
        fragment: format!("{lead_path}/timeline?before={before}"),
    })
}

/// The page of the lead's timeline that starts strictly before `before` (the newest without).
pub(super) async fn page(state: &AppState, viewer: &Viewer, lead_id: &str, before: Option<String>) -> TimelinePage {
    let mut before = before;
    for _ in 0..=EMPTY_PAGE_RETRIES {
        let mut parts = vec![
            activities(state, viewer, lead_id, before.as_deref()).await,
            status_changes(state, viewer, lead_id, before.as_deref()).await,
        ];
        parts.extend(messages(state, viewer, lead_id, before.as_deref()).await);
        let page = merge(parts, PAGE);
        if !page.items.is_empty() || page.older.is_none() {
            return page;
        }
        before = page.older;
    }
    TimelinePage { items: Vec::new(), older: before }
}

/// `GET /leads/{id}/timeline?before=…`: the next page as list items, then the link to the one
/// after it (an htmx fragment).
pub async fn older(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let Some(before) = before_in(raw.as_deref()) else {
        return (StatusCode::BAD_REQUEST, "`before` must be an RFC 3339 instant").into_response();
    };
    match app::leads::get(&state.app.db, &viewer.actor, &id).await {
        Ok(_) => {}
        Err(app::leads::LeadError::NotFound) => return not_found(tr),
        Err(e) => {
            tracing::error!(error = %e, "lead timeline");
            return server_error(tr);
        }
    }
    let path = super::lead::lead_path(&id);
    let page = page(&state, &viewer, &id, Some(before)).await;
    html(ui::pages::lead::TimelineFragment {
        shell: viewer.shell(Section::Leads, tr.t("lead-page-timeline"), &path),
        more: older_links(&path, &page),
        timeline: page.items,
    })
}

fn millis(at: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| t.timestamp_millis())
}

/// Merges the sources newest first: nothing older than the newest horizon, at most `size`
/// entries (plus those sharing the last one's instant); `older` when anything was left.
fn merge(parts: Vec<Part>, size: usize) -> TimelinePage {
    let horizon = parts.iter().filter_map(|p| p.horizon.as_deref()).filter_map(millis).max();
    let mut items: Vec<TimelineItem> = parts.into_iter().flat_map(|p| p.items).collect();
    newest_first(&mut items);
    let total = items.len();
    let mut shown: Vec<TimelineItem> = Vec::with_capacity(size.min(total));
    for item in items {
        let at = millis(&item.at);
        if horizon.is_some_and(|h| at.is_none_or(|a| a < h)) {
            break;
        }
        if shown.len() >= size && shown.last().map(|l| millis(&l.at)) != Some(at) {
            break;
        }
        shown.push(item);
    }
    let left = shown.len() < total || horizon.is_some();
    let older = if left {
        // The oldest shown; when nothing could be shown, the horizon itself.
        shown.last().map(|l| l.at.clone()).or_else(|| {
            horizon.and_then(DateTime::from_timestamp_millis).map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        })
    } else {
        None
    };
    TimelinePage { items: shown, older: older.and_then(|o| parse_before(&o)) }
}

/// A source's page: `items` read newest first, `more` when the source holds older rows.
fn part(items: Vec<TimelineItem>, more: bool) -> Part {
    let horizon = if more { items.last().map(|i| i.at.clone()) } else { None };
    Part { items, horizon }
}

/// The cursor that starts a source strictly before `before`.
fn cursor(before: Option<&str>) -> Option<String> {
    before.and_then(|b| app::page::cursor_before("createdAt", b))
}

/// The lead's activities, as timeline entries (a viewing's date with its Hijri date).
async fn activities(state: &AppState, viewer: &Viewer, lead_id: &str, before: Option<&str>) -> Part {
    let tr = viewer.tr();
    let query = ListActivities {
        lead_id: Some(lead_id.to_owned()),
        page: PageQuery { limit: Some(PAGE as u32), cursor: cursor(before), ..PageQuery::default() },
        ..ListActivities::default()
    };
    match app::activities::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => part(p.items.into_iter().map(|a| activity_item(tr, a)).collect(), p.next_cursor.is_some()),
        Err(e) => {
            tracing::warn!(error = %e, "activities on the lead page");
            Part::default()
        }
    }
}

fn activity_item(tr: Tr, a: ActivityView) -> TimelineItem {
    let kind = match a.kind {
        ActivityType::Call => EntryKind::Call,
        ActivityType::Task => EntryKind::Task,
        ActivityType::Viewing => EntryKind::Viewing,
        ActivityType::Note => EntryKind::Note,
        ActivityType::Meeting => EntryKind::Meeting,
    };
    let hijri = match kind {
        EntryKind::Viewing => format::hijri(a.due_at.as_deref().unwrap_or(&a.created_at), tr.locale, tr.zone),
        _ => None,
    };
    TimelineItem {
        kind,
        when: format::date_time(&a.created_at, tr.locale, tr.zone),
        label: tr.label("timeline", a.kind.as_str()),
        title: a.title,
        body: a.body,
        due: a.due_at.as_deref().map(|d| format::date_time(d, tr.locale, tr.zone)),
        hijri,
        done: a.done_at.is_some(),
        direction: None,
        at: a.created_at,
    }
}

/// Status changes from the audit log (which the rules show to admins only: for anyone else
/// this is empty). The horizon is the last event read, status change or not.
async fn status_changes(state: &AppState, viewer: &Viewer, lead_id: &str, before: Option<&str>) -> Part {
    let tr = viewer.tr();
    let query = ListAudit {
        model: Some("Lead".into()),
        record_id: Some(lead_id.to_owned()),
        limit: Some(PAGE as u32),
        cursor: cursor(before),
        ..ListAudit::default()
    };
    let page = match app::audit::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "history on the lead page");
            return Part::default();
        }
    };
    let horizon = page.next_cursor.as_ref().and_then(|_| page.items.last()).map(|e| e.created_at.clone());
    let items = page
        .items
        .into_iter()
        .filter(|e| e.action == "update")
        .filter_map(|e| {
            let changes = e.changes.as_ref()?;
            let status = changes.get("status")?;
            let label = |v: Option<&Value>| v.and_then(Value::as_str).map(|s| tr.label("status", s));
            let from = label(status.get("from")).unwrap_or_else(|| "—".to_owned());
            let to = label(status.get("to"))?;
            let reason = changes.get("lostReason").and_then(|r| r.get("to")).and_then(Value::as_str).map(str::to_owned);
            Some(TimelineItem {
                kind: EntryKind::Status,
                when: format::date_time(&e.created_at, tr.locale, tr.zone),
                label: tr.t("timeline-status"),
                title: format!("{from} {} {to}", tr.t("timeline-arrow")),
                body: reason,
                due: None,
                hijri: None,
                done: false,
                direction: None,
                at: e.created_at,
            })
        })
        .collect();
    Part { items, horizon }
}

/// The messages of the lead's conversations on every channel the reader may read, one part per
/// conversation.
async fn messages(state: &AppState, viewer: &Viewer, lead_id: &str, before: Option<&str>) -> Vec<Part> {
    let tr = viewer.tr();
    let (db, actor) = (&state.app.db, &viewer.actor);
    let query =
        ListConversations { lead_id: Some(lead_id.to_owned()), limit: Some(20), ..ListConversations::default() };
    let conversations = match app::inbox::conversations::list(db, actor, query).await {
        Ok(p) => p.items,
        Err(e) => {
            tracing::warn!(error = %e, "conversations on the lead page");
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for c in conversations {
        let page = PageQuery { limit: Some(PAGE as u32), cursor: cursor(before), ..PageQuery::default() };
        match app::inbox::conversations::messages(db, actor, &c.id, page).await {
            Ok(p) => {
                out.push(part(p.items.into_iter().map(|m| message_item(tr, m)).collect(), p.next_cursor.is_some()));
            }
            Err(e) => tracing::warn!(error = %e, "messages on the lead page"),
        }
    }
    out
}

fn message_item(tr: Tr, m: MessageView) -> TimelineItem {
    let way = if m.private {
        tr.t("timeline-private-note")
    } else if m.direction == "IN" {
        tr.t("timeline-in")
    } else {
        tr.t("timeline-out")
    };
    TimelineItem {
        kind: EntryKind::Message,
        when: format::date_time(&m.created_at, tr.locale, tr.zone),
        label: format!("{} · {way}", tr.label("channel", m.channel.as_str())),
        title: m.body.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| tr.t("timeline-attachment")),
        body: None,
        due: None,
        hijri: None,
        done: false,
        direction: Some(if m.direction == "IN" { "in" } else { "out" }),
        at: m.created_at,
    }
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

    fn at(minute: u32) -> String {
        format!("2026-01-01T10:{minute:02}:00.000Z")
    }

    fn titles(page: &TimelinePage) -> Vec<String> {
        page.items.iter().map(|i| i.title.clone()).collect()
    }

    #[test]
    fn pages_newest_first_and_points_before_the_last_shown() {
        let a = Part { items: (0..5).rev().map(|m| item(&at(m * 2))).collect(), horizon: None };
        let b = Part { items: (0..5).rev().map(|m| item(&at(m * 2 + 1))).collect(), horizon: None };
        let page = merge(vec![a, b], 4);
        assert_eq!(titles(&page), [at(9), at(8), at(7), at(6)]);
        assert_eq!(page.older, Some(at(6)));
        let all = merge(vec![Part { items: vec![item(&at(3))], horizon: None }], 4);
        assert_eq!(all.older, None, "nothing left");
    }

    #[test]
    fn a_source_with_more_rows_holds_the_page_at_its_horizon() {
        // Activities were read down to minute 7 and there are older ones: the messages at minute
        // 5 and 3 wait for the next page, which starts before minute 7.
        let activities = part(vec![item(&at(9)), item(&at(7))], true);
        let messages = part(vec![item(&at(8)), item(&at(5)), item(&at(3))], false);
        let page = merge(vec![activities, messages], 10);
        assert_eq!(titles(&page), [at(9), at(8), at(7)]);
        assert_eq!(page.older, Some(at(7)));
    }

    #[test]
    fn entries_sharing_the_boundary_instant_stay_together() {
        let p = Part { items: vec![item(&at(9)), item(&at(8)), item(&at(8)), item(&at(1))], horizon: None };
        let page = merge(vec![p], 2);
        assert_eq!(titles(&page), [at(9), at(8), at(8)]);
        assert_eq!(page.older, Some(at(8)));
    }

    #[test]
    fn only_an_instant_passes_as_before() {
        assert_eq!(parse_before("2026-01-01T14:00:00+04:00").as_deref(), Some("2026-01-01T10:00:00.000Z"));
        assert_eq!(parse_before("yesterday"), None);
        assert_eq!(
            before_in(Some("ok=1&before=2026-01-01T10%3A00%3A00Z")).as_deref(),
            Some("2026-01-01T10:00:00.000Z")
        );
    }
}
