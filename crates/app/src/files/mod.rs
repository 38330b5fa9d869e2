//! Files attached to leads, listings, deals and activities: bytes in object storage (a local
//! directory by default, S3-compatible when configured), a `File` row through the engine.
//!
//! Every operation runs under the caller's rules, and a file counts as visible only when its row
//! **and** the record it is attached to are readable: an agent cannot fetch the contract of a
//! lead that is not theirs by guessing the file's id.

mod names;
mod sniff;

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use serde::Serialize;
use serde_json::{Value, json};
use store::StoreError;

pub use names::{safe_name, storage_key};
pub use sniff::{ALLOWED as ALLOWED_TYPES, acceptable, canonical, essence};

use crate::App;
use crate::actor::Actor;

/// The default upload limit: 10 MiB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// Where the bytes live.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A directory on this machine (created if missing).
    Local(PathBuf),
    /// An S3-compatible bucket.
    S3(S3Settings),
    /// In memory (tests, and a server that stores no files).
    Memory,
}

/// An S3-compatible bucket (AWS, MinIO, Cloudflare R2…).
#[derive(Clone)]
pub struct S3Settings {
    pub bucket: String,
    pub region: Option<String>,
    /// For non-AWS services, e.g. `http://127.0.0.1:9000`.
    pub endpoint: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Allow a plain-http endpoint (local MinIO).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &self.secret_access_key.as_ref().map(|_| "[redacted]"))
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// The object store plus the upload limit. Cheap to clone.
#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    max_bytes: usize,
}

impl FileStore {
    /// Opens `backend`; uploads above `max_bytes` are refused.
    pub fn open(backend: &Backend, max_bytes: usize) -> Result<FileStore, FileError> {
        let store: Arc<dyn ObjectStore> = match backend {
            Backend::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| FileError::Storage(format!("{}: {e}", dir.display())))?;
                Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(storage)?)
            }
            Backend::S3(s3) => {
                let mut b = object_store::aws::AmazonS3Builder::new()
                    .with_bucket_name(&s3.bucket)
                    .with_allow_http(s3.allow_http);
                if let Some(r) = &s3.region {
                    b = b.with_region(r);
                }
                if let Some(e) = &s3.endpoint {
                    b = b.with_endpoint(e);
                }
                if let Some(k) = &s3.access_key_id {
                    b = b.with_access_key_id(k);
                }
                if let Some(s) = &s3.secret_access_key {
                    b = b.with_secret_access_key(s);
                }
                Arc::new(b.build().map_err(storage)?)
            }
            Backend::Memory => Arc::new(object_store::memory::InMemory::new()),
        };
        Ok(FileStore { store, max_bytes })
    }

    /// An in-memory store with the default limit.
    pub fn memory() -> FileStore {
        FileStore { store: Arc::new(object_store::memory::InMemory::new()), max_bytes: DEFAULT_MAX_BYTES }
    }

    /// The largest upload accepted, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Stores `bytes` under `key` (for files the server fetches itself, e.g. inbound media).
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), FileError> {
        let path = ObjectPath::parse(key).map_err(storage)?;
        self.store.put(&path, PutPayload::from(bytes)).await.map_err(storage)?;
        Ok(())
    }
}

fn storage(e: impl std::fmt::Display) -> FileError {
    FileError::Storage(e.to_string())
}

/// What a file may be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerType {
    Lead,
    Property,
    Deal,
    Activity,
}

impl OwnerType {
    pub fn parse(s: &str) -> Option<OwnerType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "lead" => Some(OwnerType::Lead),
            "property" => Some(OwnerType::Property),
            "deal" => Some(OwnerType::Deal),
            "activity" => Some(OwnerType::Activity),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OwnerType::Lead => "lead",
            OwnerType::Property => "property",
            OwnerType::Deal => "deal",
            OwnerType::Activity => "activity",
        }
    }

    fn model(self) -> &'static str {
        match self {
            OwnerType::Lead => "Lead",
            OwnerType::Property => "Property",
            OwnerType::Deal => "Deal",
            OwnerType::Activity => "Activity",
        }
    }
}

/// Why a file use case failed.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("`ownerType` must be lead, property, deal or activity")]
    InvalidOwnerType,
    /// The record to attach to is missing or hidden from the caller.
    #[error("the record to attach the file to was not found")]
    OwnerNotFound,
    /// Missing, hidden, or attached to a record the caller may not read.
    #[error("the file was not found")]
    NotFound,
    #[error("the file is larger than {0} bytes")]
    TooLarge(usize),
    #[error("this type of file is not accepted, or its content does not match its type")]
    UnsupportedType,
    #[error("the rules do not allow this")]
    Forbidden,
    #[error("file storage failed: {0}")]
    Storage(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A stored file as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileView {
    pub id: String,
    #[schema(example = "lead")]
    pub owner_type: String,
    pub owner_id: String,
    #[schema(example = "عقد الإيجار.pdf")]
    pub name: String,
    #[schema(example = "application/pdf")]
    pub content_type: String,
    pub size: i64,
    pub created_by_id: Option<String>,
    pub created_at: String,
}

impl FileView {
    fn from_row(row: &Value) -> Option<FileView> {
        let s = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(FileView {
            id: s("id")?,
            owner_type: s("ownerType")?,
            owner_id: s("ownerId")?,
            name: s("name")?,
            content_type: s("contentType")?,
            size: row.get("size").and_then(Value::as_i64)?,
            created_by_id: s("createdById"),
            created_at: s("createdAt").unwrap_or_default(),
        })
    }
}

/// An upload as received.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub owner_type: String,
    pub owner_id: String,
    /// The name the client sent (shown back, and reduced to a safe name in the storage key).
    pub name: String,
    pub content_type: String,
    pub bytes: Bytes,
}

