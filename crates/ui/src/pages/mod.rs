//! The pages' view models, one module per page.

pub mod dashboard;
pub mod inbox;
pub mod invite;
pub mod lead;
pub mod leads;
pub mod listing;
pub mod listings;
pub mod login;
pub mod pipeline;
pub mod settings;
pub mod tasks;

/// One `<option>` of a select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Opt {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Opt {
        Opt { value: value.into(), label: label.into(), selected }
    }
}
