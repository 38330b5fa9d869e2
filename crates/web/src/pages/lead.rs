//! `GET /leads/{id}`: one lead — profile, requirements, matching listings, the timeline
//! (activities, status changes from the audit log, inbox messages of every channel) — and the
//! forms that change it: `POST /leads/{id}/status`, `/assign` (managers, admins) and
//! `/activities` (log a call, add a task, schedule a viewing).
//!
//! Everything goes through the use cases under the reader's rules: a lead the reader may not
//! read is the same 404 page as a missing one, and a part of the page they may not read (the
//! audit log for non-admins, a conversation) is simply absent. Forms answer with a redirect back
//! to the page and a notice (`?ok=…` / `?error=…`, from a fixed list).

use std::collections::HashMap;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use serde_json::Value;

use app::activities::{ActivityType, ActivityView, ListActivities, NewActivity};
use app::audit::ListAudit;
use app::inbox::conversations::{ListConversations, MessageView};
use app::leads::{AssignLead, ChangeStatus, LeadError, LeadStatus, LeadView, Purpose};
use app::records::{PageQuery, RecordError};
use domain::Locale;
use ui::format;
use ui::pages::Opt;
use ui::pages::lead::{EntryKind, Fact, LeadPage, MatchedListing, Profile, TimelineItem, newest_first};
use ui::{Flash, Section, Tr};

use super::session::{Viewer, check_form_csrf};
use super::{csrf_refused, html, not_found, server_error};
use crate::AppState;

const STATUSES: [LeadStatus; 7] = [
    LeadStatus::New,
    LeadStatus::Contacted,
    LeadStatus::Qualified,
    LeadStatus::Viewing,
    LeadStatus::Negotiation,
    LeadStatus::Won,
    LeadStatus::Lost,
];
/// The notices a form may come back with (`flash-{code}` in the Fluent files).
const NOTICES: [&str; 14] = [
    "status-changed",
    "assigned",
    "activity-added",
    "deal-moved",
    "lost-reason-required",
    "lost-reason-not-allowed",
    "forbidden",
    "invalid-assignee",
    "title-required",
    "invalid-date",
    "invalid-listing",
    "closed-final",
    "invalid-stage",
    "invalid",
];
/// The most entries the timeline shows.
const TIMELINE_MAX: usize = 200;

/// The notice of a page reached after a form (`?ok=code` or `?error=code`); unknown codes show
/// nothing.
pub(super) fn notice(tr: Tr, raw: Option<&str>) -> Option<Flash> {
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        let error = match k.as_ref() {
            "ok" => false,
            "error" => true,
            _ => continue,
        };
        if let Some(code) = NOTICES.iter().find(|c| **c == v) {
            return Some(Flash { text: tr.t(&format!("flash-{code}")), error });
        }
    }
    None
}

/// `path?key=code`, for the redirect after a form.
pub(super) fn back(path: &str, key: &str, code: &str) -> Response {
    Redirect::to(&format!("{path}?{key}={code}")).into_response()
}

fn lead_path(id: &str) -> String {
    format!("/leads/{}", form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>())
}

/// `SALE` / `RENT`.
pub(super) fn purpose_code(p: Purpose) -> &'static str {
    match p {
        Purpose::Sale => "SALE",
        Purpose::Rent => "RENT",
    }
}

/// A property type's label (`ptype-VILLA`), or the stored key when it has none.
pub(super) fn type_label(tr: Tr, key: &str) -> String {
    let id = format!("ptype-{key}");
    let label = tr.t(&id);
    if label == id { key.replace('_', " ") } else { label }
}

/// A list as the reader's language separates it.
pub(super) fn join(tr: Tr, items: &[String]) -> String {
    items.join(match tr.locale {
        Locale::Ar => "، ",
        Locale::En => ", ",
    })
}

