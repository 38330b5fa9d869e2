//! The set-password page of a link an admin made (`/invite/{token}`), in the agency's language:
//! the form while the link works, else a page saying it does not.

use askama::Template;

use crate::Shell;

#[derive(Template)]
#[template(path = "invite.html")]
pub struct InvitePage {
    pub shell: Shell,
    /// The user's name and e-mail while the link works; `None`: it does not (expired, used,
    /// tampered, another agency's).
    pub user: Option<(String, String)>,
    /// Where the form posts (`/invite/{token}`).
    pub action: String,
    /// Why the last attempt was refused (passwords differ, too short).
    pub error: Option<String>,
    /// The shortest password accepted.
    pub min_chars: usize,
}
