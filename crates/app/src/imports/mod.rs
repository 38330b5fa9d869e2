//! CSV imports of leads and listings: the upload is checked (UTF-8, a header, the required
//! columns) and becomes a job; the job creates each row under the importing user's rules,
//! reports progress (rows done / total) and ends with a report — counts, and per row the column,
//! an error code and a message.
//!
//! Columns are matched case-insensitively, ignoring spaces, `_`, `-` and `.` (`Budget Max`,
//! `budget_max` and `budgetMax` are one column); a few Arabic headers are understood too. Unknown
//! columns are ignored. The columns are listed in `docs/server.md` ("CSV import and export").

mod leads;
mod properties;

use jobs::{Job, JobActor, JobCtx, JobError, NewJob, new_job};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use store::StoreError;

use crate::App;
use crate::actor::Actor;
use crate::csv_file::{CsvError, Table};
use crate::jobs::{JobEnv, JobView};

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The most row errors a report lists (the counts stay exact).
pub const MAX_REPORTED_ERRORS: usize = 1_000;
/// Progress is stored every this many rows.
const PROGRESS_EVERY: usize = 25;

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Leads,
    Properties,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<ImportKind> {
        match s {
            "leads" | "lead" => Some(ImportKind::Leads),
            "properties" | "property" | "listings" => Some(ImportKind::Properties),
            _ => None,
        }
    }

    /// The required columns (in key form) and the name to report when one is missing.
    fn required(self) -> &'static [(&'static [&'static str], &'static str)] {
        match self {
            ImportKind::Leads => &[(leads::NAME, "name")],
            ImportKind::Properties => &[
                (properties::REFERENCE, "reference"),
                (properties::PURPOSE, "purpose"),
                (properties::TYPE, "type"),
                (properties::CITY, "city"),
                (properties::PRICE, "price"),
            ],
        }
    }
}

/// Why an import could not start.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Csv(#[from] CsvError),
    #[error("the import job could not be created: {0}")]
    Job(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks an uploaded file and makes the job that imports it for `actor`.
pub fn new_import(actor: &Actor, kind: ImportKind, bytes: &[u8]) -> Result<NewJob, ImportError> {
    let table = Table::read(bytes, MAX_ROWS)?;
    for (names, label) in kind.required() {
        if table.column(names).is_none() {
            return Err(CsvError::MissingColumn(label).into());
        }
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8)?;
    let csv = text.strip_prefix(crate::csv_file::BOM).unwrap_or(text).to_owned();
    let tenant = Some(actor.tenant_id.clone());
    let who = JobActor::User(actor.user_id.clone());
    let job = match kind {
        ImportKind::Leads => new_job(&ImportLeads { csv }, tenant, who),
        ImportKind::Properties => new_job(&ImportProperties { csv }, tenant, who),
    };
    job.map_err(|e| ImportError::Job(e.to_string()))
}

/// Checks an uploaded file and queues its import; the job's id is where progress and the report
/// appear (`GET /api/v1/jobs/{id}`).
pub async fn start(app: &App, actor: &Actor, kind: ImportKind, bytes: &[u8]) -> Result<JobView, ImportError> {
    let job = new_import(actor, kind, bytes)?;
    let rec = app.db.queue().enqueue(&job).await?;
    app.job_wake.notify_one();
    Ok(rec.into())
}

/// The user `--as EMAIL` of agency `tenant_slug` names, for `manzil import` (no caller exists on
/// the command line). `None` when there is no such active user.
pub async fn cli_actor(app: &App, tenant_slug: &str, email: &str) -> Result<Option<Actor>, ImportError> {
    let Ok(tenant) = app.tenants.by_slug(tenant_slug).await else { return Ok(None) };
    let email = domain::Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), |e| e.normalized().to_owned());
    let row = app
        .db
        .as_system("imports: resolve the CLI's --as user")
        .run(
            "User",
            "findFirst",
            &serde_json::json!({"where": {"tenantId": tenant.id, "email": email}, "select": {"id": true}}),
        )
        .await?;
    let Some(id) = row.get("id").and_then(Value::as_str) else { return Ok(None) };
    Ok(app.auth.actor_of(id, &tenant.id).await?)
}

/// One row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    /// The row's line in the file (the header is row 1).
    pub row: usize,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// A stable code: `value.required`, `value.invalid`, `phone.invalid`, `email.invalid`,
    /// `lead.duplicate`, `property.duplicate`, `user.not_found`, `policy.denied`.
    pub code: String,
    pub message: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// Data rows in the file.
    pub total: usize,
    pub created: usize,
    /// Rows not imported (duplicates included).
    pub failed: usize,
    /// Of the failed rows, those that duplicate an existing record or an earlier row.
    pub duplicates: usize,
    /// The first [`MAX_REPORTED_ERRORS`] row errors, in file order.
    pub errors: Vec<RowError>,
    /// More errors happened than are listed.
    pub errors_truncated: bool,
}

