//! `GET /leads/{id}`: one lead — profile, requirements, matching listings, the timeline
//! (activities, status changes from the audit log, inbox messages of every channel; paged in
//! [`super::lead_timeline`]) — and the forms that change it: `POST /leads/{id}/status`, `/assign` (managers, admins) and
//! `/activities` (log a call, add a task, schedule a viewing); the lead's deals and
//! `POST /leads/{id}/deals` live in [`super::lead_deals`].
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

use app::activities::{ActivityType, NewActivity};
use app::leads::{AssignLead, ChangeStatus, LeadError, LeadStatus, LeadView, Purpose};
use app::records::RecordError;
use chrono::{NaiveDate, NaiveDateTime, SecondsFormat};
use domain::{Locale, TimeZone};
use ui::format;
use ui::pages::Opt;
use ui::pages::lead::{Fact, LeadPage, MatchedListing, Profile};
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
const NOTICES: [&str; 16] = [
    "status-changed",
    "deal-created",
    "invalid-value",
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

pub(super) fn lead_path(id: &str) -> String {
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

    let timeline =
        super::lead_timeline::page(&state, &viewer, &id, super::lead_timeline::before_in(raw.as_deref())).await;
    let timeline_more = super::lead_timeline::older_links(&lead_path(&id), &timeline);

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
    let deals = super::lead_deals::deals(&state, &viewer, &id, &matches).await;
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
        created: format::date(&lead.created_at, tr.locale, tr.zone),
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
        timeline: timeline.items,
        timeline_more,
        listing_options,
        deals,
        deal_stage_options: super::lead_deals::stage_options(tr),
        currency,
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
    /// A `datetime-local` value or a date (both read in the agency's zone), or RFC 3339.
    #[serde(default)]
    due: String,
    /// A listing id (viewings).
    #[serde(default)]
    property: String,
}

/// A `datetime-local` value (`2026-03-20T14:00`, seconds optional) on `zone`'s wall clock, or a
/// date (its start in `zone`), as RFC 3339 in UTC; anything else as typed (the use case accepts
/// RFC 3339 and refuses the rest).
fn due_instant(input: &str, zone: TimeZone) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return None;
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map(|t| zone.instant(t))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").map(|d| zone.day_start(d)));
    Some(match local {
        Ok(t) => t.to_rfc3339_opts(SecondsFormat::Secs, true),
        Err(_) => s.to_owned(),
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
        due_at: due_instant(&form.due, viewer.tenant.time_zone),
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
    fn datetime_local_values_are_read_in_the_agencys_zone() {
        let utc = TimeZone::UTC;
        assert_eq!(due_instant("2026-03-20T14:00", utc).as_deref(), Some("2026-03-20T14:00:00Z"));
        assert_eq!(due_instant("2026-03-20T14:00:30", utc).as_deref(), Some("2026-03-20T14:00:30Z"));
        let dubai = TimeZone::DUBAI;
        assert_eq!(due_instant("2026-03-20T14:00", dubai).as_deref(), Some("2026-03-20T10:00:00Z"));
        assert_eq!(due_instant(" 2026-03-21T02:30 ", dubai).as_deref(), Some("2026-03-20T22:30:00Z"));
        assert_eq!(due_instant("2026-03-20", dubai).as_deref(), Some("2026-03-19T20:00:00Z"));
        let london = TimeZone::parse("Europe/London").unwrap();
        assert_eq!(due_instant("2026-01-20T14:00", london).as_deref(), Some("2026-01-20T14:00:00Z"));
        assert_eq!(due_instant("2026-07-20T14:00", london).as_deref(), Some("2026-07-20T13:00:00Z"));
        // An explicit offset is kept: it already names one instant.
        assert_eq!(due_instant("2026-03-20T14:00:00+04:00", dubai).as_deref(), Some("2026-03-20T14:00:00+04:00"));
        assert_eq!(due_instant("  ", dubai), None);
        assert_eq!(due_instant("soon", dubai).as_deref(), Some("soon"));
        assert_eq!(due_instant("2026-02-30T10:00", dubai).as_deref(), Some("2026-02-30T10:00"));
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
