//! Leads: the people an agency works to turn into deals. Listing with filters, search and cursor
//! pages, creating (normalised phones and e-mail, duplicate detection, round-robin routing),
//! reading, editing, assigning, moving through the pipeline and deleting — every statement under
//! the caller's rules, except the two named bypasses (duplicate check, routing).

mod contact;
mod create;
mod fields;
mod list;
mod routing;
mod update;
mod view;

pub use create::create;
pub(crate) use create::create_with_id;
pub use fields::{Budget, LeadSource, LeadStatus, Purpose};
pub use list::{LeadPage, ListLeads, list};
pub use update::{AssignLead, ChangeStatus, LeadPatch, assign, change_status, delete, get, update};
pub use view::{LeadView, NewLead};

use store::StoreError;

use crate::page::PageError;

/// Why a lead use case failed. The web layer maps each to one stable code.
#[derive(Debug, thiserror::Error)]
pub enum LeadError {
    /// Missing, or hidden from the caller by the rules (never told apart).
    #[error("the lead was not found")]
    NotFound,
    /// The rules refuse the change on a lead the caller may read.
    #[error("the rules do not allow this change")]
    Forbidden,
    #[error("a lead needs a name")]
    NameRequired,
    /// `field` names the offending input, e.g. `phones[1]`.
    #[error("`{field}` is not a valid phone number: {reason}")]
    InvalidPhone { field: String, reason: domain::PhoneError },
    #[error("`email` is not a valid e-mail address: {0}")]
    InvalidEmail(domain::EmailError),
    /// The assignee is not an active user of the agency.
    #[error("the assignee is not an active user of this agency")]
    InvalidAssignee,
    /// Another lead of the agency has this phone or e-mail. `existing_id` is set only when the
    /// caller may read that lead.
    #[error("another lead has the same {field}")]
    Duplicate { field: &'static str, existing_id: Option<String> },
    #[error("a lead marked LOST needs a lost reason")]
    LostReasonRequired,
    #[error("a lost reason is only kept for LOST leads")]
    LostReasonNotAllowed,
    #[error("`{0}` is not a valid date or time")]
    InvalidDate(&'static str),
    /// A stored row does not read as a lead (schema drift): a server fault.
    #[error("a stored lead does not read back: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Page(#[from] PageError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for LeadError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => LeadError::NotFound,
            StoreError::RejectedByPolicy { .. } => LeadError::Forbidden,
            e => LeadError::Store(e),
        }
    }
}