/// `GET /leads/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let (db, actor) = (&state.app.db, &viewer.actor);
    let lead = match app::leads::get(db, actor, &id).await {
        Ok(l) => l,
        Err(LeadError::NotFound) => return not_found(tr),
        Err(e) => {
            tracing::error!(error = %e, "lead page");
            return server_error(tr);
        }
    };
    let users = super::leads::colleagues(&state, &viewer).await;
    let names: HashMap<&str, &str> = users.iter().map(|(id, name, _)| (id.as_str(), name.as_str())).collect();
    let currency = viewer.tenant.currency.clone();

    let matches = match app::matching::listings_for_lead(db, actor, &id, Some(10)).await {
        Ok(m) => m.items,
        Err(e) => {
            tracing::warn!(error = %e, "matches on the lead page");
            Vec::new()
        }
    };
    let matches: Vec<MatchedListing> = matches
        .into_iter()
        .map(|m| {
            let p = m.property;
            let place = match &p.community {
                Some(c) => join(tr, &[c.clone(), p.city.clone()]),
                None => p.city.clone(),
            };
            MatchedListing {
                title: local_title(tr, &p.title_ar, &p.title_en),
                price: format::money(&p.price, &p.currency),
                reference: p.reference,
                place,
                score: i64::from(m.score),
                id: p.id,
            }
        })
        .collect();

    let mut timeline = Vec::new();
    timeline.extend(activities(&state, &viewer, &id).await);
    timeline.extend(status_changes(&state, &viewer, &id).await);
    timeline.extend(messages(&state, &viewer, &id).await);
    newest_first(&mut timeline);
    timeline.truncate(TIMELINE_MAX);

    let assign_options = if viewer.manages() {
        let mut o = vec![Opt::new("", tr.t("unassigned"), lead.assignee_id.is_none())];
        o.extend(
            users.iter().map(|(uid, name, _)| Opt::new(uid, name, lead.assignee_id.as_deref() == Some(uid.as_str()))),
        );
        o
    } else {
        Vec::new()
    };
    let listing_options =
        matches.iter().map(|m| Opt::new(&m.id, format!("{} · {}", m.reference, m.title), false)).collect();
    let assignee = match lead.assignee_id.as_deref() {
        Some(uid) => names.get(uid).map_or_else(|| "—".to_owned(), |n| (*n).to_owned()),
        None => tr.t("unassigned"),
    };
    let mut shell = viewer.shell(Section::Leads, lead.name.clone(), &lead_path(&id));
    shell.flash = notice(tr, raw.as_deref());
    let profile = Profile {
        name: lead.name.clone(),
        phones: phones(&lead),
        email: lead.email.clone(),
        language: lead.preferred_language.map(|l| tr.label("language", l.as_str())),
        source: tr.label("source", lead.source.as_str()),
        status: lead.status.as_str().to_owned(),
        status_label: tr.label("status", lead.status.as_str()),
        lost_reason: lead.lost_reason.clone(),
        assignee,
        created: format::date(&lead.created_at, tr.locale),
    };
    html(LeadPage {
        shell,
        id: lead.id.clone(),
        requirements: requirements(tr, &lead, &currency),
        status_options: STATUSES
            .iter()
            .map(|s| Opt::new(s.as_str(), tr.label("status", s.as_str()), *s == lead.status))
            .collect(),
        profile,
        assign_options,
        matches,
        timeline,
        listing_options,
    })
}

/// The primary phone first, then the others.
fn phones(lead: &LeadView) -> Vec<String> {
    let mut out: Vec<String> = lead.primary_phone.iter().cloned().collect();
    out.extend(lead.phones.iter().filter(|p| Some(*p) != lead.primary_phone.as_ref()).cloned());
    out
}

/// The title in the reader's language, else the other one.
pub(super) fn local_title(tr: Tr, ar: &str, en: &str) -> String {
    let (first, second) = match tr.locale {
        Locale::Ar => (ar, en),
        Locale::En => (en, ar),
    };
    if first.trim().is_empty() { second.to_owned() } else { first.to_owned() }
}

fn requirements(tr: Tr, lead: &LeadView, default_currency: &str) -> Vec<Fact> {
    let mut facts = Vec::new();
    if let Some(p) = lead.intent {
        facts.push(Fact::text("intent", tr.t("col-intent"), tr.label("intent", purpose_code(p))));
    }
    if !lead.property_types.is_empty() {
        let types: Vec<String> = lead.property_types.iter().map(|t| type_label(tr, t)).collect();
        facts.push(Fact::text("types", tr.t("req-types"), join(tr, &types)));
    }
    if !lead.cities.is_empty() {
        facts.push(Fact::text("cities", tr.t("col-cities"), join(tr, &lead.cities)));
    }
    if !lead.communities.is_empty() {
        facts.push(Fact::text("communities", tr.t("req-communities"), join(tr, &lead.communities)));
    }
    if let Some(n) = lead.min_bedrooms {
        facts.push(Fact::ltr("bedrooms", tr.t("req-bedrooms"), n.to_string()));
    }
    let currency = lead.budget_currency.as_deref().unwrap_or(default_currency);
    let budget = match (&lead.budget_min, &lead.budget_max) {
        (Some(min), Some(max)) => Some(format!("{} – {}", format::money(min, currency), format::money(max, currency))),
        (Some(v), None) => Some(format!("≥ {}", format::money(v, currency))),
        (None, Some(v)) => Some(format!("≤ {}", format::money(v, currency))),
        (None, None) => None,
    };
    if let Some(b) = budget {
        facts.push(Fact::ltr("budget", tr.t("col-budget"), b));
    }
    facts
}

