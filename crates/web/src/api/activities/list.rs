//! `GET /api/v1/activities`: filters, order and cursor pages.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::activities::{ActivityType, ActivityView, ListActivities};
use app::records::{Page, PageQuery};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::{ApiQuery, names};

/// The query string of the activity list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ActivityListQuery {
    /// One kind or several, comma-separated (`CALL,TASK`).
    #[serde(rename = "type")]
    #[param(rename = "type", example = "CALL,TASK")]
    pub kind: Option<String>,
    /// Activities on this lead.
    pub lead_id: Option<String>,
    /// Activities on this deal.
    pub deal_id: Option<String>,
    /// Activities about this listing.
    pub property_id: Option<String>,
    /// Activities assigned to this user.
    pub assignee_id: Option<String>,
    /// `true`: only those assigned to the caller.
    pub mine: Option<bool>,
    /// `true`: not done yet; `false`: done.
    pub open: Option<bool>,
    /// Due at or after: RFC 3339, or a date (its start, UTC).
    #[param(example = "2026-03-20")]
    pub due_from: Option<String>,
    /// Due at or before: RFC 3339, or a date (the whole day).
    pub due_to: Option<String>,
    /// `dueAt` (those without a due time last) or `createdAt`; `-` in front for descending.
    /// Default `-createdAt`.
    #[param(example = "dueAt")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the activities the caller may read: their own (assigned or logged), those on their
/// leads, a manager's team's, all for an admin.
#[utoipa::path(
    get,
    path = "/api/v1/activities",
    tag = "activities",
    params(ActivityListQuery),
    responses(
        (status = 200, description = "One page of activities", body = Page<ActivityView>),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_activities(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<ActivityListQuery>,
) -> Result<Json<Page<ActivityView>>, ApiError> {
    let query = ListActivities {
        kind: names::<ActivityType>(q.kind.as_deref(), "type")?,
        lead_id: q.lead_id,
        deal_id: q.deal_id,
        property_id: q.property_id,
        assignee_id: q.assignee_id,
        mine: q.mine.unwrap_or(false),
        open: q.open,
        due_from: q.due_from,
        due_to: q.due_to,
        page: PageQuery { sort: q.sort, limit: q.limit, cursor: q.cursor },
    };
    Ok(Json(app::activities::list(&state.app.db, &actor, query).await?))
}
