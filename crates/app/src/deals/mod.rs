//! Deals: an offer on a lead (optionally for a listing) moving through OFFER → RESERVATION →
//! CONTRACT → CLOSED_WON / CLOSED_LOST. Listing with filters and cursor pages, the pipeline
//! board ([`board()`]), creating, reading, editing, moving between stages and deleting — every
//! statement under the caller's rules (`model Deal` in `schema.zmodel`), which also hide the
//! commission from those who may not see it and refuse it from agents.

mod board;
mod links;
mod list;
mod stage;
mod view;
mod write;

pub use board::{BoardColumn, CardListing, DealCard, STAGES, board, stage_page};
pub use list::{DEFAULT_SORT, ListDeals, SORT_FIELDS, list};
pub use stage::{DealStage, MoveStage, move_stage};
pub use view::{DealPatch, DealView, NewDeal};
pub use write::{create, create_in, delete, get, update};

pub(crate) use links::{active_user, instant_field, not_null, readable};

use crate::records::Records;

/// The deal records, read and written under the caller's rules.
const DEALS: Records = Records::new("Deal");
