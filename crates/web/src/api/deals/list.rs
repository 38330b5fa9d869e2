//! `GET /api/v1/deals`: filters, order and cursor pages.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::deals::{DealStage, DealView, ListDeals};
use app::records::{Page, PageQuery};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::{ApiQuery, names};

/// The query string of the deal list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct DealListQuery {
    /// One stage or several, comma-separated (`OFFER,RESERVATION`).
    #[param(example = "OFFER,RESERVATION")]
    pub stage: Option<String>,
    /// Deals of this agent.
    pub agent_id: Option<String>,
    /// Deals on this lead.
    pub lead_id: Option<String>,
    /// Deals for this listing.
    pub property_id: Option<String>,
    /// Expected to close at or after: RFC 3339, or a date (its start, UTC).
    #[param(example = "2026-06-01")]
    pub expected_close_from: Option<String>,
    /// Expected to close at or before: RFC 3339, or a date (the whole day).
    #[param(example = "2026-06-30")]
    pub expected_close_to: Option<String>,
    /// `createdAt`, `updatedAt`, `value` or `expectedCloseAt` (deals without a date last);
    /// `-` in front for descending. Default `-createdAt`.
    #[param(example = "-value")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the deals the caller may read: an agent their own, a manager their team's (and those
/// without an agent), an admin all.
#[utoipa::path(
    get,
    path = "/api/v1/deals",
    tag = "deals",
    params(DealListQuery),
    responses(
        (status = 200, description = "One page of deals", body = Page<DealView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_deals(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<DealListQuery>,
) -> Result<Json<Page<DealView>>, ApiError> {
    let query = ListDeals {
        stage: names::<DealStage>(q.stage.as_deref(), "stage")?,
        agent_id: q.agent_id,
        lead_id: q.lead_id,
        property_id: q.property_id,
        expected_close_from: q.expected_close_from,
        expected_close_to: q.expected_close_to,
        page: PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor },
    };
    Ok(Json(app::deals::list(&state.app.db, &actor, query).await?))
}
