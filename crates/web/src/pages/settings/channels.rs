//! The settings page's channel-account forms beyond the edit ([`super::forms::update_channel`]):
//! create an account of a kind, delete one (a confirmation box is required), add and remove a
//! WhatsApp account's templates — each through `app::inbox::channels` as the reader (admins; a
//! refusal is a 403, another agency's account a 404). Secrets go from the form to the use case
//! and nowhere else: never into a redirect, a notice or a log line.
//!
//! Also the webhook addresses each account needs at its provider ([`webhooks`]).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use app::inbox::channels::templates::{NewTemplate, add, remove};
use app::inbox::channels::{ChannelKind, ChannelView, NewChannel};
use app::records::RecordError;
use ui::Tr;
use ui::pages::settings::Webhook;

use super::forms::{ChannelFormBody, plain, record_error, redirect_error, secret};
use super::saved;
use crate::AppState;
use crate::auth::is_secure;
use crate::pages::csrf_refused;
use crate::pages::session::{Viewer, check_form_csrf};

impl ChannelFormBody {
    /// The new account the create form describes (`kind` from the form).
    pub(super) fn new_channel(self, kind: ChannelKind) -> Result<NewChannel, &'static str> {
        let flat = |v: Option<String>| plain(v).flatten();
        let smtp_port = match flat(self.smtp_port) {
            None => None,
            Some(p) => Some(p.parse::<i64>().map_err(|_| "smtpPort")?),
        };
        Ok(NewChannel {
            kind: Some(kind),
            name: self.name.unwrap_or_default(),
            active: Some(true),
            phone_number_id: flat(self.phone_number_id),
            waba_id: flat(self.waba_id),
            address: flat(self.address),
            sms_account_sid: flat(self.sms_account_sid),
            inbound_address: flat(self.inbound_address),
            smtp_host: flat(self.smtp_host),
            smtp_port,
            smtp_username: flat(self.smtp_username),
            templates: None,
            access_token: secret(self.access_token).flatten(),
            app_secret: secret(self.app_secret).flatten(),
            verify_token: secret(self.verify_token).flatten(),
            auth_token: secret(self.auth_token).flatten(),
            inbound_secret: secret(self.inbound_secret).flatten(),
            smtp_password: secret(self.smtp_password).flatten(),
        })
    }
}

/// `POST /settings/channels`: creates an account of the form's `kind` (admins), then shows it
/// with the addresses to set up at the provider.
pub async fn create_channel(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<ChannelFormBody>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    let Some(kind) = form.kind.as_deref().and_then(ChannelKind::parse) else {
        return redirect_error("invalid", "kind");
    };
    let new = match form.new_channel(kind) {
        Ok(n) => n,
        Err(field) => return redirect_error("invalid", field),
    };
    match app::inbox::channels::create(&state.app.db, &state.app.channels, &viewer.actor, new).await {
        Ok(channel) => {
            tracing::info!(channel_id = %channel.id, kind = kind.as_str(), "channel account created (web)");
            Redirect::to(&format!("/settings?ok=channel-created#channel-{}", channel.id)).into_response()
        }
        Err(e) => record_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    /// The confirmation box: present when ticked.
    confirm: Option<String>,
}

/// `POST /settings/channels/{id}/delete`: deletes the account with its conversations and
/// messages (admins), only with the confirmation box ticked.
pub async fn delete_channel(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DeleteForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    if form.confirm.is_none() {
        // The reader must be allowed to delete it before being asked to confirm.
        return match app::inbox::channels::get(&state.app.db, &viewer.actor, &id).await {
            Ok(_) if viewer.actor.role == domain::Role::Admin => redirect_error("confirm-delete", ""),
            Ok(_) => record_error(&viewer, RecordError::Forbidden),
            Err(e) => record_error(&viewer, e),
        };
    }
    match app::inbox::channels::delete(&state.app.db, &viewer.actor, &id).await {
        Ok(()) => {
            tracing::info!(channel_id = %id, "channel account deleted (web)");
            saved("channel-deleted")
        }
        Err(e) => record_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    body: String,
}

/// The answer to a refused template edit: a notice naming what is wrong.
fn template_error(viewer: &Viewer, e: RecordError) -> Response {
    match e {
        RecordError::Invalid { code: "channel.invalid_templates", field } => {
            let key = match field.rsplit('.').next().unwrap_or_default() {
                "name" => "template-name",
                "languages" => "template-language",
                "category" => "template-category",
                "params" => "template-params",
                _ if field.contains(".bodies.") || field.ends_with(".bodies") => "template-body",
                _ => "template-name",
            };
            redirect_error(key, "")
        }
        RecordError::Conflict { code: "channel.template_exists", .. } => redirect_error("template-exists", ""),
        e => record_error(viewer, e),
    }
}

/// `POST /settings/channels/{id}/templates`: adds a template in one language (admins).
pub async fn add_template(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<TemplateForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    if form.language.trim().is_empty() {
        return redirect_error("template-language", "");
    }
    let new = NewTemplate {
        name: form.name,
        language: form.language,
        category: Some(form.category).filter(|c| !c.trim().is_empty()),
        body: form.body,
    };
    match add(&state.app.db, &state.app.channels, &viewer.actor, &id, new).await {
        Ok(_) => Redirect::to(&format!("/settings?ok=template-added#templates-{id}")).into_response(),
        Err(e) => template_error(&viewer, e),
    }
}

#[derive(Debug, Deserialize)]
pub struct RemoveTemplateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
}

/// `POST /settings/channels/{id}/templates/remove`: removes a template in one language (admins).
pub async fn remove_template(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RemoveTemplateForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return csrf_refused();
    }
    match remove(&state.app.db, &state.app.channels, &viewer.actor, &id, &form.name, &form.language).await {
        Ok(_) => Redirect::to(&format!("/settings?ok=template-removed#templates-{id}")).into_response(),
        Err(e) => template_error(&viewer, e),
    }
}

