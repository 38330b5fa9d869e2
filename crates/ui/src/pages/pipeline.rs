//! The pipeline board: one column per deal stage, in reading order (the first stage at the inline
//! start), one card per deal. A card moves by drag and drop (`pipeline.js`) or, without a
//! pointer or without script, with its labelled stage menu and button; both post the same form.

use askama::Template;

use super::Opt;
use crate::Shell;

/// One deal on the board.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: String,
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
    /// More deals than shown.
    pub more: bool,
}

#[derive(Template)]
#[template(path = "pipeline.html")]
pub struct PipelinePage {
    pub shell: Shell,
    pub columns: Vec<Column>,
}
