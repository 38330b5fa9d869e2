//! Activities: notes, calls, tasks, viewings and meetings on a lead (and optionally on one of its
//! deals and a listing), with a due time and a done mark. Listing with filters and cursor pages,
//! creating, reading, editing, marking done or open again, deleting, and the reader's agenda of
//! tasks and viewings ([`agenda()`]) — every statement under the caller's rules (`model Activity`
//! in `schema.zmodel`).

mod agenda;
mod list;
mod view;
mod write;

pub use agenda::{Agenda, AgendaItem, Bucket, UPCOMING_DAYS, agenda, agenda_at};
pub use list::{DEFAULT_SORT, ListActivities, SORT_FIELDS, list};
pub use view::{ActivityPatch, ActivityType, ActivityView, NewActivity};
pub use write::{create, delete, done, get, reopen, update};

use crate::records::Records;

/// The activity records, read and written under the caller's rules.
const ACTIVITIES: Records = Records::new("Activity");
