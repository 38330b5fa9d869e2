//! The web UI's pages (server-rendered HTML from the `ui` crate, with htmx for partial updates):
//! sign-in and sign-out, the language switch, the leads grid, and the embedded assets. Pages are
//! not API routes (they are not in [`crate::routes::table`] or the OpenAPI document); the page
//! tests cover them, including who may see what.
//!
//! Every page reads through the same use cases (and so the same rules) as the API.

pub mod account;
pub mod assets;
pub mod leads;
pub mod session;

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
        .route("/", get(leads::home))
        .route("/leads", get(leads::grid))
        .route("/leads/assign", post(leads::bulk_assign))
        .route("/language", post(account::switch_language))
        .route_layer(from_fn_with_state(state.clone(), session::require_viewer));
    Router::new()
        .route("/login", get(account::login_page).post(account::login))
        .route("/logout", post(account::logout))
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