/// The lead's activities, as timeline entries (a viewing's date with its Hijri date).
async fn activities(state: &AppState, viewer: &Viewer, lead_id: &str) -> Vec<TimelineItem> {
    let tr = viewer.tr();
    let query = ListActivities {
        lead_id: Some(lead_id.to_owned()),
        page: PageQuery { limit: Some(100), ..PageQuery::default() },
        ..ListActivities::default()
    };
    let items = match app::activities::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p.items,
        Err(e) => {
            tracing::warn!(error = %e, "activities on the lead page");
            return Vec::new();
        }
    };
    items.into_iter().map(|a| activity_item(tr, a)).collect()
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
        EntryKind::Viewing => format::hijri(a.due_at.as_deref().unwrap_or(&a.created_at), tr.locale),
        _ => None,
    };
    TimelineItem {
        kind,
        when: format::date_time(&a.created_at, tr.locale),
        label: tr.label("timeline", a.kind.as_str()),
        title: a.title,
        body: a.body,
        due: a.due_at.as_deref().map(|d| format::date_time(d, tr.locale)),
        hijri,
        done: a.done_at.is_some(),
        direction: None,
        at: a.created_at,
    }
}

/// Status changes from the audit log (which the rules show to admins only: for anyone else
/// this is empty).
async fn status_changes(state: &AppState, viewer: &Viewer, lead_id: &str) -> Vec<TimelineItem> {
    let tr = viewer.tr();
    let query = ListAudit {
        model: Some("Lead".into()),
        record_id: Some(lead_id.to_owned()),
        limit: Some(100),
        ..ListAudit::default()
    };
    let events = match app::audit::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p.items,
        Err(e) => {
            tracing::warn!(error = %e, "history on the lead page");
            return Vec::new();
        }
    };
    events
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
                when: format::date_time(&e.created_at, tr.locale),
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
        .collect()
}

