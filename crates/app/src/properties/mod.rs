//! Listings (the `Property` model): listing with filters, folded search and cursor pages,
//! creating (checked input, the owner's phone in E.164, the agent and photos checked), reading,
//! editing and deleting — every statement under the caller's rules ([`crate::records`]).
//!
//! Every member of the agency reads every listing; the owner's name and phone come back `null`
//! to an agent who is not the listing agent (field rules in `schema.zmodel`).

mod fields;
mod input;
mod list;
mod view;
mod write;

pub use fields::{AmountInput, ListingStatus, same_name, search_text, type_key};
pub use list::{DEFAULT_SORT, ListProperties, SORT_FIELDS, list};
pub use view::{NewProperty, PropertyPatch, PropertyView};
pub use write::{create, delete, get, update};

pub(crate) use input::agency;

use crate::records::{RecordError, Records};

/// The record use cases of listings.
pub(crate) const LISTINGS: Records = Records::new("Property");

/// Another listing of the agency has this reference.
fn reference_taken() -> RecordError {
    RecordError::Conflict { code: "property.reference_taken", field: "reference" }
}
