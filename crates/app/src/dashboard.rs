//! The dashboard's numbers: new leads today and in the last seven days, leads by source, deals by
//! pipeline stage, each agent's median first-response time and listings by status.
//!
//! Every number is counted under the reader's rules (`count` and `groupBy` through
//! [`Actor::db`]): an agent's dashboard counts their own leads and deals, a manager's their team's
//! and the unassigned ones, an admin's the whole agency's. Days are UTC days, like the dates the
//! pages print (`ui::format`).

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use store::Db;

use crate::actor::Actor;
use crate::deals::DealStage;
use crate::leads::LeadSource;
use crate::properties::ListingStatus;
use crate::records::RecordError;

/// The first-response medians cover the leads created in this many past days.
pub const RESPONSE_WINDOW_DAYS: u64 = 30;
/// At most this many answered leads (the newest) feed the medians.
const RESPONSE_SAMPLE: u32 = 10_000;

/// The pipeline's stages, in funnel order.
const STAGES: [DealStage; 5] =
    [DealStage::Offer, DealStage::Reservation, DealStage::Contract, DealStage::ClosedWon, DealStage::ClosedLost];
/// Listing statuses, in the schema's order.
const LISTING_STATUSES: [ListingStatus; 6] = [
    ListingStatus::Draft,
    ListingStatus::Available,
    ListingStatus::Reserved,
    ListingStatus::Sold,
    ListingStatus::Rented,
    ListingStatus::Withdrawn,
];

/// What the dashboard shows, counted under the reader's rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    /// Leads created since today's start (UTC).
    pub new_today: u64,
    /// Leads created since the start of the day six days ago: today and the six days before.
    pub new_week: u64,
    /// Sources with at least one lead, most leads first (ties in the schema's order).
    pub leads_by_source: Vec<(LeadSource, u64)>,
    /// Every stage, in funnel order (zero when empty).
    pub deals_by_stage: Vec<(DealStage, u64)>,
    /// Per assignee with answered leads in the window, fastest first.
    pub response: Vec<AgentResponse>,
    /// Every listing status, in the schema's order (zero when empty).
    pub listings_by_status: Vec<(ListingStatus, u64)>,
}

/// One assignee's median time to first response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentResponse {
    pub user_id: String,
    /// Empty when the user cannot be read (never, within an agency).
    pub name: String,
    /// `firstResponseAt − createdAt`, the median over `leads`, in whole seconds.
    pub median_secs: i64,
    /// Answered leads counted.
    pub leads: u64,
}

/// The reader's dashboard, now.
pub async fn overview(db: &Db, actor: &Actor) -> Result<Dashboard, RecordError> {
    overview_at(db, actor, Utc::now()).await
}

/// The reader's dashboard as of `now`.
pub async fn overview_at(db: &Db, actor: &Actor, now: DateTime<Utc>) -> Result<Dashboard, RecordError> {
    let today = day_start(now);
    let week = today.checked_sub_days(Days::new(6)).unwrap_or(today);
    let window = today.checked_sub_days(Days::new(RESPONSE_WINDOW_DAYS)).unwrap_or(today);
    let mut leads_by_source: Vec<(LeadSource, u64)> = group_count(db, actor, "Lead", "source", json!({})).await?;
    leads_by_source.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    leads_by_source.retain(|(_, n)| *n > 0);
    Ok(Dashboard {
        new_today: count(db, actor, "Lead", json!({"createdAt": {"gte": stamp(today)}})).await?,
        new_week: count(db, actor, "Lead", json!({"createdAt": {"gte": stamp(week)}})).await?,
        leads_by_source,
        deals_by_stage: every(&STAGES, group_count(db, actor, "Deal", "stage", json!({})).await?),
        response: response_times(db, actor, window).await?,
        listings_by_status: every(&LISTING_STATUSES, group_count(db, actor, "Property", "status", json!({})).await?),
    })
}

