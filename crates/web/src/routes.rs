//! The route table — every endpoint of the server, in one place ([`table`]) — and the layers
//! around it. The router is built from the table, and a test checks that every row of it is in
//! the OpenAPI document: add a route here, never with a bare `.route(…)` elsewhere.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{MethodFilter, MethodRouter, on};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::AppState;
use crate::api::{audit, exports, files, imports, jobs, leads, matching, openapi, properties, teams, users};
use crate::error::ApiError;
use crate::handlers::{auth, health, me};
use crate::host::resolve_tenant;
use crate::locale::localize_errors;
use crate::telemetry::{request_span, track_metrics};

/// Where the interactive API documentation (Swagger UI, served from the binary) lives.
pub const DOCS_PATH: &str = "/api/v1/docs";
/// Where the OpenAPI document is served.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Patch,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
            Verb::Patch => "patch",
            Verb::Delete => "delete",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
            Verb::Patch => MethodFilter::PATCH,
            Verb::Delete => MethodFilter::DELETE,
        }
    }
}

/// Whether a route belongs to an agency (the host is resolved to one first) or to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Server,
    Agency,
}

/// One row of the route table.
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub scope: Scope,
    handler: MethodRouter<AppState>,
}

fn row<H, T>(scope: Scope, verb: Verb, path: &'static str, handler: H) -> Route
where
    H: Handler<T, AppState>,
    T: 'static,
{
    Route { verb, path, scope, handler: on(verb.filter(), handler) }
}

/// An upload route: the global JSON body limit is off; the handler applies its own
/// (`imports.max_bytes`, `files.max_bytes`).
fn upload(mut route: Route) -> Route {
    route.handler = route.handler.layer(DefaultBodyLimit::disable());
    route
}

/// Every endpoint of the server.
pub fn table() -> Vec<Route> {
    use Scope::{Agency, Server};
    use Verb::{Delete, Get, Patch, Post};
    vec![
        row(Server, Get, "/healthz", health::healthz),
        row(Server, Get, "/readyz", health::readyz),
        row(Server, Get, "/metrics", health::metrics),
        row(Server, Get, OPENAPI_PATH, openapi::openapi_json),
        // Provider webhooks: the bare host; the delivery names the agency's channel account.
        // Their bodies are read within `channels.max_webhook_bytes` by the handlers.
        upload(row(Server, Get, "/webhooks/whatsapp", crate::webhooks::whatsapp::whatsapp_handshake)),
        upload(row(Server, Post, "/webhooks/whatsapp", crate::webhooks::whatsapp::whatsapp_notification)),
        upload(row(Server, Post, "/webhooks/sms", crate::webhooks::sms::sms_inbound)),
        upload(row(Server, Post, "/webhooks/sms/status", crate::webhooks::sms::sms_status)),
        upload(row(Server, Post, "/webhooks/email/{mailbox}", crate::webhooks::email::email_inbound)),
        row(Agency, Post, "/api/v1/auth/login", auth::login),
        row(Agency, Post, "/api/v1/auth/refresh", auth::refresh),
        row(Agency, Post, "/api/v1/auth/logout", auth::logout),
        row(Agency, Get, "/api/v1/me", me::me),
        row(Agency, Patch, "/api/v1/me", me::update_me),
        row(Agency, Post, "/api/v1/me/password", me::change_password),
        row(Agency, Get, "/api/v1/teams", teams::list::list_teams),
        row(Agency, Post, "/api/v1/teams", teams::create::create_team),
        row(Agency, Get, "/api/v1/teams/{id}", teams::get::get_team),
        row(Agency, Patch, "/api/v1/teams/{id}", teams::update::update_team),
        row(Agency, Delete, "/api/v1/teams/{id}", teams::delete::delete_team),
        row(Agency, Get, "/api/v1/users", users::list::list_users),
        row(Agency, Post, "/api/v1/users", users::create::create_user),
        row(Agency, Get, "/api/v1/users/{id}", users::get::get_user),
        row(Agency, Patch, "/api/v1/users/{id}", users::update::update_user),
        row(Agency, Get, "/api/v1/leads", leads::list::list_leads),
        row(Agency, Post, "/api/v1/leads", leads::create::create_lead),
        row(Agency, Get, "/api/v1/leads/{id}", leads::get::get_lead),
        row(Agency, Patch, "/api/v1/leads/{id}", leads::update::update_lead),
        row(Agency, Delete, "/api/v1/leads/{id}", leads::delete::delete_lead),
        row(Agency, Post, "/api/v1/leads/{id}/assign", leads::assign::assign_lead),
        row(Agency, Post, "/api/v1/leads/{id}/status", leads::status::change_lead_status),
        row(Agency, Get, "/api/v1/leads/{id}/matches", matching::lead_matches),
        row(Agency, Get, "/api/v1/properties", properties::list::list_properties),
        row(Agency, Post, "/api/v1/properties", properties::create::create_property),
        row(Agency, Get, "/api/v1/properties/{id}", properties::get::get_property),
        row(Agency, Patch, "/api/v1/properties/{id}", properties::update::update_property),
        row(Agency, Delete, "/api/v1/properties/{id}", properties::delete::delete_property),
        row(Agency, Get, "/api/v1/properties/{id}/matches", matching::property_matches),
        row(Agency, Get, "/api/v1/deals", crate::api::deals::list::list_deals),
        row(Agency, Post, "/api/v1/deals", crate::api::deals::create::create_deal),
        row(Agency, Get, "/api/v1/deals/{id}", crate::api::deals::get::get_deal),
        row(Agency, Patch, "/api/v1/deals/{id}", crate::api::deals::update::update_deal),
        row(Agency, Delete, "/api/v1/deals/{id}", crate::api::deals::delete::delete_deal),
        row(Agency, Post, "/api/v1/deals/{id}/stage", crate::api::deals::stage::move_deal_stage),
        row(Agency, Get, "/api/v1/conversations", crate::api::conversations::list::list_conversations),
        row(Agency, Get, "/api/v1/conversations/{id}", crate::api::conversations::list::get_conversation),
        row(Agency, Get, "/api/v1/conversations/{id}/messages", crate::api::conversations::messages::list_messages),
        row(Agency, Post, "/api/v1/conversations/{id}/messages", crate::api::conversations::messages::send_message),
        row(Agency, Post, "/api/v1/conversations/{id}/notes", crate::api::conversations::messages::add_note),
        row(Agency, Post, "/api/v1/conversations/{id}/assign", crate::api::conversations::update::assign_conversation),
        row(
            Agency,
            Post,
            "/api/v1/conversations/{id}/status",
            crate::api::conversations::update::set_conversation_status,
        ),
        row(Agency, Post, "/api/v1/conversations/{id}/read", crate::api::conversations::update::read_conversation),
        row(Agency, Get, "/api/v1/channels", crate::api::channels::list_channels),
        row(Agency, Post, "/api/v1/channels", crate::api::channels::create_channel),
        row(Agency, Get, "/api/v1/channels/{id}", crate::api::channels::get_channel),
        row(Agency, Patch, "/api/v1/channels/{id}", crate::api::channels::update_channel),
        row(Agency, Delete, "/api/v1/channels/{id}", crate::api::channels::delete_channel),
        row(Agency, Get, "/api/v1/activities", crate::api::activities::list::list_activities),
        row(Agency, Post, "/api/v1/activities", crate::api::activities::create::create_activity),
        row(Agency, Get, "/api/v1/activities/{id}", crate::api::activities::get::get_activity),
        row(Agency, Patch, "/api/v1/activities/{id}", crate::api::activities::update::update_activity),
        row(Agency, Delete, "/api/v1/activities/{id}", crate::api::activities::delete::delete_activity),
        row(Agency, Post, "/api/v1/activities/{id}/done", crate::api::activities::done::done_activity),
        row(Agency, Post, "/api/v1/activities/{id}/reopen", crate::api::activities::reopen::reopen_activity),
        row(Agency, Get, "/api/v1/audit", audit::list_audit),
        row(Agency, Get, "/api/v1/jobs", jobs::list_jobs),
        row(Agency, Get, "/api/v1/jobs/{id}", jobs::get_job),
        row(Agency, Post, "/api/v1/jobs/{id}/retry", jobs::retry_job),
        upload(row(Agency, Post, "/api/v1/imports/leads", imports::import_leads)),
        upload(row(Agency, Post, "/api/v1/imports/properties", imports::import_properties)),
        row(Agency, Get, "/api/v1/exports/leads.csv", exports::export_leads),
        row(Agency, Get, "/api/v1/exports/properties.csv", exports::export_properties),
        upload(row(Agency, Post, "/api/v1/files", files::upload_file)),
        row(Agency, Get, "/api/v1/files/{id}", files::download_file),
        row(Agency, Delete, "/api/v1/files/{id}", files::delete_file),
    ]
}

/// `(method, path)` of every row of the table, e.g. `("get", "/api/v1/leads/{id}")`.
pub fn route_list() -> Vec<(&'static str, &'static str)> {
    table().iter().map(|r| (r.verb.as_str(), r.path)).collect()
}

/// The offline Swagger UI (assets compiled into the binary) over [`OPENAPI_PATH`].
fn docs_ui() -> Router<AppState> {
    SwaggerUi::new(DOCS_PATH).config(SwaggerConfig::new([OPENAPI_PATH])).into()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (server, agency): (Vec<Route>, Vec<Route>) = table().into_iter().partition(|r| r.scope == Scope::Server);
    let api = agency
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .route_layer(from_fn_with_state(state.clone(), resolve_tenant));

    server
        .into_iter()
        .fold(Router::new(), |router, r| router.route(r.path, r.handler))
        .merge(api)
        .merge(docs_ui())
        // Socket.IO (not a REST route, so not in the table): `crate::realtime`.
        .merge(crate::realtime::router(&state))
        // The demo's sandbox provider (stand-ins for third-party APIs, so not in the table):
        // `crate::sandbox`, mounted only while it is on.
        .merge(crate::sandbox::router(&state))
        // The web UI's pages and assets (HTML, not API: `crate::pages`).
        .merge(crate::pages::router(&state))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "route.not_found") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "route.method_not_allowed")
        })
        .layer(DefaultBodyLimit::max(state.settings.json_limit))
        .layer(from_fn(localize_errors))
        .layer(from_fn(track_metrics))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
