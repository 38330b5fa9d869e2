//! Importing listings: each row is checked (required fields, enums, numbers, the owner's phone in
//! the agency's format), refused when its reference exists already — in the agency or earlier in
//! the file — and created under the importing user's rules.

use std::collections::HashMap;

use jobs::{JobCtx, JobError};
use serde_json::{Map, Value, json};

use domain::{PhoneE164, Role};

use super::{Cells, ImportReport, ascii_digits, progress, row_failure};
use crate::csv_file::Table;
use crate::jobs::JobEnv;
use crate::leads::Budget;

pub(super) const REFERENCE: &[&str] = &["reference", "ref", "المرجع"];
pub(super) const PURPOSE: &[&str] = &["purpose", "الغرض"];
pub(super) const TYPE: &[&str] = &["type", "propertytype", "النوع"];
pub(super) const CITY: &[&str] = &["city", "المدينة"];
pub(super) const PRICE: &[&str] = &["price", "السعر"];
const TITLE_EN: &[&str] = &["titleen", "title"];
const TITLE_AR: &[&str] = &["titlear", "العنوان"];
const DESCRIPTION_EN: &[&str] = &["descriptionen", "description"];
const DESCRIPTION_AR: &[&str] = &["descriptionar", "الوصف"];
const COMMUNITY: &[&str] = &["community", "المنطقة"];
const BEDROOMS: &[&str] = &["bedrooms", "غرفالنوم"];
const BATHROOMS: &[&str] = &["bathrooms"];
const AREA: &[&str] = &["areasqm", "area", "المساحة"];
const CURRENCY: &[&str] = &["currency", "العملة"];
const STATUS: &[&str] = &["status", "الحالة"];
const AGENT_EMAIL: &[&str] = &["listingagentemail", "agentemail", "agent"];
const OWNER_NAME: &[&str] = &["ownername"];
const OWNER_PHONE: &[&str] = &["ownerphone"];
const PERMIT: &[&str] = &["permitnumber", "permit"];
const PERMIT_EXPIRES: &[&str] = &["permitexpiresat", "permitexpires"];

const STATUSES: &[&str] = &["DRAFT", "AVAILABLE", "RESERVED", "SOLD", "RENTED", "WITHDRAWN"];

type Refusal = (&'static str, &'static str, String);

fn required<'a>(cells: &'a Cells<'_>, names: &[&str], column: &'static str) -> Result<&'a str, Refusal> {
    cells.get(names).ok_or((column, "value.required", format!("`{column}` is required")))
}

fn purpose(cell: &str) -> Option<&'static str> {
    match cell.trim().to_uppercase().as_str() {
        "SALE" | "SELL" | "بيع" | "للبيع" => Some("SALE"),
        "RENT" | "إيجار" | "ايجار" | "للإيجار" | "للايجار" => Some("RENT"),
        _ => None,
    }
}

fn count(cells: &Cells<'_>, names: &[&str], column: &'static str) -> Result<Option<i64>, Refusal> {
    let Some(c) = cells.get(names) else { return Ok(None) };
    ascii_digits(c)
        .parse::<u16>()
        .map(|n| Some(i64::from(n)))
        .map_err(|_| (column, "value.invalid", format!("`{c}` is not a whole number")))
}