fn day_start(t: DateTime<Utc>) -> DateTime<Utc> {
    t.date_naive().and_time(NaiveTime::MIN).and_utc()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The readable rows of `model` matching `filter`.
async fn count(db: &Db, actor: &Actor, model: &str, filter: Value) -> Result<u64, RecordError> {
    let n = actor.db(db).run(model, "count", &json!({"where": filter})).await.map_err(RecordError::Store)?;
    Ok(n.as_u64().unwrap_or(0))
}

/// The readable rows of `model` matching `filter`, counted per value of the enum column `by`.
/// Values that do not read as `T` (none, with the schema's enums) are left out.
async fn group_count<T: DeserializeOwned>(
    db: &Db,
    actor: &Actor,
    model: &str,
    by: &str,
    filter: Value,
) -> Result<Vec<(T, u64)>, RecordError> {
    let args = json!({"by": [by], "where": filter, "_count": true});
    let rows = actor.db(db).run(model, "groupBy", &args).await.map_err(RecordError::Store)?;
    let Value::Array(rows) = rows else { return Ok(Vec::new()) };
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let key = serde_json::from_value(row.get(by)?.clone()).ok()?;
            Some((key, row.get("_count").and_then(Value::as_u64).unwrap_or(0)))
        })
        .collect())
}

/// `all` in order, each with its count in `counted` (zero when absent).
fn every<T: Copy + PartialEq>(all: &[T], counted: Vec<(T, u64)>) -> Vec<(T, u64)> {
    all.iter().map(|k| (*k, counted.iter().find(|(c, _)| c == k).map_or(0, |(_, n)| *n))).collect()
}

/// Each assignee's median first-response time over the readable, answered leads created since
/// `since`, fastest first.
async fn response_times(db: &Db, actor: &Actor, since: DateTime<Utc>) -> Result<Vec<AgentResponse>, RecordError> {
    let args = json!({
        "where": {"createdAt": {"gte": stamp(since)}, "firstResponseAt": {"not": null}, "assigneeId": {"not": null}},
        "select": {"assigneeId": true, "createdAt": true, "firstResponseAt": true},
        "orderBy": [{"createdAt": "desc"}, {"id": "desc"}],
        "take": RESPONSE_SAMPLE,
    });
    let rows = actor.db(db).run("Lead", "findMany", &args).await.map_err(RecordError::Store)?;
    let mut per_agent: HashMap<String, Vec<i64>> = HashMap::new();
    for row in rows.as_array().map(Vec::as_slice).unwrap_or_default() {
        let time = |k: &str| row.get(k).and_then(Value::as_str).and_then(|s| DateTime::parse_from_rfc3339(s).ok());
        let (Some(agent), Some(created), Some(answered)) =
            (row.get("assigneeId").and_then(Value::as_str), time("createdAt"), time("firstResponseAt"))
        else {
            continue;
        };
        per_agent.entry(agent.to_owned()).or_default().push((answered - created).num_seconds().max(0));
    }
    let ids: Vec<&String> = per_agent.keys().collect();
    let args = json!({"where": {"id": {"in": ids}}, "select": {"id": true, "name": true}});
    let users = actor.db(db).run("User", "findMany", &args).await.map_err(RecordError::Store)?;
    let name_of = |id: &str| {
        users
            .as_array()
            .into_iter()
            .flatten()
            .find(|u| u.get("id").and_then(Value::as_str) == Some(id))
            .and_then(|u| u.get("name").and_then(Value::as_str))
            .unwrap_or_default()
            .to_owned()
    };
    let mut out: Vec<AgentResponse> = per_agent
        .into_iter()
        .map(|(user_id, mut secs)| AgentResponse {
            name: name_of(&user_id),
            leads: secs.len() as u64,
            median_secs: median(&mut secs),
            user_id,
        })
        .collect();
    out.sort_by(|a, b| a.median_secs.cmp(&b.median_secs).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
fn median(values: &mut [i64]) -> i64 {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => 0,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), 0);
        assert_eq!(median(&mut [300]), 300);
        assert_eq!(median(&mut [1800, 600]), 1200);
        assert_eq!(median(&mut [50, 10, 900]), 50);
    }

    #[test]
    fn every_value_in_order_zero_filled() {
        let counted = vec![(DealStage::Contract, 2), (DealStage::Offer, 5)];
        let all = every(&STAGES, counted);
        assert_eq!(all.len(), 5);
        assert_eq!(all[0], (DealStage::Offer, 5));
        assert_eq!(all[1], (DealStage::Reservation, 0));
        assert_eq!(all[2], (DealStage::Contract, 2));
    }

    #[test]
    fn days_start_at_utc_midnight() {
        let t = DateTime::parse_from_rfc3339("2026-03-15T23:59:59+00:00").unwrap().with_timezone(&Utc);
        assert_eq!(stamp(day_start(t)), "2026-03-15T00:00:00.000Z");
    }
}