/// Where providers reach this server: `server.public_url`, else this request's scheme and port on
/// the bare base domain (webhooks are served on the bare host).
pub(super) fn public_base(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    if let Some(url) = &state.app.channels.public_url {
        return url.trim_end_matches('/').to_owned();
    }
    let scheme = if is_secure(state, headers, uri) { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let port = host.rsplit_once(':').map(|(_, p)| p).filter(|p| p.bytes().all(|b| b.is_ascii_digit()));
    match port {
        Some(p) => format!("{scheme}://{}:{p}", state.settings.base_domain),
        None => format!("{scheme}://{}", state.settings.base_domain),
    }
}

/// The addresses `channel`'s provider must call, with how each is authenticated.
pub(super) fn webhooks(tr: Tr, base: &str, channel: &ChannelView) -> Vec<Webhook> {
    let hook = |label: &str, path: String, note: &str| Webhook {
        label: tr.t(label),
        url: format!("{base}{path}"),
        note: tr.t(note),
    };
    match channel.kind {
        ChannelKind::Whatsapp => {
            vec![hook("settings-webhook-whatsapp", "/webhooks/whatsapp".into(), "settings-webhook-whatsapp-note")]
        }
        ChannelKind::Sms => vec![
            hook("settings-webhook-sms", "/webhooks/sms".into(), "settings-webhook-sms-note"),
            hook("settings-webhook-sms-status", "/webhooks/sms/status".into(), "settings-webhook-sms-status-note"),
        ],
        ChannelKind::Email => {
            let mailbox = channel.inbound_address.clone().unwrap_or_else(|| channel.id.clone());
            let mailbox: String = form_urlencoded::byte_serialize(mailbox.as_bytes()).collect();
            // `@` is fine in a path segment and reads better.
            let mailbox = mailbox.replace("%40", "@");
            vec![hook("settings-webhook-email", format!("/webhooks/email/{mailbox}"), "settings-webhook-email-note")]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_form_becomes_a_new_channel_without_empty_values() {
        let body = ChannelFormBody {
            name: Some("SMS main".into()),
            address: Some(" +971501234567 ".into()),
            sms_account_sid: Some("AC123".into()),
            auth_token: Some("tok".into()),
            smtp_host: Some("  ".into()),
            app_secret: Some(String::new()),
            ..ChannelFormBody::default()
        };
        let n = body.new_channel(ChannelKind::Sms).unwrap();
        assert_eq!(n.kind, Some(ChannelKind::Sms));
        assert_eq!(n.address.as_deref(), Some("+971501234567"));
        assert_eq!((n.smtp_host, n.app_secret), (None, None), "empty inputs are absent");
        assert_eq!(n.auth_token.as_deref(), Some("tok"));
        let bad = ChannelFormBody { smtp_port: Some("x".into()), ..ChannelFormBody::default() };
        assert_eq!(bad.new_channel(ChannelKind::Email).err(), Some("smtpPort"));
    }
}
