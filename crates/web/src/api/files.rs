//! `POST /api/v1/files` (multipart: `ownerType`, `ownerId`, `file`), `GET /api/v1/files/{id}`
//! (the bytes, as an attachment) and `DELETE /api/v1/files/{id}`. A file is visible only when its
//! row and the record it is attached to are readable by the caller; otherwise it does not exist.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use app::files::{FileError, FileView, NewUpload};

use crate::AppState;
use crate::api::openapi::ErrorBody;
use crate::api::uploads;
use crate::auth::CurrentActor;
use crate::error::ApiError;

/// Room for the multipart framing and the form's text fields around the file.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

impl From<FileError> for ApiError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::InvalidOwnerType => {
                ApiError::new(StatusCode::BAD_REQUEST, "request.invalid").with("field", "ownerType")
            }
            FileError::OwnerNotFound => ApiError::new(StatusCode::NOT_FOUND, "file.owner_not_found"),
            FileError::NotFound => ApiError::not_found("File"),
            FileError::TooLarge(max) => too_large().with("maxBytes", max),
            FileError::UnsupportedType => ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "file.unsupported_type"),
            FileError::Forbidden => ApiError::new(StatusCode::FORBIDDEN, "policy.denied"),
            e @ FileError::Storage(_) => ApiError::internal(&e),
            FileError::Store(e) => e.into(),
        }
    }
}

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "file.too_large")
}

/// `Content-Disposition` for `name` (RFC 6266): an ASCII `filename` fallback and the exact name as
/// UTF-8 in `filename*` (Arabic names survive).
pub fn content_disposition(name: &str) -> String {
    let fallback: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Attaches a file to a lead, listing, deal or activity the caller may read.
#[utoipa::path(
    post,
    path = "/api/v1/files",
    tag = "files",
    request_body(content_type = "multipart/form-data", description = "`ownerType` (lead, property, deal, activity), `ownerId`, and the `file` part (JPEG, PNG, WebP, PDF, Office documents, CSV, audio: MP3, Ogg/Opus, M4A, AAC, AMR)"),
    responses(
        (status = 201, description = "The stored file", body = FileView),
        (status = 400, description = "`request.invalid`, `upload.file_missing`", body = ErrorBody),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`file.owner_not_found`: the record is missing or hidden", body = ErrorBody),
        (status = 413, description = "`file.too_large` (limit `files.max_bytes`, default 10 MiB)", body = ErrorBody),
        (status = 415, description = "`file.unsupported_type`: not on the list, or the content does not match the type", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn upload_file(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    req: Request,
) -> Result<(StatusCode, Json<FileView>), ApiError> {
    let limit = state.app.files.max_bytes() + MULTIPART_OVERHEAD;
    let upload = uploads::read(&state, req, limit, &[], too_large).await?;
    let new = NewUpload {
        owner_type: upload.field("ownerType").unwrap_or_default().to_owned(),
        owner_id: upload.field("ownerId").unwrap_or_default().to_owned(),
        name: upload.file_name.clone().unwrap_or_else(|| "file".to_owned()),
        content_type: upload.content_type.clone().unwrap_or_default(),
        bytes: upload.bytes,
    };
    let view = app::files::upload(&state.app, &actor, new).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Downloads a file (as an attachment, never rendered inline).
#[utoipa::path(
    get,
    path = "/api/v1/files/{id}",
    tag = "files",
    params(("id" = String, Path, description = "The file's id")),
    responses(
        (status = 200, description = "The bytes, with `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 404, description = "`file.not_found` (missing, or it or its record hidden by the rules)", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn download_file(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let download = app::files::download(&state.app, &actor, &id).await?;
    let view = download.view;
    let mut res = Body::from_stream(download.body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(download.size));
    let ct = HeaderValue::from_str(&view.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, ct);
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&view.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// Removes a file: its uploader, a manager or an admin.
#[utoipa::path(
    delete,
    path = "/api/v1/files/{id}",
    tag = "files",
    params(("id" = String, Path, description = "The file's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "`auth.invalid_token`", body = ErrorBody),
        (status = 403, description = "`policy.denied`", body = ErrorBody),
        (status = 404, description = "`file.not_found`", body = ErrorBody),
    ),
    security(("bearer" = []), ("cookie" = []))
)]
pub async fn delete_file(
    State(state): State<AppState>,
    CurrentActor(actor): CurrentActor,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    app::files::delete(&state.app, &actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_names_use_filename_star() {
        assert_eq!(
            content_disposition("عقد.pdf"),
            "attachment; filename=\"___.pdf\"; filename*=UTF-8''%D8%B9%D9%82%D8%AF.pdf"
        );
        assert_eq!(
            content_disposition("a \"b\".pdf"),
            "attachment; filename=\"a _b_.pdf\"; filename*=UTF-8''a%20%22b%22.pdf"
        );
    }
}
