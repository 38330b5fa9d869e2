//! `GET /api/v1/properties`: filters, search, order and cursor pages.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::leads::Purpose;
use app::properties::{ListProperties, ListingStatus, PropertyView};
use app::records::{Page, PageQuery};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::{ApiQuery, names};

/// The query string of the listing list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PropertyListQuery {
    /// One status or several, comma-separated (`AVAILABLE,RESERVED`).
    #[param(example = "AVAILABLE,RESERVED")]
    pub status: Option<String>,
    /// `SALE` or `RENT`.
    pub purpose: Option<String>,
    /// One type or several, comma-separated (`APARTMENT,VILLA`).
    #[serde(rename = "type")]
    #[param(rename = "type", example = "APARTMENT,VILLA")]
    pub kind: Option<String>,
    /// The city, exactly as stored (for free text, use `q`).
    pub city: Option<String>,
    /// The community, exactly as stored.
    pub community: Option<String>,
    /// Listings of this agent.
    pub listing_agent_id: Option<String>,
    /// At least this many bedrooms.
    pub min_bedrooms: Option<u32>,
    /// A decimal string; the price at least this.
    #[param(example = "500000")]
    pub min_price: Option<String>,
    /// A decimal string; the price at most this.
    pub max_price: Option<String>,
    /// Search in the reference, both titles, the city and the community; Arabic spelling
    /// variants and digit scripts fold.
    #[param(example = "الامارات")]
    pub q: Option<String>,
    /// `createdAt`, `updatedAt`, `price` or `reference`; `-` in front for descending. Default
    /// `-createdAt`.
    #[param(example = "price")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the agency's listings (every member reads them all; the owner's contact only where the
/// rules allow).
#[utoipa::path(
    get,
    path = "/api/v1/properties",
    tag = "properties",
    params(PropertyListQuery),
    responses(
        (status = 200, description = "One page of listings", body = Page<PropertyView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_properties(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<PropertyListQuery>,
) -> Result<Json<Page<PropertyView>>, ApiError> {
    let query = ListProperties {
        status: names::<ListingStatus>(q.status.as_deref(), "status")?,
        purpose: names::<Purpose>(q.purpose.as_deref(), "purpose")?,
        types: q.kind.as_deref().map(|t| t.split(',').map(str::to_owned).collect()).unwrap_or_default(),
        city: q.city,
        community: q.community,
        listing_agent_id: q.listing_agent_id,
        min_bedrooms: q.min_bedrooms,
        min_price: q.min_price,
        max_price: q.max_price,
        q: q.q,
        page: PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor },
    };
    Ok(Json(app::properties::list(&state.app.db, &actor, query).await?))
}
