//! The deals part of a lead's page: the lead's deals (read through `app::deals::list` under the
//! reader's rules) and `POST /leads/{id}/deals`, which creates one through
//! `app::deals::create_in` — the use case of `POST /api/v1/deals`, with the starting stage the
//! form offers. A lead the reader may not read is the same 404 page as a missing one.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use serde_json::Value;

use app::deals::{DealStage, ListDeals, NewDeal, STAGES};
use app::leads::Budget;
use app::records::{PageQuery, RecordError};
use ui::pages::Opt;
use ui::pages::lead::{LeadDeal, MatchedListing};
use ui::{Tr, format};

use super::lead::{back, lead_path, local_title};
use super::session::{Viewer, check_form_csrf};
use super::{csrf_refused, not_found, server_error};
use crate::AppState;

/// The most deals the panel lists.
const DEALS_MAX: u32 = 20;

/// The lead's deals the reader may read, newest first, each with its listing's title (from the
/// matches when it is one of them, else read under the reader's rules).
pub(super) async fn deals(
    state: &AppState,
    viewer: &Viewer,
    lead_id: &str,
    matches: &[MatchedListing],
) -> Vec<LeadDeal> {
    let tr = viewer.tr();
    let (db, actor) = (&state.app.db, &viewer.actor);
    let query = ListDeals {
        lead_id: Some(lead_id.to_owned()),
        page: PageQuery { limit: Some(DEALS_MAX), ..PageQuery::default() },
        ..ListDeals::default()
    };
    let items = match app::deals::list(db, actor, query).await {
        Ok(p) => p.items,
        Err(e) => {
            tracing::warn!(error = %e, "deals on the lead page");
            return Vec::new();
        }
    };
    let mut out = Vec::with_capacity(items.len());
    for d in items {
        let listing_title = match d.property_id.as_deref() {
            None => None,
            Some(pid) => match matches.iter().find(|m| m.id == pid) {
                Some(m) => Some(m.title.clone()),
                None => match app::properties::get(db, actor, pid).await {
                    Ok(p) => Some(local_title(tr, &p.title_ar, &p.title_en)),
                    Err(e) => {
                        tracing::debug!(error = %e, "a deal's listing on the lead page");
                        None
                    }
                },
            },
        };
        out.push(LeadDeal {
            stage: d.stage.as_str(),
            stage_label: tr.label("stage", d.stage.as_str()),
            value: format::money(&d.value, &d.currency),
            listing_id: d.property_id.filter(|_| listing_title.is_some()),
            listing_title,
            id: d.id,
        });
    }
    out
}

/// The stages a deal may start in from the page: the open ones, the first selected.
pub(super) fn stage_options(tr: Tr) -> Vec<Opt> {
    STAGES
        .iter()
        .filter(|s| !s.is_closed())
        .enumerate()
        .map(|(i, s)| Opt::new(s.as_str(), tr.label("stage", s.as_str()), i == 0))
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct DealForm {
    #[serde(default)]
    csrf: String,
    /// A listing id; empty for none.
    #[serde(default)]
    listing: String,
    #[serde(default)]
    value: String,
    /// An open stage; empty for the first.
    #[serde(default)]
    stage: String,
}

/// An amount as people type it: Arabic-Indic digits, the Arabic decimal separator and
/// thousands separators (`,`, `٬`, spaces) are read; anything else is refused.
fn amount(input: &str) -> Option<Budget> {
    let mut s = String::with_capacity(input.len());
    for c in input.trim().chars() {
        match c {
            '0'..='9' | '.' => s.push(c),
            '\u{0660}'..='\u{0669}' => s.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => s.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            '\u{066B}' => s.push('.'),
            ',' | '\u{066C}' | ' ' | '\u{00A0}' | '\u{202F}' => {}
            _ => return None,
        }
    }
    Budget::parse(&s)
}

/// `POST /leads/{id}/deals`: a deal on the lead, for one of its listings or none, in an open
/// stage, in the agency's currency. The rules decide whether the reader may create it.
pub async fn create(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<DealForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let tr = viewer.tr();
    let path = lead_path(&id);
    let stage = match form.stage.trim() {
        "" => DealStage::Offer,
        s => match serde_json::from_value::<DealStage>(Value::String(s.to_owned())) {
            Ok(stage) if !stage.is_closed() => stage,
            _ => return back(&path, "error", "invalid-stage"),
        },
    };
    let Some(value) = amount(&form.value) else {
        return back(&path, "error", "invalid-value");
    };
    let new = NewDeal {
        lead_id: id.clone(),
        property_id: Some(form.listing).filter(|l| !l.trim().is_empty()),
        value,
        currency: None,
        commission: None,
        agent_id: None,
        expected_close_at: None,
    };
    match app::deals::create_in(&state.app.db, &viewer.actor, new, stage).await {
        Ok(_) => back(&path, "ok", "deal-created"),
        Err(RecordError::NotFound(_) | RecordError::Invalid { code: "deal.invalid_lead", .. }) => not_found(tr),
        Err(RecordError::Invalid { code: "deal.invalid_property", .. }) => back(&path, "error", "invalid-listing"),
        Err(RecordError::Forbidden) => back(&path, "error", "forbidden"),
        Err(RecordError::Invalid { .. }) => back(&path, "error", "invalid"),
        Err(e) => {
            tracing::error!(error = %e, "deal form on the lead page");
            server_error(tr)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        let read = |s: &str| amount(s).map(String::from);
        assert_eq!(read("1850000").as_deref(), Some("1850000"));
        assert_eq!(read(" 1,850,000.50 ").as_deref(), Some("1850000.50"));
        assert_eq!(read("١٬٨٥٠٬٠٠٠").as_deref(), Some("1850000"));
        assert_eq!(read("۲۵۰٫۵").as_deref(), Some("250.5"));
        assert_eq!(read("-5"), None);
        assert_eq!(read("1e9"), None);
        assert_eq!(read("lots"), None);
        assert_eq!(read(""), None);
    }

    #[test]
    fn a_new_deal_starts_in_an_open_stage() {
        let opts = stage_options(Tr::new(domain::Locale::En));
        let values: Vec<&str> = opts.iter().map(|o| o.value.as_str()).collect();
        assert_eq!(values, ["OFFER", "RESERVATION", "CONTRACT"]);
        assert!(opts[0].selected && !opts[1].selected);
    }
}