/// The row's `data` for `Property.create` (the listing agent's e-mail still unresolved).
fn parse_row(cells: &Cells<'_>, env: &JobEnv) -> Result<(Map<String, Value>, Option<String>), Refusal> {
    let reference = required(cells, REFERENCE, "reference")?;
    let title_en = cells.get(TITLE_EN);
    let title_ar = cells.get(TITLE_AR);
    let (title_en, title_ar) = match (title_en, title_ar) {
        (None, None) => return Err(("titleEn", "value.required", "a listing needs a title".to_owned())),
        (en, ar) => (en.or(ar).unwrap_or_default(), ar.or(en).unwrap_or_default()),
    };
    let purpose_cell = required(cells, PURPOSE, "purpose")?;
    let purpose =
        purpose(purpose_cell).ok_or(("purpose", "value.invalid", format!("`{purpose_cell}` is not SALE or RENT")))?;
    let kind = crate::properties::type_key(required(cells, TYPE, "type")?);
    let city = required(cells, CITY, "city")?;
    let price_cell = required(cells, PRICE, "price")?;
    let price = Budget::parse(&ascii_digits(price_cell)).ok_or((
        "price",
        "value.invalid",
        format!("`{price_cell}` is not a price"),
    ))?;
    let status = match cells.get(STATUS) {
        Some(s) => {
            let up = s.to_ascii_uppercase();
            if !STATUSES.contains(&up.as_str()) {
                return Err(("status", "value.invalid", format!("`{s}` is not a listing status")));
            }
            up
        }
        None => "DRAFT".to_owned(),
    };
    let area = match cells.get(AREA) {
        Some(a) => Some(ascii_digits(a).parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).ok_or((
            "areaSqm",
            "value.invalid",
            format!("`{a}` is not an area"),
        ))?),
        None => None,
    };
    let owner_phone = match cells.get(OWNER_PHONE) {
        Some(p) => Some(String::from(
            PhoneE164::parse(p, env.country).map_err(|e| ("ownerPhone", "phone.invalid", e.to_string()))?,
        )),
        None => None,
    };
    let permit_expires = match cells.get(PERMIT_EXPIRES) {
        Some(d) => Some(store::normalize_timestamp(d).ok_or((
            "permitExpiresAt",
            "value.invalid",
            format!("`{d}` is not a date"),
        ))?),
        None => None,
    };
    let community = cells.get(COMMUNITY);
    let mut data = Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            data.insert(k.to_owned(), v);
        }
    };
    put("reference", json!(reference));
    put("titleEn", json!(title_en));
    put("titleAr", json!(title_ar));
    put("descriptionEn", json!(cells.get(DESCRIPTION_EN)));
    put("descriptionAr", json!(cells.get(DESCRIPTION_AR)));
    put("purpose", json!(purpose));
    put("type", json!(kind));
    put("city", json!(city));
    put("community", json!(community));
    put("bedrooms", json!(count(cells, BEDROOMS, "bedrooms")?));
    put("bathrooms", json!(count(cells, BATHROOMS, "bathrooms")?));
    put("areaSqm", json!(area));
    put("price", json!(price.as_str()));
    put("currency", json!(cells.get(CURRENCY).map_or_else(|| env.currency.clone(), str::to_ascii_uppercase)));
    put("status", json!(status));
    put("ownerName", json!(cells.get(OWNER_NAME)));
    put("ownerPhone", json!(owner_phone));
    put("permitNumber", json!(cells.get(PERMIT)));
    put("permitExpiresAt", json!(permit_expires));
    put("searchText", json!(crate::properties::search_text(reference, title_en, title_ar, city, community)));
    Ok((data, cells.get(AGENT_EMAIL).map(str::to_lowercase)))
}

/// Imports every row of `table` as the job's user.
pub(super) async fn import(ctx: &JobCtx<JobEnv>, table: &Table) -> Result<ImportReport, JobError> {
    let env = &ctx.env;
    let total = table.rows.len();
    let mut report = ImportReport { total, ..ImportReport::default() };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut agents: HashMap<String, Option<String>> = HashMap::new();
    ctx.progress_rows(0, total as u64).await?;
    for (done, (line, row)) in table.rows.iter().enumerate() {
        let cells = Cells { table, row };
        match import_row(env, &cells, *line, &mut seen, &mut agents).await? {
            Ok(()) => report.created += 1,
            Err((column, code, message)) => report.fail(*line, (!column.is_empty()).then_some(column), code, message),
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
    agents: &mut HashMap<String, Option<String>>,
) -> Result<Result<(), Refusal>, JobError> {
    let (mut data, agent_email) = match parse_row(cells, env) {
        Ok(parsed) => parsed,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let agent = match agent_email {
        Some(email) => {
            let id = super::active_user_id(env, agents, &email).await?;
            match id {
                Some(id) => Some(id),
                None => {
                    let msg = format!("no active user has the e-mail {email}");
                    return Ok(Err(("listingAgentEmail", "user.not_found", msg)));
                }
            }
        }
        // An agent's listings are theirs (the rules allow no other).
        None if env.actor.role == Role::Agent => Some(env.actor.user_id.clone()),
        None => None,
    };
    if let Some(agent) = agent {
        data.insert("listingAgentId".to_owned(), json!(agent));
    }
    let reference = data.get("reference").and_then(Value::as_str).unwrap_or_default().to_owned();
    if let Some(earlier) = seen.get(&reference) {
        return Ok(Err((
            "reference",
            "property.duplicate",
            format!("the same reference as row {earlier} of this file"),
        )));
    }
    // Every member of the agency reads every listing: the rules see the whole agency here.
    let existing = env
        .client
        .run("Property", "findFirst", &json!({"where": {"reference": reference}, "select": {"id": true}}))
        .await?;
    if !existing.is_null() {
        let msg = "a listing with this reference already exists in the agency".to_owned();
        return Ok(Err(("reference", "property.duplicate", msg)));
    }
    match env.client.run("Property", "create", &json!({"data": data, "select": {"id": true}})).await {
        Ok(_) => {
            seen.insert(reference, line);
            Ok(Ok(()))
        }
        Err(store::StoreError::UniqueViolation { .. }) => Ok(Err((
            "reference",
            "property.duplicate",
            "a listing with this reference already exists in the agency".to_owned(),
        ))),
        Err(e) => match row_failure(&e) {
            Some((code, message)) => Ok(Err(("", code, message.to_owned()))),
            None => Err(JobError::from(e)),
        },
    }
}
