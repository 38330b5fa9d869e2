//! The web UI's session: the access cookie, renewed from the refresh cookie when it has expired,
//! and the double-submit CSRF token forms carry. Pages that need a user go through
//! [`require_viewer`]; without a session they redirect to the sign-in page (htmx requests get
//! `HX-Redirect`, so the whole page goes there).

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use app::Actor;
use app::tenants::Tenant;
use ui::{Shell, Tr, UserBadge};

use crate::AppState;
use crate::auth::is_secure;
use crate::cookies;
use crate::host::HostTenant;

/// The signed-in reader of a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub tenant: Tenant,
    pub name: String,
    pub csrf: String,
}

impl Viewer {
    /// The reader's language, with times in the agency's zone.
    pub fn tr(&self) -> Tr {
        Tr::new(self.actor.locale).in_zone(self.tenant.time_zone)
    }

    /// The page frame for this reader.
    pub fn shell(&self, section: ui::Section, title: String, path: &str) -> Shell {
        Shell {
            tr: self.tr(),
            title,
            agency: self.tenant.name.clone(),
            user: Some(UserBadge { name: self.name.clone(), role: self.actor.role.as_str().to_owned() }),
            section,
            csrf: self.csrf.clone(),
            path: path.to_owned(),
            flash: None,
        }
    }

    /// Managers and admins (assign, see colleagues' work).
    pub fn manages(&self) -> bool {
        !matches!(self.actor.role, app::Role::Agent)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // Only routes behind `require_viewer` extract it.
        parts.extensions.get::<Viewer>().cloned().ok_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Where an unauthenticated request is sent: the sign-in page, coming back here after.
fn to_login(req_path: &str, htmx: bool) -> Response {
    let target = format!("/login?next={}", form_urlencoded::byte_serialize(req_path.as_bytes()).collect::<String>());
    if htmx {
        let mut res = StatusCode::NO_CONTENT.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            res.headers_mut().insert("hx-redirect", v);
        }
        return res;
    }
    Redirect::to(&target).into_response()
}

/// A local path to return to (`/leads?x=1`), never another site (`//evil`, `https://…`).
pub fn local_path(next: &str) -> &str {
    let ok =
        next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.contains(['\r', '\n']);
    if ok { next } else { "/" }
}

/// Middleware for signed-in pages: finds the session (renewing it from the refresh cookie when
/// the access token has expired) and puts a [`Viewer`] in the request, or redirects to sign-in.
pub async fn require_viewer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let host = req.extensions().get::<HostTenant>().cloned().unwrap_or(HostTenant::Bare);
    let Some(tenant) = host.tenant().cloned() else {
        return crate::pages::not_found(ui::Tr::new(domain::Locale::En));
    };
    let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let htmx = req.headers().contains_key("hx-request");
    let headers = req.headers().clone();
    let secure = is_secure(&state, &headers, req.uri());
    let mut set_cookies: Vec<HeaderValue> = Vec::new();

    let mut actor = None;
    if let Some(token) = cookies::get(&headers, cookies::ACCESS) {
        actor = state.app.auth.current_actor(&token, Some(&tenant)).await.ok();
    }
    if actor.is_none()
        && let Some(refresh) = cookies::get(&headers, cookies::REFRESH)
        && let Ok(session) = state.app.auth.refresh(&refresh, Some(&tenant)).await
    {
        actor = state.app.auth.current_actor(&session.access_token, Some(&tenant)).await.ok();
        set_cookies.extend(cookies::set(
            cookies::ACCESS,
            &session.access_token,
            session.expires_in.as_secs(),
            true,
            secure,
        ));
        set_cookies.extend(cookies::set(
            cookies::REFRESH,
            &session.refresh_token,
            state.settings.refresh_ttl.as_secs(),
            true,
            secure,
        ));
    }
    let Some(actor) = actor else { return to_login(&path, htmx) };
    let csrf = match cookies::get(&headers, cookies::CSRF) {
        Some(c) => c,
        None => {
            let c = cookies::new_csrf_token();
            set_cookies.extend(cookies::set(cookies::CSRF, &c, state.settings.refresh_ttl.as_secs(), false, secure));
            c
        }
    };
    let name = match app::users::me(&state.app.db, &actor).await {
        Ok(u) => u.name,
        Err(_) => return to_login(&path, htmx),
    };
    if let Some(slot) = req.extensions().get::<crate::locale::LocaleSlot>() {
        slot.set_user(actor.locale);
    }
    req.extensions_mut().insert(Viewer { actor, tenant, name, csrf });
    let mut res = next.run(req).await;
    for c in set_cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Checks a form's CSRF field against the cookie (double submit), for forms posted by pages.
pub fn check_form_csrf(headers: &HeaderMap, sent: &str) -> bool {
    use subtle::ConstantTimeEq;
    match cookies::get(headers, cookies::CSRF) {
        Some(cookie) => !sent.is_empty() && bool::from(cookie.as_bytes().ct_eq(sent.as_bytes())),
        None => false,
    }
}
