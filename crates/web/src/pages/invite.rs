//! `GET /invite/{token}` and `POST /invite/{token}`: the set-password page of a link an admin made
//! on the settings page (`app::users::set_password_link`), on the agency's host, in the agency's
//! language, for someone not signed in. The form is checked like the sign-in form (same origin);
//! a password set goes through `app::users::set_password_with_link`, which opens a login exactly
//! as signing in does (the same cookies), then the browser goes to `/`.
//!
//! A link that does not work (tampered, expired, already used, another agency's, a deactivated
//! user) is one 404 page, whatever the reason, and nothing changes. The token is a credential: the
//! request span logs `/invite/…` without it (`crate::telemetry`), and the pages are `no-store`,
//! `no-referrer`.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use app::auth::AuthError;
use app::records::RecordError;
use app::tenants::Tenant;
use app::users::{MIN_PASSWORD_CHARS, UserError};
use domain::Locale;
use ui::pages::invite::InvitePage;
use ui::{Shell, Tr};

use super::{html, not_found};
use crate::AppState;
use crate::auth::is_secure;
use crate::cookies;
use crate::handlers::auth::session_cookies;
use crate::host::HostTenant;

fn shell(tenant: &Tenant, tr: Tr) -> Shell {
    Shell {
        tr,
        title: tr.t("invite-password"),
        agency: tenant.name.clone(),
        user: None,
        section: ui::Section::None,
        csrf: String::new(),
        path: "/invite".into(),
        flash: None,
    }
}

/// The page with `status`, kept out of caches and referrers.
fn page(status: StatusCode, page: InvitePage) -> Response {
    let mut res = (status, html(page)).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    res
}

/// The form for `user` (name, e-mail), or the page of a link that does not work.
fn invite_page(tenant: &Tenant, token: &str, user: Option<(String, String)>, error: Option<String>) -> InvitePage {
    let tr = Tr::new(tenant.default_locale);
    InvitePage {
        shell: shell(tenant, tr),
        user,
        action: format!("/invite/{token}"),
        error,
        min_chars: MIN_PASSWORD_CHARS,
    }
}

fn not_working(tenant: &Tenant) -> Response {
    page(StatusCode::NOT_FOUND, invite_page(tenant, "", None, None))
}

/// `GET /invite/{token}`: the set-password form while the link works.
pub async fn invite_page_get(State(state): State<AppState>, host: HostTenant, Path(token): Path<String>) -> Response {
    let Some(tenant) = host.tenant() else { return not_found(Tr::new(Locale::En)) };
    match app::users::link_user(&state.app.auth, tenant, &token).await {
        Ok(user) => page(StatusCode::OK, invite_page(tenant, &token, Some((user.name, user.email)), None)),
        Err(UserError::Auth(AuthError::InvalidToken)) => not_working(tenant),
        Err(e) => {
            tracing::error!(error = %e, "set-password page");
            super::server_error(Tr::new(tenant.default_locale))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /invite/{token}`: sets the password, signs the user in and goes to `/`.
pub async fn invite_page_post(
    State(state): State<AppState>,
    host: HostTenant,
    headers: HeaderMap,
    uri: Uri,
    Path(token): Path<String>,
    Form(form): Form<SetPasswordForm>,
) -> Response {
    let Some(tenant) = host.tenant() else { return not_found(Tr::new(Locale::En)) };
    let tr = Tr::new(tenant.default_locale);
    if cookies::check_same_origin(&headers).is_err() {
        return super::csrf_refused();
    }
    // The link first: a form for a link that does not work says so, whatever was typed.
    let user = match app::users::link_user(&state.app.auth, tenant, &token).await {
        Ok(user) => user,
        Err(UserError::Auth(AuthError::InvalidToken)) => return not_working(tenant),
        Err(e) => {
            tracing::error!(error = %e, "set-password form");
            return super::server_error(tr);
        }
    };
    let again = |key: &str| {
        let p = invite_page(tenant, &token, Some((user.name.clone(), user.email.clone())), Some(tr.t(key)));
        page(StatusCode::BAD_REQUEST, p)
    };
    if form.password != form.confirm {
        return again("invite-error-mismatch");
    }
    match app::users::set_password_with_link(&state.app.db, &state.app.auth, tenant, &token, form.password).await {
        Ok(session) => {
            tracing::info!(user_id = %session.user.id, tenant_id = %tenant.id, "password set through a link (web)");
            let mut res = Redirect::to("/").into_response();
            for c in session_cookies(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl).1 {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(UserError::Record(RecordError::Invalid { code: "user.weak_password", .. }) | UserError::WeakPassword) => {
            again("invite-error-weak")
        }
        Err(UserError::Auth(AuthError::InvalidToken)) => not_working(tenant),
        Err(e) => {
            tracing::error!(error = %e, "set-password form");
            super::server_error(tr)
        }
    }
}
