//! `GET /listings`: the listings grid (filters, folded search, sortable columns, cursor pages);
//! `GET /listings/{id}`: one listing — photos, both titles and descriptions, price, facts, the
//! permit (with a warning when it has expired or expires within 30 days) and the leads it fits.
//! Every member of the agency reads every listing; the owner's contact shows only to those the
//! rules show it to, and matching leads only those the reader may read.

use std::collections::{BTreeSet, HashMap};

use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};

use app::leads::Purpose;
use app::properties::{ListProperties, ListingStatus, PropertyView};
use app::records::{PageQuery, RecordError};
use domain::Locale;
use ui::format;
use ui::pages::Opt;
use ui::pages::lead::Fact;
use ui::pages::leads::{Cell, Header};
use ui::pages::listing::{ListingPage, LocalText, MatchedLead, PermitState};
use ui::pages::listings::{ListingFilters, ListingRow, ListingsPage};
use ui::{Section, Tr};

use super::columns::ColumnChoice;
use super::lead::{join, local_title, notice, purpose_code, type_label};
use super::session::Viewer;
use super::{html, not_found, pick, server_error};
use crate::AppState;

const PAGE_SIZE: u32 = 50;
const STATUSES: [ListingStatus; 6] = [
    ListingStatus::Draft,
    ListingStatus::Available,
    ListingStatus::Reserved,
    ListingStatus::Sold,
    ListingStatus::Rented,
    ListingStatus::Withdrawn,
];
/// The grid's choosable columns, remembered in a cookie (the title and the actions are pinned and
/// always shown). All of them until the reader chooses.
const COLUMNS: ColumnChoice = ColumnChoice {
    cookie: "manzil_listing_columns",
    path: "/listings",
    all: &LISTING_COLUMNS,
    default: &LISTING_COLUMNS,
};
const LISTING_COLUMNS: [&str; 11] =
    ["reference", "type", "purpose", "city", "community", "bedrooms", "price", "status", "agent", "permit", "updated"];

/// A column's label (Fluent id) and the field it sorts by, if it sorts.
fn column_label(key: &str) -> (&'static str, Option<&'static str>) {
    match key {
        "reference" => ("listing-reference", Some("reference")),
        "type" => ("listing-type", None),
        "purpose" => ("listing-purpose", None),
        "city" => ("listing-city", None),
        "community" => ("listing-community", None),
        "bedrooms" => ("listing-bedrooms", None),
        "price" => ("listing-price", Some("price")),
        "status" => ("col-status", None),
        "agent" => ("listing-agent", None),
        "permit" => ("listing-permit-expiry", None),
        _ => ("col-updated", Some("updatedAt")),
    }
}

/// The types the filter offers (others are stored too, and show as stored).
const TYPES: [&str; 8] = ["APARTMENT", "VILLA", "TOWNHOUSE", "PENTHOUSE", "OFFICE", "SHOP", "WAREHOUSE", "LAND"];

/// The grid's query string, as typed.
#[derive(Debug, Default)]
struct GridQuery {
    q: String,
    status: String,
    purpose: String,
    kind: String,
    city: String,
    sort: String,
    cursor: Option<String>,
    /// The column choice, when the form sent one.
    cols: Option<Vec<String>>,
}

impl GridQuery {
    fn parse(raw: Option<&str>) -> GridQuery {
        let mut g = GridQuery::default();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "q" => g.q = v,
                "status" => g.status = v,
                "purpose" => g.purpose = v,
                "type" => g.kind = v,
                "city" => g.city = v,
                "sort" => g.sort = v,
                "cursor" if !v.is_empty() => g.cursor = Some(v),
                "cols" => g.cols.get_or_insert_with(Vec::new).push(v),
                _ => {}
            }
        }
        g
    }

    /// This grid's address with `sort` and `cursor` replaced (filters kept).
    fn href(&self, sort: &str, cursor: Option<&str>) -> String {
        let filters = [
            ("q", &*self.q),
            ("status", &self.status),
            ("purpose", &self.purpose),
            ("type", &self.kind),
            ("city", &self.city),
        ];
        super::grid_href("/listings", &filters, sort, cursor)
    }

    /// The header of a column sorted by `field` (if any), marked when it is the current order.
    fn header(&self, tr: Tr, key: &'static str, label: &str, field: Option<&str>) -> Header {
        let sort = if self.sort.is_empty() { "-createdAt" } else { self.sort.as_str() };
        Header::sorted(tr, key, label, field, sort, |order| self.href(order, None))
    }
}

