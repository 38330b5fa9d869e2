//! `GET /api/v1/teams`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::records::{Page, PageQuery};
use app::teams::TeamView;

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

/// The query string of the team list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct TeamListQuery {
    /// `name` or `createdAt`; `-` in front for descending. Default `name`.
    #[param(example = "name")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the agency's teams, each with its members (everyone in the agency may read them).
#[utoipa::path(
    get,
    path = "/api/v1/teams",
    tag = "teams",
    params(TeamListQuery),
    responses(
        (status = 200, description = "One page of teams", body = Page<TeamView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_teams(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<TeamListQuery>,
) -> Result<Json<Page<TeamView>>, ApiError> {
    let page = PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor };
    Ok(Json(app::teams::list(&state.app.db, &actor, page).await?))
}
