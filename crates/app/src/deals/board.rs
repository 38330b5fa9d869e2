//! The pipeline board: the deals the caller may read, stage by stage, each with the name of its
//! lead and the titles of its listing (read through the same rules: a lead the caller may not
//! read leaves its name out), most recently updated first.

use serde_json::{Value, json};
use store::Db;

use super::stage::DealStage;
use super::view::DealView;
use crate::actor::Actor;
use crate::page::Limit;
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

/// One column of the board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardColumn {
    pub stage: DealStage,
    pub cards: Vec<DealCard>,
    /// The stage holds more deals than were read.
    pub more: bool,
}

/// Up to `per_stage` deals (1–100) of every stage, most recently updated first.
pub async fn board(db: &Db, actor: &Actor, per_stage: u32) -> Result<Vec<BoardColumn>, RecordError> {
    let limit = Limit::parse(Some(per_stage))?.get();
    let mut columns = Vec::with_capacity(STAGES.len());
    for stage in STAGES {
        let args = json!({
            "where": {"stage": stage.as_str()},
            "orderBy": [{"updatedAt": "desc"}, {"id": "desc"}],
            "take": limit + 1,
            "include": {
                "lead": {"select": {"name": true}},
                "property": {"select": {"reference": true, "titleEn": true, "titleAr": true}},
            },
        });
        let rows = match actor.db(db).run("Deal", "findMany", &args).await.map_err(RecordError::Store)? {
            Value::Array(rows) => rows,
            _ => Vec::new(),
        };
        let more = rows.len() > limit as usize;
        let cards = rows.into_iter().take(limit as usize).map(card).collect::<Result<_, _>>()?;
        columns.push(BoardColumn { stage, cards, more });
    }
    Ok(columns)
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
