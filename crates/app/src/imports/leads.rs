//! Importing leads: each row becomes a [`NewLead`] and goes through the same use case as
//! `POST /api/v1/leads` (phones normalised with the agency's country, the agency-wide duplicate
//! check, the assignee rules), plus a duplicate check against earlier rows of the same file.

use std::collections::HashMap;

use jobs::{JobCtx, JobError};
use serde_json::Value;

use domain::{Email, Locale, PhoneE164};

use super::{Cells, ImportReport, ascii_digits, list, progress, row_failure};
use crate::csv_file::Table;
use crate::jobs::JobEnv;
use crate::leads::{Budget, LeadError, NewLead};

pub(super) const NAME: &[&str] = &["name", "fullname", "الاسم"];
const PHONE: &[&str] = &["phones", "phone", "mobile", "الهاتف", "الجوال"];
const EMAIL: &[&str] = &["email", "البريدالإلكتروني", "البريد"];
const LANGUAGE: &[&str] = &["preferredlanguage", "language", "اللغة"];
const SOURCE: &[&str] = &["source", "المصدر"];
const SOURCE_DETAIL: &[&str] = &["sourcedetail"];
const INTENT: &[&str] = &["intent", "الغرض"];
const TYPES: &[&str] = &["propertytypes", "propertytype"];
const CITIES: &[&str] = &["cities", "city", "المدينة"];
const COMMUNITIES: &[&str] = &["communities", "community", "المنطقة"];
const BEDROOMS: &[&str] = &["minbedrooms", "bedrooms"];
const BUDGET_MIN: &[&str] = &["budgetmin"];
const BUDGET_MAX: &[&str] = &["budgetmax", "budget", "الميزانية"];
const CURRENCY: &[&str] = &["budgetcurrency", "currency"];
const ASSIGNEE_EMAIL: &[&str] = &["assigneeemail", "assignee"];
const ASSIGNEE_ID: &[&str] = &["assigneeid"];
const TAGS: &[&str] = &["tags", "الوسوم"];
const NOTES: &[&str] = &["notes", "ملاحظات"];

/// A row that cannot become a lead: (column, code, message).
type Refusal = (&'static str, &'static str, String);

fn enum_value<T: serde::de::DeserializeOwned>(cell: Option<&str>, column: &'static str) -> Result<Option<T>, Refusal> {
    let Some(cell) = cell else { return Ok(None) };
    let upper = cell.trim().to_ascii_uppercase().replace([' ', '-'], "_");
    serde_json::from_value(Value::String(upper))
        .map(Some)
        .map_err(|_| (column, "value.invalid", format!("`{cell}` is not an accepted value")))
}

fn budget(cell: Option<&str>, column: &'static str) -> Result<Option<Budget>, Refusal> {
    let Some(cell) = cell else { return Ok(None) };
    Budget::parse(&ascii_digits(cell))
        .map(Some)
        .ok_or_else(|| (column, "value.invalid", format!("`{cell}` is not an amount")))
}

/// The row's fields, parsed (the assignee still as given).
fn parse_row(cells: &Cells<'_>) -> Result<(NewLead, Option<String>), Refusal> {
    let name = cells.get(NAME).ok_or(("name", "value.required", "a lead needs a name".to_owned()))?;
    let min_bedrooms = match cells.get(BEDROOMS) {
        Some(b) => Some(
            ascii_digits(b)
                .parse::<u16>()
                .map_err(|_| ("minBedrooms", "value.invalid", format!("`{b}` is not a number of bedrooms")))?,
        ),
        None => None,
    };
    let preferred_language = match cells.get(LANGUAGE) {
        Some(l) => Some(
            Locale::parse(&l.to_ascii_lowercase())
                .map_err(|_| ("preferredLanguage", "value.invalid", format!("`{l}` is not ar or en")))?,
        ),
        None => None,
    };
    let lead = NewLead {
        name: name.to_owned(),
        phones: list(cells.get(PHONE)),
        email: cells.get(EMAIL).map(str::to_owned),
        preferred_language,
        source: enum_value(cells.get(SOURCE), "source")?,
        source_detail: cells.get(SOURCE_DETAIL).map(str::to_owned),
        intent: enum_value(cells.get(INTENT), "intent")?,
        property_types: list(cells.get(TYPES)).into_iter().map(|t| t.to_uppercase()).collect(),
        cities: list(cells.get(CITIES)),
        communities: list(cells.get(COMMUNITIES)),
        min_bedrooms,
        budget_min: budget(cells.get(BUDGET_MIN), "budgetMin")?,
        budget_max: budget(cells.get(BUDGET_MAX), "budgetMax")?,
        budget_currency: cells.get(CURRENCY).map(|c| c.to_ascii_uppercase()),
        assignee_id: cells.get(ASSIGNEE_ID).map(str::to_owned),
        tags: list(cells.get(TAGS)),
        notes: cells.get(NOTES).map(str::to_owned),
    };
    Ok((lead, cells.get(ASSIGNEE_EMAIL).map(str::to_lowercase)))
}

