//! Probes and metrics: `/healthz` (the process answers), `/readyz` (the database answers),
//! `/metrics` (Prometheus text).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::AppState;

/// `{"status": "ok"}`, or `{"status": "unavailable"}` from `/readyz`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProbeStatus {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up and serving.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "system",
    responses((status = 200, description = "The process answers", body = ProbeStatus))
)]
pub async fn healthz() -> Json<serde_json::Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: the database answers a query.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "system",
    responses(
        (status = 200, description = "The database answers", body = ProbeStatus),
        (status = 503, description = "The database does not answer", body = ProbeStatus),
    )
)]
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.app.db.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness probe: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"}))).into_response()
        }
    }
}

/// The Prometheus exposition of every metric, plus the pool's current size.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "system",
    responses(
        (status = 200, description = "Prometheus text format 0.0.4", body = String, content_type = "text/plain"),
        (status = 404, description = "Metrics are off"),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let Some(handle) = &state.metrics else {
        return (StatusCode::NOT_FOUND, "metrics are off").into_response();
    };
    let stats = state.app.db.pool_stats();
    metrics::gauge!("manzil_db_pool_connections").set(f64::from(stats.size));
    metrics::gauge!("manzil_db_pool_idle_connections").set(stats.idle as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render()).into_response()
}
