//! The reader's agenda of tasks and viewings: overdue (open, due before today), today (due today,
//! done or not) and upcoming (due in the next [`UPCOMING_DAYS`] days, done or not), each with its
//! lead's name. Read under the reader's rules: an agent sees their own and those on their leads,
//! a manager their team's, an admin the agency's. Days are the agency's calendar days (in its
//! time zone), like the dates the pages print: at 01:00 in Dubai a task due 23:30 UTC the day
//! before is today's.

use chrono::{DateTime, Days, Duration, NaiveDate, SecondsFormat, Utc};
use domain::TimeZone;
use serde_json::{Value, json};
use store::Db;

use super::list::{ListActivities, list};
use super::view::{ActivityType, ActivityView};
use crate::actor::Actor;
use crate::records::{PageQuery, RecordError};

/// How far ahead "upcoming" looks, after today.
pub const UPCOMING_DAYS: u64 = 14;
/// The most activities one bucket shows.
const BUCKET_LIMIT: u32 = 100;

/// The kinds on the agenda.
const KINDS: [ActivityType; 2] = [ActivityType::Task, ActivityType::Viewing];

/// The three buckets, each ordered by due time.
#[derive(Debug, Clone, PartialEq)]
pub struct Agenda {
    /// Today in the agency's zone, `YYYY-MM-DD`.
    pub today: String,
    /// Open, due before today: the longest overdue first.
    pub overdue: Bucket,
    pub due_today: Bucket,
    pub upcoming: Bucket,
}

/// One bucket of the agenda.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    pub items: Vec<AgendaItem>,
    /// More activities than [`BUCKET_LIMIT`] are due in this bucket.
    pub more: bool,
}

/// An activity with the name of its lead (`None` when the reader may not read the lead).
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaItem {
    pub activity: ActivityView,
    pub lead_name: Option<String>,
}

/// The reader's agenda as of now, days in `zone` (the agency's). `mine`: only the activities
/// assigned to the reader.
pub async fn agenda(db: &Db, actor: &Actor, mine: bool, zone: TimeZone) -> Result<Agenda, RecordError> {
    agenda_at(db, actor, mine, Utc::now(), zone).await
}

/// The reader's agenda as of `now`, days in `zone`.
pub async fn agenda_at(
    db: &Db,
    actor: &Actor,
    mine: bool,
    now: DateTime<Utc>,
    zone: TimeZone,
) -> Result<Agenda, RecordError> {
    let today = zone.day_of(now);
    let [today_start, tomorrow_start, upcoming_end] = bounds(today, zone);
    let overdue = bucket(db, actor, mine, Some(true), None, Some(just_before(today_start))).await?;
    let due_today = bucket(db, actor, mine, None, Some(stamp(today_start)), Some(just_before(tomorrow_start))).await?;
    let upcoming = bucket(db, actor, mine, None, Some(stamp(tomorrow_start)), Some(just_before(upcoming_end))).await?;
    let mut agenda = Agenda { today: today.format("%Y-%m-%d").to_string(), overdue, due_today, upcoming };
    name_leads(db, actor, &mut agenda).await?;
    Ok(agenda)
}

/// The starts of `today`, of tomorrow and of the day after the upcoming days, in `zone`.
fn bounds(today: NaiveDate, zone: TimeZone) -> [DateTime<Utc>; 3] {
    let start = |days: u64| zone.day_start(today.checked_add_days(Days::new(days)).unwrap_or(today));
    [start(0), start(1), start(UPCOMING_DAYS + 1)]
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The last stored instant before `t` (timestamps are kept to the millisecond), for the list's
/// inclusive upper bound.
fn just_before(t: DateTime<Utc>) -> String {
    stamp(t - Duration::milliseconds(1))
}

/// Tasks and viewings due between two instants (RFC 3339, both inclusive).
async fn bucket(
    db: &Db,
    actor: &Actor,
    mine: bool,
    open: Option<bool>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Bucket, RecordError> {
    let query = ListActivities {
        kind: KINDS.to_vec(),
        mine,
        open,
        due_from: from,
        due_to: to,
        page: PageQuery { sort: Some("dueAt".into()), limit: Some(BUCKET_LIMIT), cursor: None },
        ..ListActivities::default()
    };
    let page = list(db, actor, query).await?;
    Ok(Bucket {
        more: page.next_cursor.is_some(),
        items: page.items.into_iter().map(|activity| AgendaItem { activity, lead_name: None }).collect(),
    })
}

/// Fills in the names of the leads the reader may read, in one query.
async fn name_leads(db: &Db, actor: &Actor, agenda: &mut Agenda) -> Result<(), RecordError> {
    let buckets = [&mut agenda.overdue, &mut agenda.due_today, &mut agenda.upcoming];
    let mut ids: Vec<String> =
        buckets.iter().flat_map(|b| b.items.iter().map(|i| i.activity.lead_id.clone())).collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    let args = json!({"where": {"id": {"in": ids}}, "select": {"id": true, "name": true}});
    let rows = actor.db(db).run("Lead", "findMany", &args).await.map_err(RecordError::Store)?;
    let rows = rows.as_array().map(Vec::as_slice).unwrap_or_default();
    let name_of = |id: &str| {
        rows.iter()
            .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
            .and_then(|r| r.get("name").and_then(Value::as_str))
            .map(str::to_owned)
    };
    for b in buckets {
        for item in &mut b.items {
            item.lead_name = name_of(&item.activity.lead_id);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_the_agencys_days() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let [today, tomorrow, end] = bounds(day("2026-03-16"), TimeZone::DUBAI);
        assert_eq!(stamp(today), "2026-03-15T20:00:00.000Z");
        assert_eq!(stamp(tomorrow), "2026-03-16T20:00:00.000Z");
        // Upcoming: 17 to 30 March, so it ends when 31 March starts in Dubai.
        assert_eq!(stamp(end), "2026-03-30T20:00:00.000Z");
        assert_eq!(just_before(tomorrow), "2026-03-16T19:59:59.999Z");
        let [today, tomorrow, _] = bounds(day("2026-03-16"), TimeZone::UTC);
        assert_eq!(
            (stamp(today).as_str(), stamp(tomorrow).as_str()),
            ("2026-03-16T00:00:00.000Z", "2026-03-17T00:00:00.000Z")
        );
        // London's 29 March 2026 is 23 hours long (clocks go forward).
        let london = TimeZone::parse("Europe/London").unwrap();
        let [today, tomorrow, _] = bounds(day("2026-03-29"), london);
        assert_eq!((tomorrow - today).num_hours(), 23);
    }
}
