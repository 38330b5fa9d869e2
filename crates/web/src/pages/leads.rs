//! `GET /leads`: the leads grid; `POST /leads/assign`: bulk assignment (managers, admins).
//! Everything is read through `app::leads` and `app::users`, under the reader's rules: an agent's
//! grid holds only their leads because the rules say so, not because the page filters.

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use app::leads::{AssignLead, LeadSource, LeadStatus, LeadView, ListLeads};
use app::records::PageQuery;
use app::users::ListUsers;
use domain::Role;
use ui::format;
use ui::pages::Opt;
use ui::pages::leads::{Cell, Column, Filters, Header, LeadsPage, Row};
use ui::{Flash, Section, Tr};

use super::columns::ColumnChoice;
use super::session::{Viewer, check_form_csrf, local_path};
use super::{html, pick};
use crate::AppState;

/// The reader's column choice, remembered in a cookie.
const COLUMNS: ColumnChoice = ColumnChoice {
    cookie: "manzil_lead_columns",
    path: "/leads",
    all: &Column::ALL_KEYS,
    default: &Column::DEFAULT_KEYS,
};
const PAGE_SIZE: u32 = 50;
const STATUSES: [&str; 7] = ["NEW", "CONTACTED", "QUALIFIED", "VIEWING", "NEGOTIATION", "WON", "LOST"];
const SOURCES: [&str; 8] =
    ["PROPERTY_FINDER", "BAYUT", "DUBIZZLE", "WEBSITE", "WHATSAPP", "REFERRAL", "WALK_IN", "OTHER"];

/// The grid's query string, as typed (`cols` may repeat).
#[derive(Debug, Default)]
struct GridQuery {
    q: String,
    status: String,
    source: String,
    assignee: String,
    sort: String,
    cursor: Option<String>,
    cols: Option<Vec<String>>,
    /// Flash counts after a bulk assignment.
    assigned: Option<i64>,
    none_selected: bool,
}

impl GridQuery {
    fn parse(raw: Option<&str>) -> GridQuery {
        let mut g = GridQuery::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "q" => g.q = v,
                "status" => g.status = v,
                "source" => g.source = v,
                "assignee" => g.assignee = v,
                "sort" => g.sort = v,
                "cursor" if !v.is_empty() => g.cursor = Some(v),
                "cols" => g.cols.get_or_insert_with(Vec::new).push(v),
                "assigned" => g.assigned = v.parse().ok(),
                "none" => g.none_selected = true,
                _ => {}
            }
        }
        g
    }

    /// The query string of this grid with `sort` and `cursor` replaced (filters kept).
    fn href(&self, sort: &str, cursor: Option<&str>) -> String {
        let filters =
            [("q", &*self.q), ("status", &self.status), ("source", &self.source), ("assignee", &self.assignee)];
        super::grid_href("/leads", &filters, sort, cursor)
    }
}

/// `GET /leads`.
pub async fn grid(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let g = GridQuery::parse(raw.as_deref());
    let tr = viewer.tr();
    let chosen = COLUMNS.choose(&headers, g.cols.as_deref());
    let columns: Vec<Column> = chosen.keys.iter().filter_map(|k| Column::parse(k)).collect();

    let query = ListLeads {
        status: pick::<LeadStatus>(&g.status),
        source: pick::<LeadSource>(&g.source),
        assignee_id: match g.assignee.as_str() {
            "mine" => Some(viewer.actor.user_id.clone()),
            "" | "all" | "unassigned" => None,
            id => Some(id.to_owned()),
        },
        unassigned: g.assignee == "unassigned",
        q: Some(g.q.clone()).filter(|q| !q.trim().is_empty()),
        sort: Some(g.sort.clone()).filter(|s| !s.is_empty()),
        limit: Some(PAGE_SIZE),
        cursor: g.cursor.clone(),
        ..ListLeads::default()
    };
    let page = match app::leads::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p,
        Err(app::leads::LeadError::Page(_) | app::leads::LeadError::InvalidDate(_)) => {
            return Redirect::to("/leads").into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "leads grid");
            return super::server_error(tr);
        }
    };
    let users = colleagues(&state, &viewer).await;
    let names: HashMap<&str, &str> = users.iter().map(|(id, name, _)| (id.as_str(), name.as_str())).collect();

    let sort = if g.sort.is_empty() { "-createdAt" } else { g.sort.as_str() };
    let href = |order: &str| g.href(order, None);
    let mut headers_out = vec![Header::sorted(tr, "name", "col-name", Some("name"), sort, href).pinned()];
    for c in &columns {
        headers_out.push(Header::sorted(tr, c.key(), &format!("col-{}", c.key()), c.sort_field(), sort, href));
    }
    let rows = page.items.iter().map(|l| row(l, &columns, &names, tr, &viewer.tenant.currency)).collect::<Vec<_>>();

    let agents: Vec<Opt> = if viewer.manages() {
        users
            .iter()
            .filter(|(_, _, role)| *role != Role::Admin)
            .map(|(id, name, _)| Opt::new(id, name, false))
            .collect()
    } else {
        Vec::new()
    };
    let assignee_options = if viewer.manages() {
        let mut o = vec![
            Opt::new("all", tr.t("assignee-all"), g.assignee.is_empty() || g.assignee == "all"),
            Opt::new("mine", tr.t("assignee-mine"), g.assignee == "mine"),
            Opt::new("unassigned", tr.t("assignee-unassigned"), g.assignee == "unassigned"),
        ];
        o.extend(users.iter().map(|(id, name, _)| Opt::new(id, name, g.assignee == *id)));
        o
    } else {
        Vec::new()
    };
    let mut shell = viewer.shell(Section::Leads, tr.t("leads-title"), &g.href(&g.sort, g.cursor.as_deref()));
    if let Some(n) = g.assigned {
        shell.flash = Some(Flash { text: tr.n("bulk-assigned", n), error: false });
    } else if g.none_selected {
        shell.flash = Some(Flash { text: tr.t("bulk-none-selected"), error: true });
    }
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let page_view = LeadsPage {
        shell,
        filters: Filters { q: g.q.clone(), sort: g.sort.clone() },
        status_options: STATUSES.iter().map(|s| Opt::new(*s, tr.label("status", s), g.status == *s)).collect(),
        source_options: SOURCES.iter().map(|s| Opt::new(*s, tr.label("source", s), g.source == *s)).collect(),
        assignee_options,
        column_choices: COLUMNS.options(&chosen, |k| tr.t(&format!("col-{k}"))),
        agents,
        headers: headers_out,
        rows,
        count_label: tr.n("leads-on-page", count),
        first_href: g.cursor.as_ref().map(|_| g.href(&g.sort, None)),
        next_href: page.next_cursor.as_deref().map(|c| g.href(&g.sort, Some(c))),
    };
    let mut res = html(page_view);
    chosen.remember(&COLUMNS, &mut res);
    res
}

