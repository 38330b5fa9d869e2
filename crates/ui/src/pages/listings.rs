//! The listings grid: filters (status, purpose, type, city, folded search), sortable columns,
//! cursor pages, a column choice remembered per browser. The same pinned-column grid as the leads: the title at the inline start, the
//! actions at the inline end.

use askama::Template;

use super::Opt;
use super::leads::{Cell, Header};
use crate::Shell;

/// One row: the listing's id, its title (in the reader's language) and the other cells in order.
#[derive(Debug, Clone)]
pub struct ListingRow {
    pub id: String,
    pub title: String,
    pub cells: Vec<Cell>,
}

/// The free-text filters as typed, to fill the form again.
#[derive(Debug, Clone, Default)]
pub struct ListingFilters {
    pub q: String,
    pub city: String,
    pub sort: String,
}

#[derive(Template)]
#[template(path = "listings.html")]
pub struct ListingsPage {
    pub shell: Shell,
    pub filters: ListingFilters,
    pub status_options: Vec<Opt>,
    pub purpose_options: Vec<Opt>,
    pub type_options: Vec<Opt>,
    /// Cities to suggest in the city filter.
    pub cities: Vec<String>,
    /// The column headers after the pinned title column.
    pub headers: Vec<Header>,
    /// The pinned title column's header.
    pub title_header: Header,
    pub rows: Vec<ListingRow>,
    pub count_label: String,
    pub first_href: Option<String>,
    pub next_href: Option<String>,
    /// The column chooser's checkboxes (the pinned title and actions are not among them).
    pub column_choices: Vec<Opt>,
}
