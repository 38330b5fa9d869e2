//! The reader's agenda of tasks and viewings: overdue (open, due before today), today (due today,
//! done or not) and upcoming (due in the next [`UPCOMING_DAYS`] days, done or not), each with its
//! lead's name. Read under the reader's rules: an agent sees their own and those on their leads,
//! a manager their team's, an admin the agency's. Days are UTC days, like the dates the pages
//! print.

use chrono::{DateTime, Days, Utc};
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
    /// Today (UTC), `YYYY-MM-DD`.
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

/// The reader's agenda as of now. `mine`: only the activities assigned to the reader.
pub async fn agenda(db: &Db, actor: &Actor, mine: bool) -> Result<Agenda, RecordError> {
    agenda_at(db, actor, mine, Utc::now()).await
}

/// The reader's agenda as of `now`.
pub async fn agenda_at(db: &Db, actor: &Actor, mine: bool, now: DateTime<Utc>) -> Result<Agenda, RecordError> {
    let today = now.date_naive();
    let day = |offset: i64| -> String {
        let d = if offset >= 0 {
            today.checked_add_days(Days::new(offset.unsigned_abs()))
        } else {
            today.checked_sub_days(Days::new(offset.unsigned_abs()))
        };
        d.unwrap_or(today).format("%Y-%m-%d").to_string()
    };
    let upcoming_end = i64::try_from(UPCOMING_DAYS).unwrap_or(14);
    let overdue = bucket(db, actor, mine, Some(true), None, Some(day(-1))).await?;
    let due_today = bucket(db, actor, mine, None, Some(day(0)), Some(day(0))).await?;
    let upcoming = bucket(db, actor, mine, None, Some(day(1)), Some(day(upcoming_end))).await?;
    let mut agenda = Agenda { today: day(0), overdue, due_today, upcoming };
    name_leads(db, actor, &mut agenda).await?;
    Ok(agenda)
}

/// Tasks and viewings due between two dates (each a whole UTC day, inclusive).
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
