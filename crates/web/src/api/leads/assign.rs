//! `POST /api/v1/leads/{id}/assign`.

use axum::Json;
use axum::extract::{Path, State};

use app::leads::{AssignLead, LeadView};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::json::ApiJson;

/// (Re)assigns a lead, or returns it to the pool with `null`. Admins anywhere, managers within
/// their team; an agent gets 403 `policy.denied` on their own lead (the `assigneeId` field rule)
/// and 404 on any lead they cannot read.
#[utoipa::path(
    post,
    path = "/api/v1/leads/{id}/assign",
    tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    request_body = AssignLead,
    responses(
        (status = 200, description = "The lead with its new assignee", body = LeadView),
        (status = 400, description = "`lead.invalid_assignee`, `request.invalid`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`lead.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn assign_lead(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AssignLead>,
) -> Result<Json<LeadView>, ApiError> {
    Ok(Json(app::leads::assign(&state.app.db, &actor, &id, body).await?))
}
