//! `GET /settings`: the reader's profile (name, language, password) and, for admins, the users,
//! teams and channel accounts of the agency. Everything is read through the use cases under the
//! reader's rules; the admin sections are simply not rendered for others, and their form posts
//! ([`forms`]) are refused by the use cases (403), not by this page.
//!
//! Channel secrets are write-only: `app::inbox::channels` answers only whether each is set, and
//! the edit form's secret inputs are always empty (an empty one keeps the stored secret).

pub mod agency;
pub mod channels;
pub mod forms;

use std::collections::HashMap;

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};

use app::inbox::channels::templates::CATEGORIES;
use app::inbox::channels::{ChannelKind, ChannelView, SecretFlags};
use app::records::PageQuery;
use app::users::{ListUsers, UserView};
use domain::Role;
use ui::pages::Opt;
use ui::pages::settings::{
    AdminSections, ChannelField, ChannelForm, LinkPanel, NewChannelForm, Profile, SecretField, SettingsPage, TeamRow,
    TemplateRow, UserRow,
};
use ui::{Flash, Section, Tr};

use super::html;
use super::session::Viewer;
use crate::AppState;

/// Notices after a saved form (`?ok=`), each `settings-saved-{key}`.
const SAVED: &[&str] = &[
    "profile",
    "password",
    "invited",
    "deactivated",
    "activated",
    "team",
    "channel",
    "agency",
    "channel-created",
    "channel-deleted",
    "template-added",
    "template-removed",
];
/// Errors after a refused form (`?error=`), each `settings-error-{key}`; `invalid` and `taken`
/// name the field (`&field=`).
const ERRORS: &[&str] = &[
    "invalid",
    "taken",
    "wrong-password",
    "weak-password",
    "rate-limited",
    "last-admin",
    "confirm-delete",
    "template-name",
    "template-language",
    "template-category",
    "template-body",
    "template-params",
    "template-exists",
    "link-unavailable",
];
const LIST_LIMIT: u32 = 100;

