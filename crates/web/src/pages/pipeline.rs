//! `GET /pipeline`: the deals the reader may read, one column per stage (`app::deals::board`);
//! `POST /pipeline/deals/{id}/stage`: moves a deal through `app::deals::move_stage`, the use case
//! of `POST /api/v1/deals/{id}/stage` — the card's stage menu posts it, and so does a drag and
//! drop (`pipeline.js` submits the card's form). A closed deal is final for an agent: the use
//! case refuses the move and the board says so.
//!
//! A stage shows its newest 50 deals and its total; "show more" at the end of a long stage fetches
//! `GET /pipeline/stages/{stage}?cursor=…` (the next page and the link after it, swapped in for the
//! link by htmx), or without script opens `/pipeline?stage=…&cursor=…` (the board with that stage
//! continued). Every page is read under the reader's rules, like the board.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use serde_json::Value;

use app::deals::{DealCard, DealStage, MoveStage, STAGES};
use app::records::RecordError;
use domain::Role;
use ui::format;
use ui::pages::Opt;
use ui::pages::pipeline::{Card, Column, MoreLink, PipelinePage, StageMore};
use ui::{Section, Tr};

use super::lead::{back, local_title, notice};
use super::session::{Viewer, check_form_csrf};
use super::{csrf_refused, html, not_found, server_error};
use crate::AppState;

/// The most cards a column shows.
const PER_STAGE: u32 = 50;

/// `GET /pipeline`.
pub async fn board(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let (stage, cursor) = continue_at(raw.as_deref());
    let start = stage.zip(cursor.as_deref());
    let columns = match app::deals::board(&state.app.db, &viewer.actor, PER_STAGE, start).await {
        Ok(c) => c,
        Err(RecordError::Page(_)) => return Redirect::to("/pipeline").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "pipeline board");
            return server_error(tr);
        }
    };
    let role = viewer.actor.role;
    let columns = columns
        .into_iter()
        .map(|col| Column {
            stage: col.stage.as_str(),
            label: tr.label("stage", col.stage.as_str()),
            count_label: tr.n("deals-count", i64::try_from(col.total).unwrap_or(i64::MAX)),
            more: more_link(col.stage, col.next_cursor.as_deref()),
            cards: col.cards.into_iter().map(|c| card(tr, role, c)).collect(),
        })
        .collect();
    let mut shell = viewer.shell(Section::Pipeline, tr.t("pipeline-title"), "/pipeline");
    shell.flash = notice(tr, raw.as_deref());
    html(PipelinePage { shell, columns })
}

/// `stage` and `cursor` of the query string (the "show more" link without script).
fn continue_at(raw: Option<&str>) -> (Option<DealStage>, Option<String>) {
    let (mut stage, mut cursor) = (None, None);
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "stage" => stage = serde_json::from_value::<DealStage>(Value::String(v.into_owned())).ok(),
            "cursor" if !v.is_empty() => cursor = Some(v.into_owned()),
            _ => {}
        }
    }
    (stage, cursor)
}

/// The "show more" link of `stage` when a next page starts at `cursor`.
fn more_link(stage: DealStage, cursor: Option<&str>) -> Option<MoreLink> {
    let cursor = form_urlencoded::byte_serialize(cursor?.as_bytes()).collect::<String>();
    let stage = stage.as_str();
    Some(MoreLink {
        href: format!("/pipeline?stage={stage}&cursor={cursor}#stage-{stage}"),
        fragment: format!("/pipeline/stages/{stage}?cursor={cursor}"),
    })
}

/// `GET /pipeline/stages/{stage}?cursor=…`: the next page of one stage, as the cards and the link
/// to the page after it (an htmx fragment).
pub async fn stage_more(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(stage): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let Ok(stage) = serde_json::from_value::<DealStage>(Value::String(stage)) else { return not_found(tr) };
    let (_, cursor) = continue_at(raw.as_deref());
    let col = match app::deals::stage_page(&state.app.db, &viewer.actor, stage, PER_STAGE, cursor.as_deref()).await {
        Ok(c) => c,
        Err(RecordError::Page(_)) => return (StatusCode::BAD_REQUEST, "invalid cursor").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "pipeline stage page");
            return server_error(tr);
        }
    };
    let role = viewer.actor.role;
    html(StageMore {
        shell: viewer.shell(Section::Pipeline, tr.t("pipeline-title"), "/pipeline"),
        more: more_link(col.stage, col.next_cursor.as_deref()),
        cards: col.cards.into_iter().map(|c| card(tr, role, c)).collect(),
    })
}

fn card(tr: Tr, role: Role, c: DealCard) -> Card {
    let stage = c.deal.stage;
    Card {
        stage: stage.as_str(),
        // No other stage is open to the reader: a closed deal, for an agent.
        locked: STAGES.iter().all(|to| *to == stage || !stage.may_move(*to, role)),
        stages: STAGES.iter().map(|s| Opt::new(s.as_str(), tr.label("stage", s.as_str()), *s == stage)).collect(),
        value: format::money(&c.deal.value, &c.deal.currency),
        listing_title: c.property.as_ref().map(|p| local_title(tr, &p.title_ar, &p.title_en)),
        listing_id: c.deal.property_id.clone().filter(|_| c.property.is_some()),
        lead_name: c.lead_name,
        lead_id: c.deal.lead_id,
        id: c.deal.id,
    }
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    stage: String,
}

/// `POST /pipeline/deals/{id}/stage`.
pub async fn move_deal(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MoveForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let tr = viewer.tr();
    let Ok(stage) = serde_json::from_value::<DealStage>(Value::String(form.stage)) else {
        return back("/pipeline", "error", "invalid-stage");
    };
    let (db, actor) = (&state.app.db, &viewer.actor);
    match app::deals::move_stage(db, actor, &id, MoveStage { stage }).await {
        Ok(_) => back("/pipeline", "ok", "deal-moved"),
        Err(RecordError::NotFound(_)) => not_found(tr),
        Err(RecordError::Forbidden) => {
            let closed = app::deals::get(db, actor, &id).await.is_ok_and(|d| d.stage.is_closed());
            back("/pipeline", "error", if closed { "closed-final" } else { "forbidden" })
        }
        Err(e) => {
            tracing::error!(error = %e, "pipeline move");
            server_error(tr)
        }
    }
}
