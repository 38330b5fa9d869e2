//! The settings page's forms. Each checks the CSRF field, calls one use case as the reader and
//! goes back to `/settings` with a notice (`?ok=…`) or an error (`?error=…&field=…`). Whether
//! the reader may do it is the use case's (and the rules') answer: a refusal is a 403, a record
//! the reader cannot see a 404 — the page does not decide.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use app::auth::AuthError;
use app::inbox::channels::ChannelPatch;
use app::records::RecordError;
use app::teams::NewTeam;
use app::users::{AddUser, ChangePassword, MePatch, UserError, UserPatch};
use domain::Role;

use super::saved;
use crate::AppState;
use crate::auth::is_secure;
use crate::client_ip::ClientIp;
use crate::handlers::auth::session_cookies;
use crate::pages::session::{Viewer, check_form_csrf};
use crate::pages::{csrf_refused, not_found};

/// Back to the settings page with error `key` about `field` (kept to a short identifier).
pub(super) fn redirect_error(key: &str, field: &str) -> Response {
    let field: String =
        field.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '[' | ']' | '_')).take(40).collect();
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("error", key);
    if !field.is_empty() {
        q.append_pair("field", &field);
    }
    Redirect::to(&format!("/settings?{}", q.finish())).into_response()
}

/// The answer to a refused record use case.
pub(super) fn record_error(viewer: &Viewer, e: RecordError) -> Response {
    match e {
        RecordError::Forbidden => (StatusCode::FORBIDDEN, viewer.tr().t("settings-forbidden")).into_response(),
        RecordError::NotFound(_) => not_found(viewer.tr()),
        RecordError::Invalid { field, .. } => redirect_error("invalid", &field),
        RecordError::Conflict { field, .. } => redirect_error("taken", field),
        e => {
            tracing::error!(error = %e, "settings form");
            (StatusCode::INTERNAL_SERVER_ERROR, viewer.tr().t("error-server")).into_response()
        }
    }
}

