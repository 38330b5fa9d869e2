//! `GET /api/v1/users`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::Role;
use app::records::{Page, PageQuery};
use app::users::{ListUsers, UserView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::{ApiQuery, names};

/// The query string of the user list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// One role or several, comma-separated (`MANAGER,AGENT`).
    #[param(example = "MANAGER,AGENT")]
    pub role: Option<String>,
    /// Members of this team.
    pub team_id: Option<String>,
    /// `true`: active users only; `false`: deactivated ones only.
    pub active: Option<bool>,
    /// Search in name and e-mail; Arabic spelling variants fold (`احمد` finds `أحمد`).
    #[param(example = "سارة")]
    pub q: Option<String>,
    /// `name`, `createdAt` or `email`; `-` in front for descending. Default `name`.
    #[param(example = "name")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the agency's users (every colleague may read them).
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(UserListQuery),
    responses(
        (status = 200, description = "One page of users", body = Page<UserView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_users(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<UserListQuery>,
) -> Result<Json<Page<UserView>>, ApiError> {
    let query = ListUsers {
        role: names::<Role>(q.role.as_deref(), "role")?,
        team_id: q.team_id,
        active: q.active,
        q: q.q,
        page: PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor },
    };
    Ok(Json(app::users::list(&state.app.db, &actor, query).await?))
}
