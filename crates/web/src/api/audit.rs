//! `GET /api/v1/audit`: the change history the engine's audit hook records.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use app::audit::{AuditPage, ListAudit};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

/// The query string of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The model, as named in `schema.zmodel` (`Lead`, `User`, …).
    #[param(example = "Lead")]
    pub model: Option<String>,
    /// The changed record's id.
    pub record_id: Option<String>,
    /// Changes by this user.
    pub actor_id: Option<String>,
    /// Page size, 1–100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// The audit log, newest first. The rules show it to admins only: for anyone else it is empty.
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, description = "One page of events (empty for non-admins)", body = AuditPage),
        (status = 400, description = "`request.invalid_query`, `request.invalid_cursor`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn list_audit(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    let query =
        ListAudit { model: q.model, record_id: q.record_id, actor_id: q.actor_id, limit: q.limit, cursor: q.cursor };
    Ok(Json(app::audit::list(&state.app.db, &actor, query).await?))
}