/// `GET /listings`.
pub async fn grid(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    request_headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let g = GridQuery::parse(raw.as_deref());
    let tr = viewer.tr();
    let chosen = COLUMNS.choose(&request_headers, g.cols.as_deref());
    let query = ListProperties {
        status: pick::<ListingStatus>(&g.status),
        purpose: pick::<Purpose>(&g.purpose),
        types: Some(g.kind.clone()).filter(|t| !t.trim().is_empty()).into_iter().collect(),
        city: Some(g.city.clone()).filter(|c| !c.trim().is_empty()),
        q: Some(g.q.clone()).filter(|q| !q.trim().is_empty()),
        page: PageQuery {
            sort: Some(g.sort.clone()).filter(|s| !s.is_empty()),
            limit: Some(PAGE_SIZE),
            cursor: g.cursor.clone(),
        },
        ..ListProperties::default()
    };
    let page = match app::properties::list(&state.app.db, &viewer.actor, query).await {
        Ok(p) => p,
        Err(RecordError::Page(_) | RecordError::Invalid { .. }) => return Redirect::to("/listings").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "listings grid");
            return server_error(tr);
        }
    };
    let names = user_names(&state, &viewer).await;
    let headers = chosen
        .keys
        .iter()
        .map(|k| {
            let (label, field) = column_label(k);
            g.header(tr, k, label, field)
        })
        .collect();
    let mut title_header = g.header(tr, "title", "listing-title", None);
    title_header.pin_start = true;
    let rows: Vec<ListingRow> = page.items.iter().map(|p| row(tr, p, &names, &chosen.keys)).collect();
    let mut cities: BTreeSet<String> = page.items.iter().map(|p| p.city.clone()).collect();
    if !g.city.trim().is_empty() {
        cities.insert(g.city.clone());
    }
    let mut shell = viewer.shell(Section::Listings, tr.t("listings-title"), &g.href(&g.sort, g.cursor.as_deref()));
    shell.flash = notice(tr, raw.as_deref());
    let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let column_choices = COLUMNS.options(&chosen, |k| tr.t(column_label(k).0));
    let mut res = html(ListingsPage {
        shell,
        filters: ListingFilters { q: g.q.clone(), city: g.city.clone(), sort: g.sort.clone() },
        status_options: STATUSES
            .iter()
            .map(|s| Opt::new(s.as_str(), tr.label("listing-status", s.as_str()), g.status == s.as_str()))
            .collect(),
        purpose_options: [Purpose::Sale, Purpose::Rent]
            .iter()
            .map(|p| Opt::new(purpose_code(*p), tr.label("purpose", purpose_code(*p)), g.purpose == purpose_code(*p)))
            .collect(),
        type_options: TYPES.iter().map(|t| Opt::new(*t, type_label(tr, t), g.kind == *t)).collect(),
        cities: cities.into_iter().collect(),
        headers,
        title_header,
        rows,
        count_label: tr.n("listings-on-page", count),
        first_href: g.cursor.as_ref().map(|_| g.href(&g.sort, None)),
        next_href: page.next_cursor.as_deref().map(|c| g.href(&g.sort, Some(c))),
        column_choices,
    });
    chosen.remember(&COLUMNS, &mut res);
    res
}

/// The agency's users the reader may see, by id.
async fn user_names(state: &AppState, viewer: &Viewer) -> HashMap<String, String> {
    super::leads::colleagues(state, viewer).await.into_iter().map(|(id, name, _)| (id, name)).collect()
}

/// A listing's row: the cells of the `columns` shown, in their order.
fn row(tr: Tr, p: &PropertyView, names: &HashMap<String, String>, columns: &[&str]) -> ListingRow {
    let text = |s: Option<&String>| s.filter(|s| !s.trim().is_empty()).map_or(Cell::Empty, |s| Cell::Text(s.clone()));
    ListingRow {
        id: p.id.clone(),
        title: local_title(tr, &p.title_ar, &p.title_en),
        cells: columns.iter().map(|c| cell(tr, p, names, c, text)).collect(),
    }
}

fn cell(
    tr: Tr,
    p: &PropertyView,
    names: &HashMap<String, String>,
    column: &str,
    text: impl Fn(Option<&String>) -> Cell,
) -> Cell {
    match column {
        "reference" => Cell::Ltr(p.reference.clone()),
        "type" => Cell::Text(type_label(tr, &p.kind)),
        "purpose" => Cell::Text(tr.label("purpose", purpose_code(p.purpose))),
        "city" => Cell::Text(p.city.clone()),
        "community" => text(p.community.as_ref()),
        "bedrooms" => p.bedrooms.map_or(Cell::Empty, |b| Cell::Num(b.to_string())),
        "price" => Cell::Num(format::money(&p.price, &p.currency)),
        "status" => Cell::Badge(p.status.as_str().to_owned(), tr.label("listing-status", p.status.as_str())),
        "agent" => text(p.listing_agent_id.as_ref().and_then(|id| names.get(id))),
        "permit" => {
            p.permit_expires_at.as_deref().map_or(Cell::Empty, |d| Cell::Num(format::calendar_date(d, tr.locale)))
        }
        _ => Cell::Num(format::date(&p.updated_at, tr.locale, tr.zone)),
    }
}