impl ImportReport {
    fn fail(&mut self, row: usize, column: Option<&str>, code: &str, message: impl Into<String>) {
        self.failed += 1;
        if code.ends_with(".duplicate") {
            self.duplicates += 1;
        }
        if self.errors.len() < MAX_REPORTED_ERRORS {
            self.errors.push(RowError {
                row,
                column: column.map(str::to_owned),
                code: code.to_owned(),
                message: message.into(),
            });
        } else {
            self.errors_truncated = true;
        }
    }

    fn to_value(&self) -> Result<Value, JobError> {
        serde_json::to_value(self).map_err(|e| JobError::fatal(e.to_string()))
    }
}

/// A row's cells by column, unescaping what an export escaped.
struct Cells<'a> {
    table: &'a Table,
    row: &'a [String],
}

impl Cells<'_> {
    fn get(&self, names: &[&str]) -> Option<&str> {
        let i = self.table.column(names)?;
        let v = crate::csv_file::unescape_cell(self.row.get(i)?.trim());
        (!v.is_empty()).then_some(v)
    }
}

/// Splits a list cell on `;`, `,`, `،` or `|`.
fn list(cell: Option<&str>) -> Vec<String> {
    cell.map(|c| c.split([';', ',', '،', '|']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// ASCII digits for Arabic-Indic and Persian ones.
fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '٫' => '.',
            '٬' | ',' | ' ' => '\u{0}',
            c => c,
        })
        .filter(|c| *c != '\u{0}')
        .collect()
}

/// Reports progress every few rows, stopping the import when the job was taken over.
async fn progress(ctx: &JobCtx<JobEnv>, done: usize, total: usize) -> Result<(), JobError> {
    if done.is_multiple_of(PROGRESS_EVERY) || done == total {
        ctx.progress_rows(done as u64, total as u64).await?;
    }
    Ok(())
}

/// An engine error in the middle of an import: a database failure stops the job (it is retried),
/// anything else is the row's fault.
fn row_failure(e: &StoreError) -> Option<(&'static str, &'static str)> {
    match e {
        StoreError::Db(_) => None,
        StoreError::RejectedByPolicy { .. } | StoreError::NotFound { .. } => {
            Some(("policy.denied", "your access rules do not allow creating this record"))
        }
        StoreError::UniqueViolation { .. } => Some(("value.duplicate", "this conflicts with an existing record")),
        StoreError::InvalidInput(_) => Some(("value.invalid", "a value of this row is not valid")),
    }
}

/// The `import.leads` job: creates leads from a CSV file as the importing user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportLeads {
    pub csv: String,
}

impl Job for ImportLeads {
    const KIND: &'static str = "import.leads";
    const MAX_ATTEMPTS: u32 = 3;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let table = Table::read_str(&self.csv, MAX_ROWS).map_err(|e| JobError::fatal(e.to_string()))?;
        leads::import(&ctx, &table).await?.to_value()
    }
}

/// The `import.properties` job: creates listings from a CSV file as the importing user.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportProperties {
    pub csv: String,
}

impl Job for ImportProperties {
    const KIND: &'static str = "import.properties";
    const MAX_ATTEMPTS: u32 = 3;
    type Env = JobEnv;

    async fn run(self, ctx: JobCtx<JobEnv>) -> Result<Value, JobError> {
        let table = Table::read_str(&self.csv, MAX_ROWS).map_err(|e| JobError::fatal(e.to_string()))?;
        properties::import(&ctx, &table).await?.to_value()
    }
}

/// The id of the active user with `email` in the importing agency (read under the importer's
/// rules), remembered per file so each address is looked up once.
pub(super) async fn active_user_id(
    env: &crate::jobs::JobEnv,
    cache: &mut std::collections::HashMap<String, Option<String>>,
    email: &str,
) -> Result<Option<String>, jobs::JobError> {
    if let Some(id) = cache.get(email) {
        return Ok(id.clone());
    }
    let row = env
        .client
        .run(
            "User",
            "findFirst",
            &serde_json::json!({"where": {"email": email, "active": true}, "select": {"id": true}}),
        )
        .await?;
    let id = row.get("id").and_then(serde_json::Value::as_str).map(str::to_owned);
    cache.insert(email.to_owned(), id.clone());
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_digits() {
        assert_eq!(list(Some("vip; hot،cold |")), vec!["vip", "hot", "cold"]);
        assert_eq!(ascii_digits("١٬٢٥٠٬٠٠٠٫٥"), "1250000.5");
        assert_eq!(ascii_digits("3"), "3");
    }
}
