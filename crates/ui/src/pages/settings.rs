//! Settings: the reader's profile (name, language, password); for admins also the agency's time
//! zone, the users (invite, deactivate, set-password links), the teams (create) and the channel
//! accounts (create, edit, delete, WhatsApp templates, the webhook addresses to set up at the
//! provider). Channel secrets are write-only: the page says whether each is set, never what it is.

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
    /// The kind cannot work without it.
    pub required: bool,
}

/// A secret of a channel account: whether it is set, and an empty field to replace it.
#[derive(Debug, Clone)]
pub struct SecretField {
    pub name: &'static str,
    pub label: String,
    pub set: bool,
    /// "Set" / "Not set".
    pub status: String,
    /// The kind cannot work without it (on a new account's form).
    pub required: bool,
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
    /// The addresses the provider must call for this account.
    pub webhooks: Vec<Webhook>,
    /// WhatsApp: the account's message templates (`None` for the other kinds).
    pub templates: Option<Vec<TemplateRow>>,
}

/// An address a provider must call (set up at the provider by the admin).
#[derive(Debug, Clone)]
pub struct Webhook {
    pub label: String,
    pub url: String,
    /// How the provider authenticates (which secret), and where to paste the address.
    pub note: String,
}

/// One WhatsApp template in one language.
#[derive(Debug, Clone)]
pub struct TemplateRow {
    pub name: String,
    /// The language code (`ar`, `en_US`).
    pub language: String,
    pub language_label: String,
    pub category: String,
    /// Its text, with `{{1}}`… for the parameters (empty when only the name is known).
    pub body: String,
    /// "2 parameters".
    pub params: String,
}

/// The form that creates an account of one kind.
#[derive(Debug, Clone)]
pub struct NewChannelForm {
    pub kind: String,
    pub kind_label: String,
    pub fields: Vec<ChannelField>,
    pub secrets: Vec<SecretField>,
}

/// A set-password link just made for a colleague: shown once, never stored.
#[derive(Debug, Clone)]
pub struct LinkPanel {
    pub name: String,
    pub url: String,
    /// When it stops working (formatted).
    pub expires: String,
}

/// A labelled group of a select's options (`<optgroup>`).
#[derive(Debug, Clone)]
pub struct OptGroup {
    pub label: String,
    pub options: Vec<Opt>,
}

/// The agency's own settings: its time zone.
#[derive(Debug, Clone)]
pub struct AgencyForm {
    /// The agency's wall clock now, in its zone (`16 Mar 2026, 03:30 · Asia/Dubai`).
    pub now: String,
    /// The common zones first, then every zone; the agency's is selected.
    pub zones: Vec<OptGroup>,
}

/// The sections only admins see.
#[derive(Debug, Clone)]
pub struct AdminSections {
    pub agency: AgencyForm,
    pub users: Vec<UserRow>,
    pub teams: Vec<TeamRow>,
    pub channels: Vec<ChannelForm>,
    pub roles: Vec<Opt>,
    pub team_options: Vec<Opt>,
    pub managers: Vec<Opt>,
    /// A form per channel kind to add an account.
    pub new_channels: Vec<NewChannelForm>,
    /// A set-password link asked for (`?link={user id}`).
    pub link: Option<LinkPanel>,
    /// The languages and categories a template may have.
    pub template_languages: Vec<Opt>,
    pub template_categories: Vec<Opt>,
    /// Why some webhooks cannot work yet (no `server.public_url` for SMS).
    pub webhook_warning: Option<String>,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsPage {
    pub shell: Shell,
    pub profile: Profile,
    pub admin: Option<AdminSections>,
}
