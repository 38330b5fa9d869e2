//! The pipeline board: the deals the caller may read, stage by stage, each with the name of its
//! lead and the titles of its listing (read through the same rules: a lead the caller may not
//! read leaves its name out), most recently updated first, a page per stage with the stage's total
//! (the rest of a long stage comes page by page, [`stage_page`]).

use serde_json::{Value, json};
use store::Db;

use super::stage::DealStage;
use super::view::DealView;
use crate::actor::Actor;
use crate::page::{Limit, Sort, split_page};
use crate::records::{RecordError, view};

/// The stages in pipeline order (the board's columns).
pub const STAGES: [DealStage; 5] =
    [DealStage::Offer, DealStage::Reservation, DealStage::Contract, DealStage::ClosedWon, DealStage::ClosedLost];

/// One deal on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct DealCard {
    pub deal: DealView,
    /// `None` when the caller may not read the lead.
    pub lead_name: Option<String>,
    /// The listing's reference and titles, when there is one the caller may read.
    pub property: Option<CardListing>,
}

/// What a card shows of its listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardListing {
    pub reference: String,
    pub title_en: String,
    pub title_ar: String,
}

/// One column of the board (or the next page of one).
#[derive(Debug, Clone, PartialEq)]
pub struct BoardColumn {
    pub stage: DealStage,
    pub cards: Vec<DealCard>,
    /// The stage holds more deals than were read.
    pub more: bool,
    /// Where the next page of this stage starts, when there is one.
    pub next_cursor: Option<String>,
    /// Every deal of the stage the caller may read (not only those read).
    pub total: u64,
}

/// The board's order: most recently updated first.
const ORDER: Sort = Sort { field: "updatedAt", desc: true };

/// Up to `per_stage` deals (1–100) of every stage, most recently updated first, with each stage's
/// total. `continue_at` starts one stage's column at its cursor instead (the "show more" link of
/// a page without script).
pub async fn board(
    db: &Db,
    actor: &Actor,
    per_stage: u32,
    continue_at: Option<(DealStage, &str)>,
) -> Result<Vec<BoardColumn>, RecordError> {
    let totals = totals(db, actor).await?;
    let mut columns = Vec::with_capacity(STAGES.len());
    for stage in STAGES {
        let cursor = continue_at.filter(|(s, _)| *s == stage).map(|(_, c)| c);
        let total = totals.iter().find(|(s, _)| *s == stage).map_or(0, |(_, n)| *n);
        columns.push(read_stage(db, actor, stage, per_stage, cursor, total).await?);
    }
    Ok(columns)
}

/// One page of one stage: up to `per_stage` deals after `cursor` (from a previous page's
/// `next_cursor`), read under the caller's rules like the board.
pub async fn stage_page(
    db: &Db,
    actor: &Actor,
    stage: DealStage,
    per_stage: u32,
    cursor: Option<&str>,
) -> Result<BoardColumn, RecordError> {
    let total = actor
        .db(db)
        .run("Deal", "count", &json!({"where": {"stage": stage.as_str()}}))
        .await
        .map_err(RecordError::Store)?
        .as_u64()
        .unwrap_or(0);
    read_stage(db, actor, stage, per_stage, cursor, total).await
}

async fn read_stage(
    db: &Db,
    actor: &Actor,
    stage: DealStage,
    per_stage: u32,
    cursor: Option<&str>,
    total: u64,
) -> Result<BoardColumn, RecordError> {
    let limit = Limit::parse(Some(per_stage))?;
    let mut filter = vec![json!({"stage": stage.as_str()})];
    if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
        filter.push(ORDER.after(&ORDER.decode(cursor)?));
    }
    let args = json!({
        "where": {"AND": filter},
        "orderBy": ORDER.order_by(),
        "take": limit.get() + 1,
        "include": {
            "lead": {"select": {"name": true}},
            "property": {"select": {"reference": true, "titleEn": true, "titleAr": true}},
        },
    });
    let rows = match actor.db(db).run("Deal", "findMany", &args).await.map_err(RecordError::Store)? {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    };
    let (rows, next_cursor) = split_page(rows, limit, &ORDER);
    let cards = rows.into_iter().map(card).collect::<Result<_, _>>()?;
    Ok(BoardColumn { stage, cards, more: next_cursor.is_some(), next_cursor, total })
}

/// Every stage's count of the deals the caller may read.
async fn totals(db: &Db, actor: &Actor) -> Result<Vec<(DealStage, u64)>, RecordError> {
    let args = json!({"by": ["stage"], "where": {}, "_count": true});
    let rows = actor.db(db).run("Deal", "groupBy", &args).await.map_err(RecordError::Store)?;
    let Value::Array(rows) = rows else { return Ok(Vec::new()) };
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let stage = serde_json::from_value(row.get("stage")?.clone()).ok()?;
            Some((stage, row.get("_count").and_then(Value::as_u64).unwrap_or(0)))
        })
        .collect())
}

fn card(row: Value) -> Result<DealCard, RecordError> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let lead_name = row.get("lead").and_then(|l| text(l, "name"));
    let property = row.get("property").filter(|p| p.is_object()).map(|p| CardListing {
        reference: text(p, "reference").unwrap_or_default(),
        title_en: text(p, "titleEn").unwrap_or_default(),
        title_ar: text(p, "titleAr").unwrap_or_default(),
    });
    Ok(DealCard { deal: view(row)?, lead_name, property })
}