/// `GET /settings` (`?link={user id}`: with a fresh set-password link for that user, admins).
pub async fn settings(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let me = match app::users::me(&state.app.db, &viewer.actor).await {
        Ok(me) => me,
        Err(e) => return server_error(tr, &e),
    };
    let mut shell = viewer.shell(Section::Settings, tr.t("settings-title"), "/settings");
    shell.flash = flash(tr, raw.as_deref());
    let link_for = query(raw.as_deref()).remove("link").filter(|id| !id.is_empty());
    let admin = if viewer.actor.role == Role::Admin {
        let base = channels::public_base(&state, &headers, &uri);
        match admin_sections(&state, &viewer, &base).await {
            Ok(mut a) => {
                if let Some(id) = &link_for {
                    match link_panel(&state, &viewer, &headers, &uri, id).await {
                        Some(panel) => a.link = Some(panel),
                        None => {
                            shell.flash = Some(Flash { text: tr.t("settings-error-link-unavailable"), error: true })
                        }
                    }
                }
                Some(a)
            }
            Err(e) => return server_error(tr, &e),
        }
    } else {
        None
    };
    let profile = Profile { name: me.name, email: me.email, role: tr.label("role", me.role.as_str()) };
    let has_link = admin.as_ref().is_some_and(|a| a.link.is_some());
    let mut res = html(SettingsPage { shell, profile, admin });
    if has_link {
        // The page holds a credential: keep it out of caches and out of other sites' logs.
        let h = res.headers_mut();
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    res
}

/// A fresh set-password link for user `id`, made as the reader (`None` when the use case
/// refuses: not an admin, another agency's user, a deactivated one). The link is on this
/// agency's host, as the reader reached it.
async fn link_panel(state: &AppState, viewer: &Viewer, headers: &HeaderMap, uri: &Uri, id: &str) -> Option<LinkPanel> {
    let tr = viewer.tr();
    let link = match app::users::set_password_link(&state.app.db, &state.app.auth, &viewer.actor, id).await {
        Ok(l) => l,
        Err(e) => {
            tracing::debug!(error = %e, "no set-password link");
            return None;
        }
    };
    let scheme = if crate::auth::is_secure(state, headers, uri) { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let expires = chrono::DateTime::from_timestamp(link.expires_at, 0).unwrap_or_default();
    let expires = ui::format::date_time(&expires.to_rfc3339(), tr.locale, tr.zone);
    tracing::info!(user_id = %link.user.id, "set-password link made (web)");
    Some(LinkPanel { name: link.user.name, url: format!("{scheme}://{host}/invite/{}", link.token), expires })
}

/// Back to the settings page with notice `key` and a set-password link for user `id`.
pub(crate) fn with_link(key: &'static str, id: &str) -> Response {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("ok", key);
    q.append_pair("link", id);
    Redirect::to(&format!("/settings?{}#set-password-link", q.finish())).into_response()
}

fn query(raw: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect()
}

fn server_error(tr: Tr, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "settings page");
    crate::pages::server_error(tr)
}

/// The notice named by the query string, if it names a known one.
fn flash(tr: Tr, raw: Option<&str>) -> Option<Flash> {
    let q = query(raw);
    if let Some(key) = q.get("ok").and_then(|k| SAVED.iter().find(|s| **s == k)) {
        return Some(Flash { text: tr.t(&format!("settings-saved-{key}")), error: false });
    }
    let key = q.get("error").and_then(|k| ERRORS.iter().find(|s| **s == k))?;
    let text = match *key {
        "invalid" | "taken" => {
            let field = q.get("field").map_or("", String::as_str);
            tr.with(&format!("settings-error-{key}"), "name", &field_label(tr, field))
        }
        key => tr.t(&format!("settings-error-{key}")),
    };
    Some(Flash { text, error: true })
}

/// The plain settings of each channel kind, with their input type and direction.
fn plain_fields(kind: ChannelKind) -> &'static [(&'static str, &'static str, bool)] {
    match kind {
        ChannelKind::Whatsapp => {
            &[("address", "text", true), ("phoneNumberId", "text", true), ("wabaId", "text", true)]
        }
        ChannelKind::Sms => &[("address", "text", true), ("smsAccountSid", "text", true)],
        ChannelKind::Email => &[
            ("address", "email", true),
            ("inboundAddress", "email", true),
            ("smtpHost", "text", true),
            ("smtpPort", "number", true),
            ("smtpUsername", "text", true),
        ],
    }
}

/// The secrets of each channel kind.
fn secret_fields(kind: ChannelKind) -> &'static [&'static str] {
    match kind {
        ChannelKind::Whatsapp => &["accessToken", "appSecret", "verifyToken"],
        ChannelKind::Sms => &["authToken"],
        ChannelKind::Email => &["inboundSecret", "smtpPassword"],
    }
}

/// Every form field a channel kind may post (plain and secret).
pub(crate) fn channel_field_names() -> impl Iterator<Item = &'static str> {
    [ChannelKind::Whatsapp, ChannelKind::Sms, ChannelKind::Email]
        .into_iter()
        .flat_map(|k| plain_fields(k).iter().map(|(n, _, _)| *n).chain(secret_fields(k).iter().copied()))
}

/// A field's label for an error notice: the form's label when it is one of ours.
fn field_label(tr: Tr, field: &str) -> String {
    let id = match field {
        "name" => "settings-name".to_owned(),
        "email" => "col-email".to_owned(),
        "role" => "settings-role".to_owned(),
        "teamId" => "settings-team".to_owned(),
        "managerId" => "settings-team-manager".to_owned(),
        "newPassword" => "settings-new-password".to_owned(),
        "timeZone" => "settings-time-zone".to_owned(),
        "kind" => "settings-new-channel".to_owned(),
        f if channel_field_names().any(|n| n == f) => format!("field-{f}"),
        // Not one of ours: shown as sent, which `forms::redirect_error` keeps to a short identifier.
        f => return f.to_owned(),
    };
    tr.t(&id)
}

