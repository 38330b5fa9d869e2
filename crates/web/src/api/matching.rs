//! `GET /api/v1/leads/{id}/matches` and `GET /api/v1/properties/{id}/matches`: thin handlers
//! over `app::matching`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;

use app::matching::{LeadMatches, PropertyMatches};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

/// The query string of both match lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct MatchQuery {
    /// How many matches, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The scoring both match lists share, for their descriptions.
macro_rules! scoring {
    () => {
        "Hard criteria (no match without them, filtered in the query): the purpose is the lead's \
        intent; the price lies within the lead's budget widened by 10 % on each side \
        (`budgetMin × 0.9 ≤ price ≤ budgetMax × 1.1`) and is in the budget's currency (the \
        lead's `budgetCurrency`, else the agency's); bedrooms ≥ the lead's `minBedrooms`. Soft \
        criteria add points. Score (0–100) = purpose 20 + budget 25 (10 when only within the \
        tolerance: `budgetNear`) + bedrooms 10 + type 20 + city 15 + community 10; a criterion \
        the lead does not state earns its points without being named in `reasons`; `missed` \
        names the stated soft criteria not met. Cities, communities and types compare folded \
        (case, Arabic spelling). Best first, then most recently updated. At most 500 candidates \
        (the most recently updated) are scored; `truncated` says when more qualified."
    };
}

/// The available listings of the agency that fit a lead, scored and best first.
#[utoipa::path(
    get,
    path = "/api/v1/leads/{id}/matches",
    tag = "matching",
    description = concat!("Only `AVAILABLE` listings. ", scoring!()),
    params(("id" = String, Path, description = "The lead's id"), MatchQuery),
    responses(
        (status = 200, description = "The best listings for the lead", body = PropertyMatches),
        (status = 400, description = "`request.invalid_query` (`limit`)", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`lead.not_found` (missing or hidden by the rules)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn lead_matches(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<MatchQuery>,
) -> Result<Json<PropertyMatches>, ApiError> {
    Ok(Json(app::matching::listings_for_lead(&state.app.db, &actor, &id, q.limit).await?))
}

/// The open leads the caller may read that a listing fits, scored and best first.
#[utoipa::path(
    get,
    path = "/api/v1/properties/{id}/matches",
    tag = "matching",
    description = concat!("Only leads the caller may read, and not `WON` or `LOST`. ", scoring!()),
    params(("id" = String, Path, description = "The listing's id"), MatchQuery),
    responses(
        (status = 200, description = "The best leads for the listing", body = LeadMatches),
        (status = 400, description = "`request.invalid_query` (`limit`)", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`property.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn property_matches(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<MatchQuery>,
) -> Result<Json<LeadMatches>, ApiError> {
    Ok(Json(app::matching::leads_for_listing(&state.app.db, &actor, &id, q.limit).await?))
}
