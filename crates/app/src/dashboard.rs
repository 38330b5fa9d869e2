//! The dashboard's numbers: new leads today and in the last seven days, leads by source, deals by
//! pipeline stage, each agent's median first-response time and listings by status.
//!
//! Every number is counted under the reader's rules (`count` and `groupBy` through
//! [`Actor::db`]): an agent's dashboard counts their own leads and deals, a manager's their team's
//! and the unassigned ones, an admin's the whole agency's. Days are the agency's calendar days (in
//! its time zone), like the dates the pages print (`ui::format`).

use std::collections::HashMap;

use chrono::{DateTime, Days, SecondsFormat, Utc};
use domain::TimeZone;
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
    /// Leads created since the start of today in the agency's zone.
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

/// The reader's dashboard, now; days are `zone`'s (the agency's).
pub async fn overview(db: &Db, actor: &Actor, zone: TimeZone) -> Result<Dashboard, RecordError> {
    overview_at(db, actor, Utc::now(), zone).await
}

/// The reader's dashboard as of `now`, days counted in `zone`.
pub async fn overview_at(db: &Db, actor: &Actor, now: DateTime<Utc>, zone: TimeZone) -> Result<Dashboard, RecordError> {
    let [today, week, window] = day_starts(now, zone);
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

/// The starts of today, of the day six days ago and of the day [`RESPONSE_WINDOW_DAYS`] ago, in
/// `zone` (a day across a daylight-saving change is 23 or 25 hours long).
fn day_starts(now: DateTime<Utc>, zone: TimeZone) -> [DateTime<Utc>; 3] {
    let today = zone.day_of(now);
    let back = |days: u64| zone.day_start(today.checked_sub_days(Days::new(days)).unwrap_or(today));
    [back(0), back(6), back(RESPONSE_WINDOW_DAYS)]
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

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn days_start_at_the_agencys_midnight() {
        let [today, week, window] = day_starts(at("2026-03-15T23:59:59Z"), TimeZone::UTC);
        assert_eq!(stamp(today), "2026-03-15T00:00:00.000Z");
        assert_eq!(stamp(week), "2026-03-09T00:00:00.000Z");
        assert_eq!(stamp(window), "2026-02-13T00:00:00.000Z");
        // 23:30 UTC is already 16 March in Dubai (UTC+4): its day started at 20:00 UTC.
        let [today, week, _] = day_starts(at("2026-03-15T23:30:00Z"), TimeZone::DUBAI);
        assert_eq!(stamp(today), "2026-03-15T20:00:00.000Z");
        assert_eq!(stamp(week), "2026-03-09T20:00:00.000Z");
        // New York, the week across the change to summer time (8 March 2026).
        let ny = TimeZone::parse("America/New_York").unwrap();
        let [today, week, _] = day_starts(at("2026-03-10T12:00:00Z"), ny);
        assert_eq!(stamp(today), "2026-03-10T04:00:00.000Z");
        assert_eq!(stamp(week), "2026-03-04T05:00:00.000Z");
    }
}
