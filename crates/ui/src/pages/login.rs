//! The sign-in page of an agency's host, in the agency's default language.

use askama::Template;

use crate::Shell;

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub shell: Shell,
    /// Where to go after signing in (a local path).
    pub next: String,
    /// The e-mail typed before a failed attempt.
    pub email: String,
    pub error: Option<String>,
}
