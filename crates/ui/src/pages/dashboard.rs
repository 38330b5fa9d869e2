//! The dashboard: new leads today and this week, then bar charts (leads by source, deals by
//! stage, median first response per agent, listings by status), all counted under the reader's
//! rules. The charts are inline SVG ([`crate::chart`]), mirrored in right-to-left pages.

use askama::Template;

use crate::Shell;
use crate::chart::BarChart;

/// A headline number.
#[derive(Debug, Clone)]
pub struct Stat {
    /// `data-testid` (`stat-new-today`).
    pub id: &'static str,
    pub label: String,
    pub value: u64,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub shell: Shell,
    /// Whose records the numbers cover ("your leads", "your team's", "the agency's").
    pub scope: String,
    pub stats: Vec<Stat>,
    pub charts: Vec<BarChart>,
}
