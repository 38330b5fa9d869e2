//! Manzil's web pages: view models rendered by askama templates (`crates/ui/templates`), UI
//! strings from Fluent (`crates/ui/locales`), locale formatting ([`format`]) and the browser files
//! served from the binary ([`assets`]). This crate knows no HTTP and reads no database: the `web`
//! crate's page handlers fill the view models from the use cases and send the HTML.
//!
//! Right to left is not a variant: `<html lang dir>` come from the reader's locale and every rule
//! in the stylesheet and the templates is written with logical properties (a test enforces it).

pub mod assets;
pub mod chart;
pub mod format;
pub mod i18n;
pub mod pages;

pub use askama::Template;
pub use i18n::Tr;

/// The frame every signed-in page shares: language, title, user, navigation.
#[derive(Debug, Clone)]
pub struct Shell {
    pub tr: Tr,
    pub title: String,
    pub agency: String,
    /// The signed-in user; `None` on the login page.
    pub user: Option<UserBadge>,
    /// The navigation entry of this page.
    pub section: Section,
    /// The double-submit CSRF token (forms carry it, htmx sends it as a header).
    pub csrf: String,
    /// This page's path and query (forms that come back here).
    pub path: String,
    pub flash: Option<Flash>,
}

/// Who is signed in, as the top bar shows them.
#[derive(Debug, Clone)]
pub struct UserBadge {
    pub name: String,
    /// `ADMIN`, `MANAGER` or `AGENT`.
    pub role: String,
}

/// A one-line notice at the top of the page.
#[derive(Debug, Clone)]
pub struct Flash {
    pub text: String,
    pub error: bool,
}

/// The sections of the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Inbox,
    Leads,
    Listings,
    Pipeline,
    Tasks,
    Settings,
    None,
}

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

impl Shell {
    /// The versioned URL of an embedded asset.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// The navigation, in reading order.
    pub fn nav(&self) -> Vec<NavItem> {
        [
            (Section::Dashboard, "/", "nav-dashboard"),
            (Section::Inbox, "/inbox", "nav-inbox"),
            (Section::Leads, "/leads", "nav-leads"),
            (Section::Listings, "/listings", "nav-listings"),
            (Section::Pipeline, "/pipeline", "nav-pipeline"),
            (Section::Tasks, "/tasks", "nav-tasks"),
            (Section::Settings, "/settings", "nav-settings"),
        ]
        .into_iter()
        .map(|(s, href, id)| NavItem { href, label: self.tr.t(id), current: s == self.section })
        .collect()
    }
}

#[cfg(test)]
mod logical_properties;
