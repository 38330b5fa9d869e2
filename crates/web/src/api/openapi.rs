//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` annotations and the
//! schemas they name, served at `GET /api/v1/openapi.json` (and rendered by the offline Swagger UI
//! at `/api/v1/docs`). A test checks that every route of the route table is documented.

use std::sync::LazyLock;

use axum::Json;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{self as oa};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::api;
use crate::handlers;

/// Every error answer: `{"error": {"code", "message", …details}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine code, the message in the caller's language, and details where they help.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    #[schema(example = "lead.invalid_phone")]
    pub code: String,
    #[schema(example = "رقم الهاتف هذا غير صالح.")]
    pub message: String,
    /// The input at fault, e.g. `phones[1]`.
    pub field: Option<String>,
    /// `lead.duplicate` only, and only when the caller may read the other lead.
    pub existing_id: Option<String>,
}

/// The two ways to authenticate: a bearer access token, or the web UI's session cookie (writes
/// then also need the `X-CSRF-Token` header).
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut oa::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::cookies::ACCESS))),
        );
    }
}

/// The document's root: every documented operation and schema.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Manzil API",
        description = "Manzil · منزل — a multi-tenant real-estate CRM. Each agency lives at \
            `{slug}.{base domain}`; on the bare host the agency comes from the bearer token. \
            Errors are `{\"error\": {\"code\", \"message\"}}` with the message in Arabic or English.",
    ),
    paths(
        handlers::health::healthz,
        handlers::health::readyz,
        handlers::health::metrics,
        handlers::auth::login,
        handlers::auth::refresh,
        handlers::auth::logout,
        handlers::me::me,
        handlers::me::update_me,
        handlers::me::change_password,
        api::teams::list::list_teams,
        api::teams::create::create_team,
        api::teams::get::get_team,
        api::teams::update::update_team,
        api::teams::delete::delete_team,
        api::users::list::list_users,
        api::users::create::create_user,
        api::users::get::get_user,
        api::users::update::update_user,
        api::leads::list::list_leads,
        api::leads::create::create_lead,
        api::leads::get::get_lead,
        api::leads::update::update_lead,
        api::leads::delete::delete_lead,
        api::leads::assign::assign_lead,
        api::leads::status::change_lead_status,
        api::matching::lead_matches,
        api::properties::list::list_properties,
        api::properties::create::create_property,
        api::properties::get::get_property,
        api::properties::update::update_property,
        api::properties::delete::delete_property,
        api::matching::property_matches,
        api::conversations::list::list_conversations,
        api::conversations::list::get_conversation,
        api::conversations::messages::list_messages,
        api::conversations::messages::send_message,
        api::conversations::messages::add_note,
        api::conversations::update::assign_conversation,
        api::conversations::update::set_conversation_status,
        api::conversations::update::read_conversation,
        api::channels::list_channels,
        api::channels::create_channel,
        api::channels::get_channel,
        api::channels::update_channel,
        api::channels::delete_channel,
        crate::webhooks::whatsapp::whatsapp_handshake,
        crate::webhooks::whatsapp::whatsapp_notification,
        crate::webhooks::sms::sms_inbound,
        crate::webhooks::sms::sms_status,
        crate::webhooks::email::email_inbound,
        api::deals::list::list_deals,
        api::deals::create::create_deal,
        api::deals::get::get_deal,
        api::deals::update::update_deal,
        api::deals::delete::delete_deal,
        api::deals::stage::move_deal_stage,
        api::activities::list::list_activities,
        api::activities::create::create_activity,
        api::activities::get::get_activity,
        api::activities::update::update_activity,
        api::activities::delete::delete_activity,
        api::activities::done::done_activity,
        api::activities::reopen::reopen_activity,
        api::audit::list_audit,
        api::jobs::list_jobs,
        api::jobs::get_job,
        api::jobs::retry_job,
        api::imports::import_leads,
        api::imports::import_properties,
        api::exports::export_leads,
        api::exports::export_properties,
        api::files::upload_file,
        api::files::download_file,
        api::files::delete_file,
        openapi_json,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&Security),
    tags(
        (name = "system", description = "Probes, metrics and this document"),
        (name = "auth", description = "Sign-in, token refresh, sign-out"),
        (name = "users", description = "The caller's profile and password; the agency's users (deactivated, never deleted)"),
        (name = "teams", description = "Teams, their manager and members"),
        (name = "leads", description = "Leads: list, search, create, edit, assign, pipeline"),
        (name = "properties", description = "Listings: list, search, create, edit, withdraw, delete"),
        (name = "matching", description = "Leads and listings that fit each other, scored 0–100"),
        (name = "deals", description = "Deals: list, create, edit, move through the stages"),
        (name = "activities", description = "Notes, calls, tasks, viewings and meetings on leads: list, log, edit, done"),
        (name = "inbox", description = "Conversations on WhatsApp, SMS and e-mail: list, assign, snooze, read, reply, notes"),
        (name = "channels", description = "The agency's WhatsApp numbers, SMS numbers and e-mail mailboxes (secrets write-only)"),
        (name = "webhooks", description = "Provider webhooks: WhatsApp Cloud API, Twilio-compatible SMS, raw MIME e-mail"),
        (name = "audit", description = "The change history (admins)"),
        (name = "jobs", description = "Background jobs: progress, reports, retry"),
        (name = "imports", description = "CSV imports of leads and listings (as jobs)"),
        (name = "exports", description = "CSV exports of leads and listings"),
        (name = "files", description = "Files attached to leads, listings, deals and activities"),
    )
)]
pub struct ApiDoc;

static DOC: LazyLock<oa::OpenApi> = LazyLock::new(ApiDoc::openapi);

/// The generated document.
pub fn document() -> &'static oa::OpenApi {
    &DOC
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "system",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> Json<&'static oa::OpenApi> {
    Json(document())
}
