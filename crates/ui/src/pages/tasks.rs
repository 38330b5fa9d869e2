//! Tasks and viewings: overdue, today and upcoming, each with its lead, its due time (viewings
//! with the Hijri date beside it) and a button to mark it done or open again.

use askama::Template;

use crate::Shell;

/// One task or viewing.
#[derive(Debug, Clone)]
pub struct TaskItem {
    pub id: String,
    /// `TASK` or `VIEWING` (a style).
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub lead_id: String,
    /// `None`: the reader may not open the lead.
    pub lead_name: Option<String>,
    /// RFC 3339, for `<time datetime>`.
    pub due_iso: String,
    /// As the reader's language writes it.
    pub due: String,
    /// Viewings: the Hijri date of the day.
    pub hijri: Option<String>,
    pub done: bool,
}

/// One bucket: overdue, today or upcoming.
#[derive(Debug, Clone)]
pub struct TaskBucket {
    /// `data-testid` (`task-overdue`) and the heading's id.
    pub id: &'static str,
    pub title: String,
    pub count: String,
    pub items: Vec<TaskItem>,
    pub empty: String,
    /// Shown when the bucket holds more than the page lists.
    pub more: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
pub struct TasksPage {
    pub shell: Shell,
    pub buckets: Vec<TaskBucket>,
    /// Managers and admins may narrow the list to their own.
    pub offer_mine: bool,
    pub mine: bool,
}