/// `GET /listings/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let (db, actor) = (&state.app.db, &viewer.actor);
    let p = match app::properties::get(db, actor, &id).await {
        Ok(p) => p,
        Err(RecordError::NotFound(_)) => return not_found(tr),
        Err(e) => {
            tracing::error!(error = %e, "listing page");
            return server_error(tr);
        }
    };
    let names = user_names(&state, &viewer).await;
    let matches = match app::matching::leads_for_listing(db, actor, &id, Some(10)).await {
        Ok(m) => m.items,
        Err(e) => {
            tracing::warn!(error = %e, "matches on the listing page");
            Vec::new()
        }
    };
    let matches = matches
        .into_iter()
        .map(|m| MatchedLead {
            status: m.lead.status.as_str().to_owned(),
            status_label: tr.label("status", m.lead.status.as_str()),
            name: m.lead.name,
            id: m.lead.id,
            score: i64::from(m.score),
        })
        .collect();

    let permit = PermitState::today(p.permit_expires_at.as_deref(), tr.zone);
    let permit_warning = match permit {
        PermitState::Expired => Some(tr.t("permit-expired")),
        PermitState::ExpiresSoon(days) => Some(tr.n("permit-expires-soon", days)),
        PermitState::Valid | PermitState::Unknown => None,
    };
    let arabic = LocalText {
        lang: "ar",
        dir: "rtl",
        label: tr.t("listing-text-ar"),
        title: p.title_ar.clone(),
        description: p.description_ar.clone().filter(|d| !d.trim().is_empty()),
    };
    let english = LocalText {
        lang: "en",
        dir: "ltr",
        label: tr.t("listing-text-en"),
        title: p.title_en.clone(),
        description: p.description_en.clone().filter(|d| !d.trim().is_empty()),
    };
    let texts = match tr.locale {
        Locale::Ar => vec![arabic, english],
        Locale::En => vec![english, arabic],
    };
    let heading = local_title(tr, &p.title_ar, &p.title_en);
    let mut shell = viewer.shell(
        Section::Listings,
        heading.clone(),
        &format!("/listings/{}", form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()),
    );
    shell.flash = notice(tr, raw.as_deref());
    html(ListingPage {
        shell,
        reference: p.reference.clone(),
        heading,
        status: p.status.as_str().to_owned(),
        status_label: tr.label("listing-status", p.status.as_str()),
        price: format::money(&p.price, &p.currency),
        texts,
        facts: facts(tr, &p, &names),
        photos: p
            .photos
            .iter()
            .map(|f| format!("/api/v1/files/{}", form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()))
            .collect(),
        permit_number: p.permit_number.clone().filter(|n| !n.trim().is_empty()),
        permit_expiry: p.permit_expires_at.as_deref().map(|d| format::calendar_date(d, tr.locale)),
        permit_expired: permit == PermitState::Expired,
        permit_warning,
        matches,
        id: p.id,
    })
}

fn facts(tr: Tr, p: &PropertyView, names: &HashMap<String, String>) -> Vec<Fact> {
    let mut facts = vec![
        Fact::ltr("reference", tr.t("listing-reference"), p.reference.clone()),
        Fact::text("type", tr.t("listing-type"), type_label(tr, &p.kind)),
        Fact::text("purpose", tr.t("listing-purpose"), tr.label("purpose", purpose_code(p.purpose))),
        Fact::text(
            "place",
            tr.t("listing-city"),
            match &p.community {
                Some(c) if !c.trim().is_empty() => join(tr, &[c.clone(), p.city.clone()]),
                _ => p.city.clone(),
            },
        ),
    ];
    if let Some(b) = p.bedrooms {
        facts.push(Fact::ltr("bedrooms", tr.t("listing-bedrooms"), b.to_string()));
    }
    if let Some(b) = p.bathrooms {
        facts.push(Fact::ltr("bathrooms", tr.t("listing-bathrooms"), b.to_string()));
    }
    if let Some(a) = p.area_sqm {
        facts.push(Fact::text("area", tr.t("listing-area"), tr.with("listing-area-value", "name", &a.to_string())));
    }
    if let Some(name) = p.listing_agent_id.as_ref().and_then(|id| names.get(id)) {
        facts.push(Fact::text("agent", tr.t("listing-agent"), name.clone()));
    }
    if let Some(owner) = p.owner_name.as_ref().filter(|o| !o.trim().is_empty()) {
        facts.push(Fact::text("owner", tr.t("listing-owner"), owner.clone()));
    }
    if let Some(phone) = &p.owner_phone {
        facts.push(Fact::ltr("owner-phone", tr.t("listing-owner-phone"), phone.clone()));
    }
    facts
}
