//! `GET /api/v1/exports/leads.csv` and `GET /api/v1/exports/properties.csv`: what the caller may
//! read, filtered like the lists, as CSV that Excel opens correctly (UTF-8 with BOM, CRLF,
//! formula injection escaped).

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use app::exports::{ExportError, ListProperties};
use app::leads::{LeadSource, LeadStatus, ListLeads};

use crate::AppState;
use crate::api::leads::list::LeadListQuery;
use crate::api::openapi::ErrorBody;
use crate::auth::CurrentActor;
use crate::error::ApiError;
use crate::query::ApiQuery;

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Lead(e) => e.into(),
            ExportError::InvalidFilter(field) => {
                ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", field)
            }
            e @ ExportError::Csv(_) => ApiError::internal(&e),
            ExportError::Store(e) => e.into(),
        }
    }
}

fn names<T: DeserializeOwned>(input: Option<&str>, field: &'static str) -> Result<Vec<T>, ApiError> {
    input
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.to_ascii_uppercase()))
                .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "request.invalid_query").with("field", field))
        })
        .collect()
}

fn csv(file_name: &'static str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(file_name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The leads the caller may read, as CSV; the filters are the lead list's (`limit`, `cursor` and
/// `sort` are ignored: newest first, at most 50 000 rows).
#[utoipa::path(
    get,
    path = "/api/v1/exports/leads.csv",
    tag = "exports",
    params(LeadListQuery),
    responses(
        (status = 200, description = "UTF-8 CSV with BOM and CRLF", content_type = "text/csv", body = String),
        (status = 400, description = "`request.invalid_query`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn export_leads(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<LeadListQuery>,
) -> Result<Response, ApiError> {
    let query = ListLeads {
        status: names::<LeadStatus>(q.status.as_deref(), "status")?,
        source: names::<LeadSource>(q.source.as_deref(), "source")?,
        assignee_id: q.assignee_id,
        unassigned: q.unassigned.unwrap_or(false),
        tag: q.tag,
        created_from: q.created_from,
        created_to: q.created_to,
        q: q.q,
        sort: None,
        limit: None,
        cursor: None,
    };
    let bytes = app::exports::leads(&state.app, &actor, query).await?;
    Ok(csv("attachment; filename=\"leads.csv\"", bytes))
}

/// The query string of the listing export.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PropertyExportQuery {
    /// One status or several, comma-separated (`AVAILABLE,RESERVED`).
    pub status: Option<String>,
    /// `SALE` or `RENT`.
    pub purpose: Option<String>,
    /// `APARTMENT`, `VILLA`…
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub kind: Option<String>,
    pub city: Option<String>,
    pub listing_agent_id: Option<String>,
    /// Search in reference, titles, city and community (Arabic spelling variants fold).
    pub q: Option<String>,
}

/// The listings the caller may read, as CSV (newest first, at most 50 000 rows; the owner's
/// contact is empty where the rules hide it).
#[utoipa::path(
    get,
    path = "/api/v1/exports/properties.csv",
    tag = "exports",
    params(PropertyExportQuery),
    responses(
        (status = 200, description = "UTF-8 CSV with BOM and CRLF", content_type = "text/csv", body = String),
        (status = 400, description = "`request.invalid_query`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn export_properties(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(q): ApiQuery<PropertyExportQuery>,
) -> Result<Response, ApiError> {
    let query = ListProperties {
        status: q
            .status
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        purpose: q.purpose,
        kind: q.kind,
        city: q.city,
        listing_agent_id: q.listing_agent_id,
        q: q.q,
    };
    let bytes = app::exports::properties(&state.app, &actor, query).await?;
    Ok(csv("attachment; filename=\"properties.csv\"", bytes))
}
