//! Reading an upload body: `multipart/form-data` (the `file` part, plus text fields) or a raw body
//! (`text/csv`…), at most `limit` bytes. The routes that take uploads switch the global JSON body
//! limit off and call this with their own.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};

use crate::AppState;
use crate::error::ApiError;

/// An upload: the file's bytes, name and declared type, and the other form fields.
#[derive(Debug, Default)]
pub struct Upload {
    pub bytes: Bytes,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn essence(req: &Request) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads the request as an upload. `too_large` is the error for a body over `limit`; `raw_types`
/// are the content types accepted as a raw body (empty: multipart only).
pub async fn read(
    state: &AppState,
    req: Request,
    limit: usize,
    raw_types: &[&str],
    too_large: fn() -> ApiError,
) -> Result<Upload, ApiError> {
    let ct = essence(&req);
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| too_large())?;
    if ct == "multipart/form-data" {
        let req = Request::from_parts(parts, Body::from(bytes));
        let mut multipart = Multipart::from_request(req, state).await.map_err(|_| ApiError::invalid_request())?;
        let mut upload = Upload::default();
        while let Some(field) = multipart.next_field().await.map_err(|_| ApiError::invalid_request())? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "file" {
                upload.file_name = field.file_name().map(str::to_owned);
                upload.content_type = field.content_type().map(str::to_owned);
                upload.bytes = field.bytes().await.map_err(|_| ApiError::invalid_request())?;
            } else {
                let value = field.text().await.map_err(|_| ApiError::invalid_request())?;
                upload.fields.push((name, value));
            }
        }
        if upload.file_name.is_none() && upload.bytes.is_empty() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "upload.file_missing"));
        }
        Ok(upload)
    } else if raw_types.contains(&ct.as_str()) {
        Ok(Upload { bytes, content_type: Some(ct), ..Upload::default() })
    } else {
        Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.unsupported_media_type"))
    }
}
