//! The leads grid: filters, search, sortable columns, cursor pages, a remembered column choice,
//! bulk assignment for managers. The name column is pinned at the inline start, the actions at
//! the inline end.

use askama::Template;

use super::Opt;
use crate::{Shell, Tr};

/// A column a user may show or hide (the name and the actions are always shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Phone,
    Email,
    Status,
    Source,
    Assignee,
    Budget,
    Intent,
    Cities,
    Language,
    Created,
    Updated,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Phone,
        Column::Email,
        Column::Status,
        Column::Source,
        Column::Assignee,
        Column::Budget,
        Column::Intent,
        Column::Cities,
        Column::Language,
        Column::Created,
        Column::Updated,
    ];
    /// Shown until the user chooses.
    pub const DEFAULT: [Column; 6] =
        [Column::Phone, Column::Status, Column::Source, Column::Assignee, Column::Budget, Column::Created];
    /// The keys of [`Column::ALL`] (the remembered choice is a list of keys).
    pub const ALL_KEYS: [&'static str; 11] = [
        "phone", "email", "status", "source", "assignee", "budget", "intent", "cities", "language", "created",
        "updated",
    ];
    /// The keys of [`Column::DEFAULT`].
    pub const DEFAULT_KEYS: [&'static str; 6] = ["phone", "status", "source", "assignee", "budget", "created"];

    pub fn key(self) -> &'static str {
        match self {
            Column::Phone => "phone",
            Column::Email => "email",
            Column::Status => "status",
            Column::Source => "source",
            Column::Assignee => "assignee",
            Column::Budget => "budget",
            Column::Intent => "intent",
            Column::Cities => "cities",
            Column::Language => "language",
            Column::Created => "created",
            Column::Updated => "updated",
        }
    }

    pub fn parse(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The lead field the column sorts by, if it sorts.
    pub fn sort_field(self) -> Option<&'static str> {
        match self {
            Column::Status => Some("status"),
            Column::Created => Some("createdAt"),
            Column::Updated => Some("updatedAt"),
            _ => None,
        }
    }
}

/// One cell's content; the template picks the markup (isolated left-to-right numbers, badges…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The pinned name cell.
    Name(String),
    /// Text in its own direction (`dir="auto"`).
    Text(String),
    /// Left-to-right text isolated inside the row (phones, e-mails).
    Ltr(String),
    /// A number or amount: isolated left to right, aligned to the inline end.
    Num(String),
    /// A status badge: its code (a style) and label.
    Badge(String, String),
    Empty,
}

/// One row: the lead's id and its cells in column order (the name first).
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
}

/// One column header.
#[derive(Debug, Clone)]
pub struct Header {
    pub key: &'static str,
    pub label: String,
    pub pin_start: bool,
    /// The link that sorts by this column (the other way when it is the current sort).
    pub sort_href: Option<String>,
    /// `▲` or `▼` on the current sort column.
    pub arrow: Option<&'static str>,
    pub aria_sort: Option<&'static str>,
}

impl Header {
    /// A column's header under the current order `sort` (a field, `-` in front for descending):
    /// when `field` is that order it carries the arrow and `aria-sort`, and its link (`href` of
    /// the new order) sorts the other way; otherwise the link sorts by it ascending. A column
    /// without `field` does not sort.
    pub fn sorted(
        tr: Tr,
        key: &'static str,
        label_id: &str,
        field: Option<&str>,
        sort: &str,
        href: impl Fn(&str) -> String,
    ) -> Header {
        let (desc, current) = match sort.strip_prefix('-') {
            Some(f) => (true, f),
            None => (false, sort),
        };
        let is_current = field == Some(current);
        Header {
            key,
            label: tr.t(label_id),
            pin_start: false,
            sort_href: field.map(|f| href(&if is_current && !desc { format!("-{f}") } else { f.to_owned() })),
            arrow: is_current.then_some(if desc { "▼" } else { "▲" }),
            aria_sort: is_current.then_some(if desc { "descending" } else { "ascending" }),
        }
    }

    /// The same header pinned at the inline start.
    pub fn pinned(mut self) -> Header {
        self.pin_start = true;
        self
    }
}

/// The filters as typed, to fill the form again.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub q: String,
    pub sort: String,
}

#[derive(Template)]
#[template(path = "leads.html")]
pub struct LeadsPage {
    pub shell: Shell,
    pub filters: Filters,
    pub status_options: Vec<Opt>,
    pub source_options: Vec<Opt>,
    /// Empty for agents (they see their own leads only).
    pub assignee_options: Vec<Opt>,
    pub column_choices: Vec<Opt>,
    /// Agents to bulk-assign to; empty when the reader may not assign.
    pub agents: Vec<Opt>,
    pub headers: Vec<Header>,
    pub rows: Vec<Row>,
    pub count_label: String,
    pub first_href: Option<String>,
    pub next_href: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_lists_match_the_columns() {
        assert_eq!(Column::ALL.map(Column::key), Column::ALL_KEYS);
        assert_eq!(Column::DEFAULT.map(Column::key), Column::DEFAULT_KEYS);
    }
}