/// The name shown and offered on download: the last path segment, without control characters,
/// at most 200 characters.
fn display_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." { "file".to_owned() } else { clean.to_owned() }
}

async fn owner_readable(client: &store::Client, owner: OwnerType, id: &str) -> Result<bool, StoreError> {
    let row = client.run(owner.model(), "findUnique", &json!({"where": {"id": id}, "select": {"id": true}})).await?;
    Ok(!row.is_null())
}

/// Stores an upload attached to a record the caller may read.
pub async fn upload(app: &App, actor: &Actor, new: NewUpload) -> Result<FileView, FileError> {
    let owner = OwnerType::parse(&new.owner_type).ok_or(FileError::InvalidOwnerType)?;
    if new.bytes.len() > app.files.max_bytes {
        return Err(FileError::TooLarge(app.files.max_bytes));
    }
    if !acceptable(&new.content_type, &new.bytes) {
        return Err(FileError::UnsupportedType);
    }
    let client = actor.db(&app.db);
    if !owner_readable(&client, owner, &new.owner_id).await? {
        return Err(FileError::OwnerNotFound);
    }
    let key = storage_key(&actor.tenant_id, owner.as_str(), &new.name);
    let path = ObjectPath::parse(&key).map_err(storage)?;
    let size = i64::try_from(new.bytes.len()).unwrap_or(i64::MAX);
    app.files.store.put(&path, PutPayload::from(new.bytes)).await.map_err(storage)?;
    let created = client
        .run(
            "File",
            "create",
            &json!({"data": {
                "ownerType": owner.as_str(),
                "ownerId": new.owner_id,
                "name": display_name(&new.name),
                "contentType": canonical(&new.content_type),
                "size": size,
                "storageKey": key,
                "createdById": actor.user_id,
            }}),
        )
        .await;
    match created {
        Ok(row) => FileView::from_row(&row).ok_or(FileError::NotFound),
        Err(e) => {
            if let Err(cleanup) = app.files.store.delete(&path).await {
                tracing::warn!(error = %cleanup, %key, "cannot remove the bytes of a file whose row was refused");
            }
            Err(match e {
                StoreError::RejectedByPolicy { .. } => FileError::Forbidden,
                e => FileError::Store(e),
            })
        }
    }
}

/// The file row, if the caller may read it and the record it is attached to.
async fn visible(client: &store::Client, id: &str) -> Result<Value, FileError> {
    let row = client.run("File", "findUnique", &json!({"where": {"id": id}})).await?;
    if row.is_null() {
        return Err(FileError::NotFound);
    }
    let owner = row.get("ownerType").and_then(Value::as_str).and_then(OwnerType::parse).ok_or(FileError::NotFound)?;
    let owner_id = row.get("ownerId").and_then(Value::as_str).unwrap_or_default();
    if !owner_readable(client, owner, owner_id).await? {
        return Err(FileError::NotFound);
    }
    Ok(row)
}

/// A file on its way out: the metadata, and the bytes as a stream read from storage as the
/// client takes them (nothing is held in memory whole).
pub struct Download {
    pub view: FileView,
    /// The stored size, in bytes (the `Content-Length`).
    pub size: u64,
    pub body: BoxStream<'static, Result<Bytes, std::io::Error>>,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download").field("view", &self.view).field("size", &self.size).finish_non_exhaustive()
    }
}

/// A file the caller may read, streamed from storage.
pub async fn download(app: &App, actor: &Actor, id: &str) -> Result<Download, FileError> {
    let row = visible(&actor.db(&app.db), id).await?;
    let view = FileView::from_row(&row).ok_or(FileError::NotFound)?;
    let key = row.get("storageKey").and_then(Value::as_str).unwrap_or_default();
    let path = ObjectPath::parse(key).map_err(storage)?;
    let got = match app.files.store.get(&path).await {
        Ok(got) => got,
        Err(object_store::Error::NotFound { .. }) => return Err(FileError::NotFound),
        Err(e) => return Err(storage(e)),
    };
    let size = got.meta.size;
    let body = got.into_stream().map_err(std::io::Error::other).boxed();
    Ok(Download { view, size, body })
}

/// Removes a file (its row under the rules — the uploader, a manager or an admin — then its
/// bytes).
pub async fn delete(app: &App, actor: &Actor, id: &str) -> Result<(), FileError> {
    let client = actor.db(&app.db);
    let row = visible(&client, id).await?;
    client.run("File", "delete", &json!({"where": {"id": id}, "select": {"id": true}})).await.map_err(|e| match e {
        StoreError::NotFound { .. } => FileError::Forbidden,
        StoreError::RejectedByPolicy { .. } => FileError::Forbidden,
        e => FileError::Store(e),
    })?;
    let key = row.get("storageKey").and_then(Value::as_str).unwrap_or_default();
    if let Ok(path) = ObjectPath::parse(key)
        && let Err(e) = app.files.store.delete(&path).await
    {
        tracing::warn!(error = %e, %key, "the file's row is gone but its bytes could not be removed");
    }
    Ok(())
}