/// The keys a lead is a duplicate by: its phones in E.164 and its normalised e-mail.
fn duplicate_keys(lead: &NewLead, env: &JobEnv) -> Vec<(&'static str, String)> {
    let mut keys: Vec<(&'static str, String)> = lead
        .phones
        .iter()
        .filter_map(|p| PhoneE164::parse(p, env.country).ok())
        .map(|p| ("phone", String::from(p)))
        .collect();
    if let Some(e) = lead.email.as_deref().and_then(|e| Email::parse(e).ok()) {
        keys.push(("email", e.normalized().to_owned()));
    }
    keys
}

/// A lead-use-case error as a row error, or `None` when the job must stop (database failure).
fn refusal(e: LeadError) -> Result<Refusal, JobError> {
    Ok(match e {
        LeadError::NameRequired => ("name", "value.required", "a lead needs a name".to_owned()),
        LeadError::InvalidPhone { reason, .. } => ("phone", "phone.invalid", reason.to_string()),
        LeadError::InvalidEmail(reason) => ("email", "email.invalid", reason.to_string()),
        LeadError::InvalidAssignee => ("assigneeId", "user.not_found", "the assignee is not an active user".to_owned()),
        LeadError::Duplicate { field, .. } => {
            let column = if field == "email" { "email" } else { "phone" };
            (column, "lead.duplicate", format!("a lead with this {column} already exists in the agency"))
        }
        LeadError::Forbidden | LeadError::NotFound => {
            ("", "policy.denied", "your access rules do not allow creating this lead".to_owned())
        }
        LeadError::Store(e) => match row_failure(&e) {
            Some((code, message)) => ("", code, message.to_owned()),
            None => return Err(JobError::from(e)),
        },
        other => ("", "value.invalid", other.to_string()),
    })
}

/// Imports every row of `table` as the job's user.
pub(super) async fn import(ctx: &JobCtx<JobEnv>, table: &Table) -> Result<ImportReport, JobError> {
    let env = &ctx.env;
    let total = table.rows.len();
    let mut report = ImportReport { total, ..ImportReport::default() };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut assignees: HashMap<String, Option<String>> = HashMap::new();
    ctx.progress_rows(0, total as u64).await?;
    for (done, (line, row)) in table.rows.iter().enumerate() {
        let cells = Cells { table, row };
        let outcome = import_row(env, &cells, *line, &mut seen, &mut assignees).await?;
        match outcome {
            Ok(()) => report.created += 1,
            Err((column, code, message)) => {
                report.fail(*line, (!column.is_empty()).then_some(column), code, message);
            }
        }
        progress(ctx, done + 1, total).await?;
    }
    Ok(report)
}

async fn import_row(
    env: &JobEnv,
    cells: &Cells<'_>,
    line: usize,
    seen: &mut HashMap<String, usize>,
    assignees: &mut HashMap<String, Option<String>>,
) -> Result<Result<(), Refusal>, JobError> {
    let (mut lead, assignee_email) = match parse_row(cells) {
        Ok(parsed) => parsed,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Some(email) = assignee_email {
        let id = super::active_user_id(env, assignees, &email).await?;
        match id {
            Some(id) => lead.assignee_id = Some(id),
            None => {
                return Ok(Err(("assigneeEmail", "user.not_found", format!("no active user has the e-mail {email}"))));
            }
        }
    }
    let keys = duplicate_keys(&lead, env);
    if let Some((column, earlier)) = keys.iter().find_map(|(c, k)| seen.get(k).map(|row| (*c, *row))) {
        return Ok(Err((column, "lead.duplicate", format!("the same {column} as row {earlier} of this file"))));
    }
    match crate::leads::create(&env.app.db, &env.actor, lead).await {
        Ok(_) => {
            for (_, k) in keys {
                seen.entry(k).or_insert(line);
            }
            Ok(Ok(()))
        }
        Err(e) => refusal(e).map(Err),
    }
}