/// The messages of the lead's conversations on every channel the reader may read.
async fn messages(state: &AppState, viewer: &Viewer, lead_id: &str) -> Vec<TimelineItem> {
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
        let page = PageQuery { limit: Some(50), ..PageQuery::default() };
        match app::inbox::conversations::messages(db, actor, &c.id, page).await {
            Ok(p) => out.extend(p.items.into_iter().map(|m| message_item(tr, m))),
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
        when: format::date_time(&m.created_at, tr.locale),
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

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    lost_reason: String,
}

/// `POST /leads/{id}/status`: the reason is kept only when the new status is LOST.
pub async fn change_status(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let tr = viewer.tr();
    let path = lead_path(&id);
    let Ok(status) = serde_json::from_value::<LeadStatus>(Value::String(form.status.clone())) else {
        return back(&path, "error", "invalid");
    };
    let lost_reason = (status == LeadStatus::Lost).then_some(form.lost_reason);
    match app::leads::change_status(&state.app.db, &viewer.actor, &id, ChangeStatus { status, lost_reason }).await {
        Ok(_) => back(&path, "ok", "status-changed"),
        Err(e) => lead_error(tr, &path, e),
    }
}

fn lead_error(tr: Tr, path: &str, e: LeadError) -> Response {
    match e {
        LeadError::NotFound => not_found(tr),
        LeadError::Forbidden => back(path, "error", "forbidden"),
        LeadError::LostReasonRequired => back(path, "error", "lost-reason-required"),
        LeadError::LostReasonNotAllowed => back(path, "error", "lost-reason-not-allowed"),
        LeadError::InvalidAssignee => back(path, "error", "invalid-assignee"),
        e => {
            tracing::error!(error = %e, "lead page form");
            server_error(tr)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf: String,
    /// Empty: back to the unassigned pool.
    #[serde(default)]
    assignee: String,
}

/// `POST /leads/{id}/assign` (the rules allow it to managers and admins).
pub async fn assign(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AssignForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let path = lead_path(&id);
    let body = AssignLead { assignee_id: Some(form.assignee).filter(|a| !a.trim().is_empty()) };
    match app::leads::assign(&state.app.db, &viewer.actor, &id, body).await {
        Ok(_) => back(&path, "ok", "assigned"),
        Err(e) => lead_error(viewer.tr(), &path, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    csrf: String,
    /// `CALL`, `TASK`, `VIEWING`, `NOTE` or `MEETING`.
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// A `datetime-local` value (read as UTC), a date, or RFC 3339.
    #[serde(default)]
    due: String,
    /// A listing id (viewings).
    #[serde(default)]
    property: String,
}

/// A `datetime-local` value (`2026-03-20T14:00`, seconds optional) as RFC 3339 in UTC; anything
/// else as typed (the use case accepts a date or RFC 3339 and refuses the rest).
fn due_instant(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let local = s.len() >= 16
        && s.as_bytes().get(10) == Some(&b'T')
        && s.get(11..).is_some_and(|t| !t.contains(['Z', 'z', '+', '-']));
    Some(match (local, s.len()) {
        (true, 16) => format!("{s}:00Z"),
        (true, _) => format!("{s}Z"),
        (false, _) => s.to_owned(),
    })
}

/// `POST /leads/{id}/activities`: a call (logged as done), a task or a viewing on the lead,
/// assigned to the reader.
pub async fn add_activity(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ActivityForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let tr = viewer.tr();
    let path = lead_path(&id);
    let Ok(kind) = serde_json::from_value::<ActivityType>(Value::String(form.kind.clone())) else {
        return back(&path, "error", "invalid");
    };
    let new = NewActivity {
        kind,
        lead_id: id.clone(),
        property_id: Some(form.property).filter(|p| !p.trim().is_empty()),
        deal_id: None,
        title: form.title,
        body: Some(form.body).filter(|b| !b.trim().is_empty()),
        due_at: due_instant(&form.due),
        assignee_id: None,
    };
    let (db, actor) = (&state.app.db, &viewer.actor);
    let created = match app::activities::create(db, actor, new).await {
        Ok(a) => a,
        Err(e) => return record_error(tr, &path, e),
    };
    if kind == ActivityType::Call
        && let Err(e) = app::activities::done(db, actor, &created.id).await
    {
        tracing::warn!(error = %e, "a logged call stays open");
    }
    back(&path, "ok", "activity-added")
}

fn record_error(tr: Tr, path: &str, e: RecordError) -> Response {
    match e {
        RecordError::NotFound(_) | RecordError::Invalid { code: "activity.invalid_lead", .. } => not_found(tr),
        RecordError::Forbidden => back(path, "error", "forbidden"),
        RecordError::Invalid { code: "activity.title_required", .. } => back(path, "error", "title-required"),
        RecordError::Invalid { code: "activity.invalid_date", .. } => back(path, "error", "invalid-date"),
        RecordError::Invalid { code: "activity.invalid_property", .. } => back(path, "error", "invalid-listing"),
        RecordError::Invalid { .. } => back(path, "error", "invalid"),
        e => {
            tracing::error!(error = %e, "activity form on the lead page");
            server_error(tr)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_values_are_read_as_utc() {
        assert_eq!(due_instant("2026-03-20T14:00").as_deref(), Some("2026-03-20T14:00:00Z"));
        assert_eq!(due_instant("2026-03-20T14:00:30").as_deref(), Some("2026-03-20T14:00:30Z"));
        assert_eq!(due_instant("2026-03-20").as_deref(), Some("2026-03-20"));
        assert_eq!(due_instant("2026-03-20T14:00:00+04:00").as_deref(), Some("2026-03-20T14:00:00+04:00"));
        assert_eq!(due_instant("  "), None);
        assert_eq!(due_instant("soon").as_deref(), Some("soon"));
    }

    #[test]
    fn only_listed_notices_show() {
        let tr = Tr::new(Locale::En);
        let ok = notice(tr, Some("ok=status-changed")).unwrap();
        assert!(!ok.error && ok.text == "Status changed.");
        assert!(notice(tr, Some("error=forbidden")).unwrap().error);
        assert!(notice(tr, Some("error=<script>")).is_none());
        assert!(notice(tr, None).is_none());
    }
}
