//! The pipeline board: one column per deal stage, in reading order (the first stage at the inline
//! start), one card per deal. A card moves by drag and drop (`pipeline.js`) or, without a
//! pointer or without script, with its labelled stage menu and button; both post the same form.
//! A long stage shows its first page and a "show more" link at its end: htmx swaps the next page
//! in for the link ([`StageMore`]); without script the link opens the board with that stage
//! continued.

use askama::Template;

use super::Opt;
use crate::Shell;

/// One deal on the board.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
    /// The stage's code (the card's `data-current-stage`).
    pub stage: &'static str,
    pub lead_id: String,
    /// The lead's name; `None` when the reader may not read the lead.
    pub lead_name: Option<String>,
    /// The listing's id and its title in the reader's language, when there is one to show.
    pub listing_id: Option<String>,
    pub listing_title: Option<String>,
    pub value: String,
    /// The stage menu, the current stage selected.
    pub stages: Vec<Opt>,
    /// Closed, and the reader may not reopen it (agents): no move offered.
    pub locked: bool,
}

/// One stage.
#[derive(Debug, Clone)]
pub struct Column {
    /// The stage's code (`OFFER`…), the `data-stage` of the column.
    pub stage: &'static str,
    pub label: String,
    pub count_label: String,
    pub cards: Vec<Card>,
    /// The next page of the stage: the link without script, and the fragment htmx fetches.
    pub more: Option<MoreLink>,
}

/// The "show more" link at the end of a stage.
#[derive(Debug, Clone)]
pub struct MoreLink {
    pub href: String,
    pub fragment: String,
}

/// The next page of a stage (`GET /pipeline/stages/{stage}`): its cards and the link to the page
/// after it, swapped in for the link that asked.
#[derive(Template)]
#[template(path = "pipeline_more.html")]
pub struct StageMore {
    pub shell: Shell,
    pub cards: Vec<Card>,
    pub more: Option<MoreLink>,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
pub struct PipelinePage {
    pub shell: Shell,
    pub columns: Vec<Column>,
}