/// Users, teams and channel accounts, read as the admin.
async fn admin_sections(state: &AppState, viewer: &Viewer, base: &str) -> Result<AdminSections, String> {
    let tr = viewer.tr();
    let (db, actor) = (&state.app.db, &viewer.actor);
    let page = PageQuery { limit: Some(LIST_LIMIT), ..PageQuery::default() };
    let users = app::users::list(db, actor, ListUsers { page: page.clone(), ..ListUsers::default() })
        .await
        .map_err(|e| e.to_string())?
        .items;
    let teams = app::teams::list(db, actor, page.clone()).await.map_err(|e| e.to_string())?.items;
    let accounts = app::inbox::channels::list(db, actor, page).await.map_err(|e| e.to_string())?.items;

    let team_name: HashMap<&str, &str> = teams.iter().map(|t| (t.id.as_str(), t.name.as_str())).collect();
    let user_name: HashMap<&str, &str> = users.iter().map(|u| (u.id.as_str(), u.name.as_str())).collect();
    let rows = users
        .iter()
        .map(|u: &UserView| UserRow {
            id: u.id.clone(),
            name: u.name.clone(),
            email: u.email.clone(),
            role: tr.label("role", u.role.as_str()),
            team: u.team_id.as_deref().and_then(|t| team_name.get(t)).map(|n| (*n).to_owned()),
            active: u.active,
            is_self: u.id == actor.user_id,
        })
        .collect();
    let team_rows = teams
        .iter()
        .map(|t| TeamRow {
            name: t.name.clone(),
            manager: t.manager_id.as_deref().and_then(|m| user_name.get(m)).map(|n| (*n).to_owned()),
            members: tr.n("settings-members", i64::try_from(t.members.len()).unwrap_or(i64::MAX)),
        })
        .collect();
    Ok(AdminSections {
        agency: agency::form(tr),
        users: rows,
        teams: team_rows,
        channels: accounts.iter().map(|c| channel_form(tr, base, c)).collect(),
        roles: [Role::Agent, Role::Manager, Role::Admin]
            .iter()
            .map(|r| Opt::new(r.as_str(), tr.label("role", r.as_str()), *r == Role::Agent))
            .collect(),
        team_options: teams.iter().map(|t| Opt::new(&t.id, &t.name, false)).collect(),
        managers: users
            .iter()
            .filter(|u| u.active && matches!(u.role, Role::Manager | Role::Admin))
            .map(|u| Opt::new(&u.id, &u.name, false))
            .collect(),
        new_channels: KINDS.iter().map(|k| new_channel_form(tr, *k)).collect(),
        link: None,
        template_languages: ["ar", "en"].iter().map(|l| Opt::new(*l, tr.label("language", l), false)).collect(),
        template_categories: CATEGORIES
            .iter()
            .map(|c| Opt::new(*c, tr.t(&format!("template-category-{c}")), *c == "UTILITY"))
            .collect(),
        webhook_warning: state.app.channels.public_url.is_none().then(|| tr.t("settings-webhook-no-public-url")),
    })
}

const KINDS: [ChannelKind; 3] = [ChannelKind::Whatsapp, ChannelKind::Sms, ChannelKind::Email];

/// What a kind cannot work without (as `app::inbox::channels` checks it).
fn required(kind: ChannelKind, field: &str) -> bool {
    let fields: &[&str] = match kind {
        ChannelKind::Whatsapp => &["phoneNumberId", "appSecret"],
        ChannelKind::Sms => &["address", "smsAccountSid", "authToken"],
        ChannelKind::Email => &["inboundAddress", "inboundSecret"],
    };
    fields.contains(&field)
}

/// The empty form that creates an account of `kind`.
fn new_channel_form(tr: Tr, kind: ChannelKind) -> NewChannelForm {
    NewChannelForm {
        kind: kind.as_str().to_owned(),
        kind_label: tr.label("channel", kind.as_str()),
        fields: plain_fields(kind)
            .iter()
            .map(|(name, input, ltr)| ChannelField {
                name,
                label: tr.t(&format!("field-{name}")),
                value: String::new(),
                input,
                ltr: *ltr,
                required: required(kind, name),
            })
            .collect(),
        secrets: secret_fields(kind)
            .iter()
            .map(|name| SecretField {
                name,
                label: tr.t(&format!("field-{name}")),
                set: false,
                status: String::new(),
                required: required(kind, name),
            })
            .collect(),
    }
}

