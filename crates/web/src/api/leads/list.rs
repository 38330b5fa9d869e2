//! `GET /api/v1/leads`: filters, search, order and cursor pages.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::leads::{LeadPage, LeadSource, LeadStatus, ListLeads};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::{ApiQuery, names};

/// The query string of the lead list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LeadListQuery {
    /// One status or several, comma-separated (`NEW,CONTACTED`).
    #[param(example = "NEW,CONTACTED")]
    pub status: Option<String>,
    /// One source or several, comma-separated (`BAYUT,WEBSITE`).
    pub source: Option<String>,
    /// Leads of this user.
    pub assignee_id: Option<String>,
    /// `true`: only leads without an assignee (wins over `assigneeId`).
    pub unassigned: Option<bool>,
    /// Leads carrying this tag.
    pub tag: Option<String>,
    /// Created at or after: RFC 3339, or a date (its start, UTC).
    #[param(example = "2026-03-01")]
    pub created_from: Option<String>,
    /// Created at or before: RFC 3339, or a date (the whole day).
    pub created_to: Option<String>,
    /// Search in name, phones, e-mail and notes; Arabic spelling variants and digit scripts fold.
    #[param(example = "احمد")]
    pub q: Option<String>,
    /// `createdAt`, `updatedAt`, `name` or `status`; `-` in front for descending. Default
    /// `-createdAt`.
    #[param(example = "-createdAt")]
    pub sort: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the leads the caller may read.
#[utoipa::path(
    get,
    path = "/api/v1/leads",
    tag = "leads",
    params(LeadListQuery),
    responses(
        (status = 200, description = "One page of leads", body = LeadPage),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_leads(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<LeadListQuery>,
) -> Result<Json<LeadPage>, ApiError> {
    let query = ListLeads {
        status: names::<LeadStatus>(q.status.as_deref(), "status")?,
        source: names::<LeadSource>(q.source.as_deref(), "source")?,
        assignee_id: q.assignee_id,
        unassigned: q.unassigned.unwrap_or(false),
        tag: q.tag,
        created_from: q.created_from,
        created_to: q.created_to,
        q: q.q,
        sort: q.sort,
        limit: q.limit,
        cursor: q.cursor,
    };
    Ok(Json(app::leads::list(&state.app.db, &actor, query).await?))
}