/// The agency's users the reader may see: `(id, name, role)`, by name.
pub(super) async fn colleagues(state: &AppState, viewer: &Viewer) -> Vec<(String, String, Role)> {
    let query = ListUsers {
        active: Some(true),
        page: PageQuery { limit: Some(100), ..PageQuery::default() },
        ..ListUsers::default()
    };
    match app::users::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p.items.into_iter().map(|u| (u.id, u.name, u.role)).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "colleagues for the leads grid");
            Vec::new()
        }
    }
}

fn row(l: &LeadView, columns: &[Column], names: &HashMap<&str, &str>, tr: Tr, currency: &str) -> Row {
    let text = |s: Option<&str>| s.filter(|s| !s.is_empty()).map_or(Cell::Empty, |s| Cell::Text(s.to_owned()));
    let mut cells = vec![Cell::Name(l.name.clone())];
    for c in columns {
        cells.push(match c {
            Column::Phone => {
                l.primary_phone.clone().or_else(|| l.phones.first().cloned()).map_or(Cell::Empty, Cell::Ltr)
            }
            Column::Email => l.email.clone().map_or(Cell::Empty, Cell::Ltr),
            Column::Status => Cell::Badge(l.status.as_str().to_owned(), tr.label("status", l.status.as_str())),
            Column::Source => Cell::Text(tr.label("source", l.source.as_str())),
            Column::Assignee => match l.assignee_id.as_deref() {
                Some(id) => text(names.get(id).copied()),
                None => Cell::Text(tr.t("unassigned")),
            },
            Column::Budget => budget(l, currency),
            Column::Intent => l.intent.map_or(Cell::Empty, |p| {
                Cell::Text(
                    tr.label(
                        "intent",
                        serde_json::to_value(p)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default()
                            .as_str(),
                    ),
                )
            }),
            Column::Cities => text(Some(&l.cities.join("، "))),
            Column::Language => {
                l.preferred_language.map_or(Cell::Empty, |p| Cell::Text(tr.label("language", p.as_str())))
            }
            Column::Created => Cell::Num(format::date(&l.created_at, tr.locale, tr.zone)),
            Column::Updated => Cell::Num(format::date(&l.updated_at, tr.locale, tr.zone)),
        });
    }
    Row { id: l.id.clone(), cells }
}

fn budget(l: &LeadView, default_currency: &str) -> Cell {
    let currency = l.budget_currency.as_deref().unwrap_or(default_currency);
    match (&l.budget_min, &l.budget_max) {
        (Some(min), Some(max)) => {
            Cell::Num(format!("{} – {}", format::money(min, currency), format::money(max, currency)))
        }
        (None, Some(v)) | (Some(v), None) => Cell::Num(format::money(v, currency)),
        (None, None) => Cell::Empty,
    }
}

/// The bulk form: `csrf`, `back`, `assignee` and `ids` repeated (so not a serde form).
#[derive(Debug, Default)]
struct BulkForm {
    csrf: String,
    back: String,
    assignee: String,
    ids: Vec<String>,
}

impl BulkForm {
    fn parse(body: &[u8]) -> BulkForm {
        let mut f = BulkForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "csrf" => f.csrf = v,
                "back" => f.back = v,
                "assignee" => f.assignee = v,
                "ids" if f.ids.len() < 500 => f.ids.push(v),
                _ => {}
            }
        }
        f
    }
}

/// `POST /leads/assign`: assigns every selected lead (`ids`, repeated) to one user, each through
/// the same use case (and rules) as `POST /api/v1/leads/{id}/assign`; goes back to the grid with
/// the count. Leads the reader may not assign are skipped, not reported one by one.
pub async fn bulk_assign(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form = BulkForm::parse(&body);
    if !check_form_csrf(&headers, &form.csrf) {
        return super::csrf_refused();
    }
    if !viewer.manages() {
        return (StatusCode::FORBIDDEN, "only managers and admins assign in bulk").into_response();
    }
    let ids = &form.ids;
    let back = local_path(&form.back);
    let sep = if back.contains('?') { '&' } else { '?' };
    if ids.is_empty() {
        return Redirect::to(&format!("{back}{sep}none=1")).into_response();
    }
    let mut done = 0i64;
    for id in ids {
        let body = AssignLead { assignee_id: Some(form.assignee.clone()) };
        match app::leads::assign(&state.app.db, &viewer.actor, id, body).await {
            Ok(_) => done += 1,
            Err(e) => tracing::info!(lead = %id, error = %e, "bulk assign skipped a lead"),
        }
    }
    Redirect::to(&format!("{back}{sep}assigned={done}")).into_response()
}