/// A WhatsApp account's templates, one row per name and language.
fn template_rows(tr: Tr, templates: Option<&serde_json::Value>) -> Vec<TemplateRow> {
    use serde_json::Value;
    let mut rows = Vec::new();
    for t in templates.and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = t.get("name").and_then(Value::as_str) else { continue };
        let category = t
            .get("category")
            .and_then(Value::as_str)
            .map_or_else(String::new, |c| tr.t(&format!("template-category-{c}")));
        for language in t.get("languages").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            let body = t.get("bodies").and_then(|b| b.get(language)).and_then(Value::as_str).unwrap_or_default();
            let params = app::inbox::channels::templates::params(body)
                .filter(|_| !body.is_empty())
                .map(|n| tr.n("settings-template-params", i64::try_from(n).unwrap_or(0)))
                .unwrap_or_default();
            let language_label = match language {
                "ar" | "en" => tr.label("language", language),
                other => other.to_owned(),
            };
            rows.push(TemplateRow {
                name: name.to_owned(),
                language: language.to_owned(),
                language_label,
                category: category.clone(),
                body: body.to_owned(),
                params,
            });
        }
    }
    rows
}

/// A channel account's edit form: its settings, for each secret only whether it is set, the
/// addresses to set up at the provider (`base`: where providers reach this server) and, for
/// WhatsApp, its templates.
fn channel_form(tr: Tr, base: &str, c: &ChannelView) -> ChannelForm {
    let value = |name: &str| -> String {
        match name {
            "address" => c.address.clone(),
            "phoneNumberId" => c.phone_number_id.clone(),
            "wabaId" => c.waba_id.clone(),
            "smsAccountSid" => c.sms_account_sid.clone(),
            "inboundAddress" => c.inbound_address.clone(),
            "smtpHost" => c.smtp_host.clone(),
            "smtpPort" => c.smtp_port.map(|p| p.to_string()),
            "smtpUsername" => c.smtp_username.clone(),
            _ => None,
        }
        .unwrap_or_default()
    };
    let flags = c.secrets.clone().unwrap_or_default();
    ChannelForm {
        id: c.id.clone(),
        kind: c.kind.as_str().to_owned(),
        kind_label: tr.label("channel", c.kind.as_str()),
        name: c.name.clone(),
        active: c.active,
        sandbox: c.sandbox,
        fields: plain_fields(c.kind)
            .iter()
            .map(|(name, input, ltr)| ChannelField {
                name,
                label: tr.t(&format!("field-{name}")),
                value: value(name),
                input,
                ltr: *ltr,
                required: required(c.kind, name),
            })
            .collect(),
        secrets: secret_fields(c.kind)
            .iter()
            .map(|name| {
                let set = is_set(&flags, name);
                SecretField {
                    name,
                    label: tr.t(&format!("field-{name}")),
                    set,
                    status: tr.t(if set { "settings-secret-set" } else { "settings-secret-not-set" }),
                    required: false,
                }
            })
            .collect(),
        webhooks: channels::webhooks(tr, base, c),
        templates: (c.kind == ChannelKind::Whatsapp).then(|| template_rows(tr, c.templates.as_ref())),
    }
}

fn is_set(flags: &SecretFlags, name: &str) -> bool {
    match name {
        "accessToken" => flags.access_token,
        "appSecret" => flags.app_secret,
        "verifyToken" => flags.verify_token,
        "authToken" => flags.auth_token,
        "inboundSecret" => flags.inbound_secret,
        "smtpPassword" => flags.smtp_password,
        _ => false,
    }
}

/// Back to the settings page with a notice.
pub(crate) fn saved(key: &'static str) -> Response {
    Redirect::to(&format!("/settings?ok={key}")).into_response()
}