/// The answer to a refused user use case.
fn user_error(viewer: &Viewer, e: UserError) -> Response {
    match e {
        UserError::Record(RecordError::Invalid { code: "user.weak_password", .. }) | UserError::WeakPassword => {
            redirect_error("weak-password", "")
        }
        UserError::Record(e) => record_error(viewer, e),
        UserError::NotFound => not_found(viewer.tr()),
        UserError::WrongPassword => redirect_error("wrong-password", ""),
        UserError::Auth(AuthError::RateLimited(_)) => redirect_error("rate-limited", ""),
        UserError::LastAdmin => redirect_error("last-admin", ""),
        UserError::EmailTaken => redirect_error("taken", "email"),
        UserError::InvalidEmail(..) => redirect_error("invalid", "email"),
        e => {
            tracing::error!(error = %e, "settings form");
            (StatusCode::INTERNAL_SERVER_ERROR, viewer.tr().t("error-server")).into_response()
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /settings/profile`: the reader's name.
pub async fn profile(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<ProfileForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let patch = MePatch { name: Some(form.name), locale: None };
    match app::users::update_me(&state.app.db, &viewer.actor, patch).await {
        Ok(_) => saved("profile"),
        Err(e) => user_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /settings/password`: checks the current password, stores the new one, signs the
/// reader's other devices out and gives this browser a fresh session.
pub async fn password(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<PasswordForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let body = ChangePassword { current_password: form.current_password, new_password: form.new_password };
    match app::users::change_password(&state.app.db, &state.app.auth, &viewer.actor, body, ip.as_deref()).await {
        Ok(session) => {
            tracing::info!(user_id = %viewer.actor.user_id, "password changed (web); every other login revoked");
            let mut res = saved("password");
            for c in session_cookies(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl).1 {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(e) => user_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    team: String,
}

/// `POST /settings/users`: invites a user (no password yet) through `app::users::add`, which
/// only an admin may do, then shows their set-password link.
pub async fn invite(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let Ok(role) = Role::parse(&form.role) else { return redirect_error("invalid", "role") };
    let new = AddUser {
        email: form.email,
        name: form.name,
        role: Some(role),
        team_id: Some(form.team).filter(|t| !t.trim().is_empty()),
        locale: None,
        languages: Vec::new(),
        password: None,
    };
    match app::users::add(&state.app.db, &viewer.actor, new).await {
        // Straight to the new user's set-password link (made, and shown once, by the page).
        Ok(user) => super::with_link("invited", &user.id),
        Err(e) => user_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /settings/users/{id}/deactivate`.
pub async fn deactivate(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    headers: HeaderMap,
    id: Path<String>,
    form: Form<CsrfForm>,
) -> Response {
    set_active(state, viewer, headers, id, form, false).await
}

/// `POST /settings/users/{id}/activate`.
pub async fn activate(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    headers: HeaderMap,
    id: Path<String>,
    form: Form<CsrfForm>,
) -> Response {
    set_active(state, viewer, headers, id, form, true).await
}

/// Deactivates (signing them out everywhere) or reactivates a user through `app::users::update`.
async fn set_active(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
    active: bool,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let patch = UserPatch { active: Some(active), ..UserPatch::default() };
    match app::users::update(&state.app.db, &viewer.actor, &id, patch).await {
        Ok(_) => saved(if active { "activated" } else { "deactivated" }),
        Err(e) => user_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct TeamForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    manager: String,
}

/// `POST /settings/teams`: creates a team through `app::teams::create` (admins).
pub async fn create_team(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<TeamForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let new = NewTeam { name: form.name, manager_id: Some(form.manager).filter(|m| !m.trim().is_empty()) };
    match app::teams::create(&state.app.db, &viewer.actor, new).await {
        Ok(_) => saved("team"),
        Err(e) => record_error(&viewer, e),
    }
}

/// The channel edit form: every field optional (a kind's form carries only its own fields).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelFormBody {
    #[serde(default)]
    pub(super) csrf: String,
    /// The create form's kind (`WHATSAPP`, `SMS`, `EMAIL`); the edit form has none.
    pub(super) kind: Option<String>,
    pub(super) name: Option<String>,
    /// A checkbox: present when checked.
    pub(super) active: Option<String>,
    pub(super) address: Option<String>,
    pub(super) phone_number_id: Option<String>,
    pub(super) waba_id: Option<String>,
    pub(super) sms_account_sid: Option<String>,
    pub(super) inbound_address: Option<String>,
    pub(super) smtp_host: Option<String>,
    pub(super) smtp_port: Option<String>,
    pub(super) smtp_username: Option<String>,
    pub(super) access_token: Option<String>,
    pub(super) app_secret: Option<String>,
    pub(super) verify_token: Option<String>,
    pub(super) auth_token: Option<String>,
    pub(super) inbound_secret: Option<String>,
    pub(super) smtp_password: Option<String>,
}

/// A plain field of the form: absent stays, empty clears, a value replaces.
pub(super) fn plain(v: Option<String>) -> Option<Option<String>> {
    v.map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
}

/// A secret of the form: empty (or absent) keeps the stored secret, a value replaces it.
pub(super) fn secret(v: Option<String>) -> Option<Option<String>> {
    v.filter(|s| !s.trim().is_empty()).map(Some)
}

impl ChannelFormBody {
    fn patch(self) -> Result<ChannelPatch, &'static str> {
        let smtp_port = match plain(self.smtp_port) {
            None => None,
            Some(None) => Some(None),
            Some(Some(p)) => Some(Some(p.parse::<i64>().map_err(|_| "smtpPort")?)),
        };
        Ok(ChannelPatch {
            name: self.name,
            active: Some(self.active.is_some()),
            phone_number_id: plain(self.phone_number_id),
            waba_id: plain(self.waba_id),
            address: plain(self.address),
            sms_account_sid: plain(self.sms_account_sid),
            inbound_address: plain(self.inbound_address),
            smtp_host: plain(self.smtp_host),
            smtp_port,
            smtp_username: plain(self.smtp_username),
            templates: None,
            access_token: secret(self.access_token),
            app_secret: secret(self.app_secret),
            verify_token: secret(self.verify_token),
            auth_token: secret(self.auth_token),
            inbound_secret: secret(self.inbound_secret),
            smtp_password: secret(self.smtp_password),
        })
    }
}

/// `POST /settings/channels/{id}`: edits a channel account through `app::inbox::channels::update`
/// (admins). Secret fields left empty keep the stored secrets.
pub async fn update_channel(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ChannelFormBody>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let patch = match form.patch() {
        Ok(p) => p,
        Err(field) => return redirect_error("invalid", field),
    };
    match app::inbox::channels::update(&state.app.db, &state.app.channels, &viewer.actor, &id, patch).await {
        Ok(_) => saved("channel"),
        Err(e) => record_error(&viewer, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_secrets_keep_and_empty_settings_clear() {
        let body = ChannelFormBody {
            name: Some("WA".into()),
            address: Some("  ".into()),
            waba_id: Some(" 123 ".into()),
            app_secret: Some(String::new()),
            access_token: Some("new-token".into()),
            smtp_port: Some("587".into()),
            ..ChannelFormBody::default()
        };
        let p = body.patch().unwrap();
        assert_eq!(p.address, Some(None), "an emptied setting is cleared");
        assert_eq!(p.waba_id, Some(Some("123".into())));
        assert_eq!(p.phone_number_id, None, "a field the form did not carry stays");
        assert_eq!(p.app_secret, None, "an empty secret keeps the stored one");
        assert_eq!(p.access_token, Some(Some("new-token".into())));
        assert_eq!(p.smtp_port, Some(Some(587)));
        assert_eq!(p.active, Some(false), "an unchecked box is not sent");
        let bad = ChannelFormBody { smtp_port: Some("25x".into()), ..ChannelFormBody::default() };
        assert_eq!(bad.patch().err(), Some("smtpPort"));
    }
}
