//! Settings: the reader's profile (name, language, password); for admins also the users (invite,
//! deactivate), the teams (create) and the channel accounts (edit). Channel secrets are
//! write-only: the page says whether each is set, never what it is.

use askama::Template;

use super::Opt;
use crate::Shell;

/// The reader's own profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// One user of the agency.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: String,
    pub team: Option<String>,
    pub active: bool,
    /// The reader themselves (no deactivate button).
    pub is_self: bool,
}

/// One team.
#[derive(Debug, Clone)]
pub struct TeamRow {
    pub name: String,
    pub manager: Option<String>,
    pub members: String,
}

/// A plain setting of a channel account.
#[derive(Debug, Clone)]
pub struct ChannelField {
    /// The form field (`address`, `smtpPort`).
    pub name: &'static str,
    pub label: String,
    pub value: String,
    /// `text`, `number` or `email`.
    pub input: &'static str,
    /// Numbers, ids and addresses are typed left to right.
    pub ltr: bool,
}

/// A secret of a channel account: whether it is set, and an empty field to replace it.
#[derive(Debug, Clone)]
pub struct SecretField {
    pub name: &'static str,
    pub label: String,
    pub set: bool,
    /// "Set" / "Not set".
    pub status: String,
}

/// One channel account with its edit form.
#[derive(Debug, Clone)]
pub struct ChannelForm {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    pub active: bool,
    pub sandbox: bool,
    pub fields: Vec<ChannelField>,
    pub secrets: Vec<SecretField>,
}

/// The sections only admins see.
#[derive(Debug, Clone)]
pub struct AdminSections {
    pub users: Vec<UserRow>,
    pub teams: Vec<TeamRow>,
    pub channels: Vec<ChannelForm>,
    pub roles: Vec<Opt>,
    pub team_options: Vec<Opt>,
    pub managers: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub profile: Profile,
    pub admin: Option<AdminSections>,
}
