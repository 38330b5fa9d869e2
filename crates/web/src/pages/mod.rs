//! The web UI's pages (server-rendered HTML from the `ui` crate, with htmx for partial updates):
//! sign-in and sign-out, the language switch, the dashboard, the leads grid and a lead's page,
//! the listings grid and a listing's page, the pipeline board, the inbox, tasks and viewings,
//! settings, and the embedded assets.
//! Pages are not API routes (they are not in [`crate::routes::table`] or the OpenAPI document); the page
//! tests cover them, including who may see what.
//!
//! Every page reads through the same use cases (and so the same rules) as the API.

pub mod account;
pub mod assets;
pub mod columns;
pub mod dashboard;
pub mod inbox;
pub mod invite;
pub mod lead;
pub mod lead_deals;
pub mod lead_timeline;
pub mod leads;
pub mod listings;
pub mod pipeline;
pub mod session;
pub mod settings;
pub mod tasks;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use ui::{Template, Tr};

use crate::AppState;
use crate::host::resolve_tenant;

/// The pages' routes (merged into the application router).
pub fn router(state: &AppState) -> Router<AppState> {
    let signed_in = Router::new()
        .route("/", get(dashboard::dashboard))
        .route("/inbox", get(inbox::inbox))
        .route("/inbox/list", get(inbox::list_fragment))
        .route("/inbox/{id}", get(inbox::conversation))
        .route("/inbox/{id}/messages/{message_id}", get(inbox::message_fragment))
        .route("/inbox/{id}/older", get(inbox::older_fragment))
        .route("/inbox/{id}/composer", get(inbox::composer_fragment))
        // Reads its own body (multipart with a file: the upload limit, not the JSON one).
        .route("/inbox/{id}/send", post(inbox::send).layer(axum::extract::DefaultBodyLimit::disable()))
        .route("/leads", get(leads::grid))
        .route("/leads/assign", post(leads::bulk_assign))
        .route("/leads/{id}", get(lead::page))
        .route("/leads/{id}/status", post(lead::change_status))
        .route("/leads/{id}/assign", post(lead::assign))
        .route("/leads/{id}/activities", post(lead::add_activity))
        .route("/leads/{id}/timeline", get(lead_timeline::older))
        .route("/leads/{id}/deals", post(lead_deals::create))
        .route("/listings", get(listings::grid))
        .route("/listings/{id}", get(listings::page))
        .route("/pipeline", get(pipeline::board))
        .route("/pipeline/deals/{id}/stage", post(pipeline::move_deal))
        .route("/pipeline/stages/{stage}", get(pipeline::stage_more))
        .route("/language", post(account::switch_language))
        .route("/tasks", get(tasks::tasks))
        .route("/tasks/{id}/done", post(tasks::done))
        .route("/tasks/{id}/reopen", post(tasks::reopen))
        .route("/settings", get(settings::settings))
        .route("/settings/profile", post(settings::forms::profile))
        .route("/settings/agency", post(settings::agency::time_zone))
        .route("/settings/password", post(settings::forms::password))
        .route("/settings/users", post(settings::forms::invite))
        .route("/settings/users/{id}/deactivate", post(settings::forms::deactivate))
        .route("/settings/users/{id}/activate", post(settings::forms::activate))
        .route("/settings/teams", post(settings::forms::create_team))
        .route("/settings/channels", post(settings::channels::create_channel))
        .route("/settings/channels/{id}", post(settings::forms::update_channel))
        .route("/settings/channels/{id}/delete", post(settings::channels::delete_channel))
        .route("/settings/channels/{id}/templates", post(settings::channels::add_template))
        .route("/settings/channels/{id}/templates/remove", post(settings::channels::remove_template))
        .route_layer(from_fn_with_state(state.clone(), session::require_viewer));
    Router::new()
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
        .route("/invite/{token}", get(invite::invite_page_get).post(invite::invite_page_post))
        .merge(signed_in)
        .route_layer(from_fn_with_state(state.clone(), resolve_tenant))
        .route("/assets/{*path}", get(assets::serve))
}

/// A rendered page, or a plain error page when the template fails (it never should: templates
/// are checked at compile time; a failure is logged).
pub fn html(page: impl Template) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "page rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// The value of a one-choice filter as a list for the use case (`""` = any); an unknown value is
/// ignored, as a stale bookmark should be.
pub(crate) fn pick<T: serde::de::DeserializeOwned>(value: &str) -> Vec<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).map(|v| vec![v]).unwrap_or_default()
}

/// A grid's address: `path` with its non-empty `filters`, then `sort` and `cursor` (the links of
/// sortable headers and pagers keep the filters and replace the order or the page).
pub(crate) fn grid_href(path: &str, filters: &[(&str, &str)], sort: &str, cursor: Option<&str>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters.iter().filter(|(_, v)| !v.is_empty()) {
        s.append_pair(k, v);
    }
    if !sort.is_empty() {
        s.append_pair("sort", sort);
    }
    if let Some(c) = cursor {
        s.append_pair("cursor", c);
    }
    let qs = s.finish();
    if qs.is_empty() { path.to_owned() } else { format!("{path}?{qs}") }
}

/// The answer to a form whose CSRF field is missing or wrong.
pub(crate) fn csrf_refused() -> Response {
    (StatusCode::FORBIDDEN, "CSRF token missing or wrong").into_response()
}

/// The answer when a page fails on our side (the cause is logged where it happened).
pub(crate) fn server_error(tr: Tr) -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, tr.t("error-server")).into_response()
}

/// The answer for a page that does not exist or that the reader may not see (never told apart).
pub fn not_found(tr: Tr) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"{}\" dir=\"{}\"><meta charset=\"utf-8\"><title>404</title><p>{}</p><p><a href=\"/\">↩</a></p></html>",
        tr.lang_tag(),
        tr.dir(),
        tr.t("error-not-found")
    );
    (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}
