//! Signing in and out with a form, and switching the interface language.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use app::auth::AuthError;
use app::users::MePatch;
use domain::Locale;
use ui::pages::login::LoginPage;
use ui::{Shell, Tr};

use super::session::{Viewer, check_form_csrf, local_path};
use super::{html, not_found};
use crate::AppState;
use crate::auth::is_secure;
use crate::client_ip::ClientIp;
use crate::cookies;
use crate::handlers::auth::session_cookies;
use crate::host::HostTenant;

#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

fn login_shell(tenant: &app::tenants::Tenant, tr: Tr) -> Shell {
    Shell {
        tr,
        title: tr.t("login-submit"),
        agency: tenant.name.clone(),
        user: None,
        section: ui::Section::None,
        csrf: String::new(),
        path: "/login".into(),
        flash: None,
    }
}

/// `GET /login`: the form, in the agency's default language.
pub async fn login_page(host: HostTenant, Query(q): Query<NextQuery>) -> Response {
    let Some(tenant) = host.tenant() else { return not_found(Tr::new(Locale::En)) };
    let tr = Tr::new(tenant.default_locale);
    let next = local_path(q.next.as_deref().unwrap_or("/")).to_owned();
    html(LoginPage { shell: login_shell(tenant, tr), next, email: String::new(), error: None })
}

/// `POST /login`: signs in and sets the session cookies, then goes to `next`; a failure shows
/// the form again with the e-mail kept.
pub async fn login(
    State(state): State<AppState>,
    host: HostTenant,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<LoginForm>,
) -> Response {
    let Some(tenant) = host.tenant() else { return not_found(Tr::new(Locale::En)) };
    let tr = Tr::new(tenant.default_locale);
    let next = local_path(&form.next).to_owned();
    let failed = |status: StatusCode, message: &str| {
        let page = LoginPage {
            shell: login_shell(tenant, tr),
            next: next.clone(),
            email: form.email.clone(),
            error: Some(tr.t(message)),
        };
        (status, html(page)).into_response()
    };
    if cookies::check_same_origin(&headers).is_err() {
        return failed(StatusCode::FORBIDDEN, "login-error");
    }
    match state.app.auth.login(tenant, &form.email, form.password.clone(), ip.as_deref()).await {
        Ok(session) => {
            tracing::info!(user_id = %session.user.id, tenant_id = %tenant.id, "login (web)");
            let mut res = Redirect::to(&next).into_response();
            for c in session_cookies(&session, is_secure(&state, &headers, &uri), state.settings.refresh_ttl).1 {
                res.headers_mut().append(header::SET_COOKIE, c);
            }
            res
        }
        Err(AuthError::InvalidCredentials) => failed(StatusCode::UNAUTHORIZED, "login-failed"),
        Err(AuthError::RateLimited(_)) => failed(StatusCode::TOO_MANY_REQUESTS, "login-rate-limited"),
        Err(e) => {
            tracing::error!(error = %e, "web login failed");
            failed(StatusCode::INTERNAL_SERVER_ERROR, "login-error")
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /logout`: revokes the login and clears the cookies.
pub async fn logout(
    State(state): State<AppState>,
    host: HostTenant,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<CsrfForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return super::csrf_refused();
    }
    if let Some(token) = cookies::get(&headers, cookies::REFRESH)
        && let Err(e) = state.app.auth.logout(&token, host.tenant()).await
    {
        tracing::debug!(error = %e, "logout of an unknown session");
    }
    let mut res = Redirect::to("/login").into_response();
    for v in cookies::clear_all(is_secure(&state, &headers, &uri)) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    locale: String,
    #[serde(default)]
    back: String,
}

/// `POST /language`: stores the reader's language and shows the page they were on in it (with
/// htmx the body is swapped and `<html lang dir>` follow; no full reload).
pub async fn switch_language(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return super::csrf_refused();
    }
    let Ok(locale) = Locale::parse(&form.locale) else {
        return (StatusCode::BAD_REQUEST, "unsupported language").into_response();
    };
    if let Err(e) =
        app::users::update_me(&state.app.db, &viewer.actor, MePatch { name: None, locale: Some(locale) }).await
    {
        tracing::error!(error = %e, "language switch failed");
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    }
    Redirect::to(local_path(&form.back)).into_response()
}
