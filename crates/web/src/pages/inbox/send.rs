//! `POST /inbox/{id}/send`: the composer's form. A plain form (`application/x-www-form-urlencoded`)
//! or, where the channel takes files, `multipart/form-data` with the `file` part. Fields: `csrf`,
//! `text`, `note` (`1`: a private note), `template` (`name|language`), `subject` (e-mail),
//! `reply_to` (a message id of the thread), `file`.
//!
//! A file is checked (the agency's upload limit, the channel's own — WhatsApp's per type —, its
//! type against its bytes) before it is stored through `app::files` as a file of the
//! conversation's lead, then sent with `mediaFileId`; when the send is refused the stored file is
//! removed again. Nothing is sent unless everything passed.
//!
//! Answers: without script, a redirect to the thread when sent, else the thread page again
//! (`422`) with the refusal's words and what was typed kept (a file must be chosen again: a
//! browser never refills a file input). With `HX-Request` (the script): the new bubble, or `422`
//! and the words as plain text.

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use app::files::{FileError, NewUpload};
use app::inbox::conversations::{self, ConversationView, MessageView, NewNote};
use app::inbox::outbound::{NewMessage, TemplateRef};
use ui::Tr;
use ui::pages::inbox::Channel;

use super::view::{self, Draft};
use super::{InboxQuery, failed, not_found, one_bubble, render, reply_target};
use crate::AppState;
use crate::error::ApiError;
use crate::pages::session::{Viewer, check_form_csrf};

/// The longest text field read from a multipart form.
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// A file part as received. `too_large`: it went past the upload limit (its bytes were dropped).
#[derive(Debug, Default)]
struct FilePart {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
    too_large: bool,
}

/// The composer's form, as typed.
#[derive(Debug, Default)]
struct SendForm {
    csrf: String,
    text: String,
    note: bool,
    template: String,
    subject: String,
    reply_to: String,
    file: Option<FilePart>,
}

impl SendForm {
    fn set(&mut self, k: &str, v: String) {
        match k {
            "csrf" => self.csrf = v,
            "text" => self.text = v,
            "note" => self.note = v == "1",
            "template" => self.template = v,
            "subject" => self.subject = v,
            "reply_to" => self.reply_to = v,
            _ => {}
        }
    }

    fn parse(body: &[u8]) -> SendForm {
        let mut f = SendForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            f.set(&k, v.into_owned());
        }
        f
    }
}

/// Why the multipart form could not be read.
enum Unreadable {
    /// Past every limit (twice the upload limit): the form cannot be read back.
    TooLarge,
    Malformed,
}

/// Reads a multipart form. The file's bytes are kept up to `max_file`; past it the part is only
/// counted (`too_large`), so the other fields still come back with a clear error. The whole body
/// may not pass `2 × max_file` plus room for the fields.
async fn read_multipart(state: &AppState, req: Request, max_file: usize) -> Result<SendForm, Unreadable> {
    let cap = max_file.saturating_mul(2).saturating_add(1024 * 1024);
    let mut multipart = Multipart::from_request(req, state).await.map_err(|_| Unreadable::Malformed)?;
    let mut form = SendForm::default();
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| Unreadable::Malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let mut part = FilePart {
                name: field.file_name().unwrap_or_default().to_owned(),
                content_type: field.content_type().unwrap_or_default().to_owned(),
                ..FilePart::default()
            };
            while let Some(chunk) = field.chunk().await.map_err(|_| Unreadable::Malformed)? {
                total += chunk.len();
                if total > cap {
                    return Err(Unreadable::TooLarge);
                }
                if part.too_large || part.bytes.len() + chunk.len() > max_file {
                    part.too_large = true;
                    part.bytes = Vec::new();
                } else {
                    part.bytes.extend_from_slice(&chunk);
                }
            }
            // A file input left empty still sends its part, with no name and no bytes.
            if !part.name.is_empty() || !part.bytes.is_empty() || part.too_large {
                form.file = Some(part);
            }
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| Unreadable::Malformed)? {
                total += chunk.len();
                if value.len() + chunk.len() > MAX_FIELD_BYTES || total > cap {
                    return Err(Unreadable::TooLarge);
                }
                value.extend_from_slice(&chunk);
            }
            form.set(&name, String::from_utf8(value).map_err(|_| Unreadable::Malformed)?);
        }
    }
    Ok(form)
}

/// Why nothing was sent.
enum Refused {
    /// The reason, in the reader's language.
    Words(String),
    NotFound,
    /// Logged where it happened.
    Server,
}

/// The words of an error code of the send use cases (a 404 and a 500 are not words).
fn refusal(e: impl Into<ApiError>, tr: Tr) -> Refused {
    let e: ApiError = e.into();
    if e.status == StatusCode::NOT_FOUND {
        Refused::NotFound
    } else if e.status.is_server_error() {
        Refused::Server
    } else {
        Refused::Words(crate::messages::message(&e.code, tr.locale).to_owned())
    }
}

fn too_large(tr: Tr, max: usize) -> Refused {
    Refused::Words(tr.with("inbox-error-file-too-large", "name", &view::megabytes(max)))
}

/// Checks and stores the form's file as a file of the conversation's lead: its id.
async fn store_file(
    state: &AppState,
    viewer: &Viewer,
    c: &ConversationView,
    part: FilePart,
) -> Result<String, Refused> {
    let tr = viewer.tr();
    let max = state.app.files.max_bytes();
    if part.too_large {
        return Err(too_large(tr, max));
    }
    let content_type = app::files::canonical(&part.content_type);
    let kind = c.channel.as_str();
    if let Err(e) = app::inbox::outbound::check_media(kind, &content_type, part.bytes.len()) {
        let e = ApiError::from(e);
        return Err(match app::inbox::outbound::media_limit(kind, &content_type) {
            Some(limit) if e.code == "message.media_too_large" => too_large(tr, limit.min(max)),
            _ => refusal(e, tr),
        });
    }
    let upload = NewUpload {
        owner_type: "lead".to_owned(),
        owner_id: c.lead_id.clone(),
        name: if part.name.is_empty() { "file".to_owned() } else { part.name },
        content_type,
        bytes: Bytes::from(part.bytes),
    };
    match app::files::upload(&state.app, &viewer.actor, upload).await {
        Ok(file) => Ok(file.id),
        Err(FileError::TooLarge(max)) => Err(too_large(tr, max)),
        Err(FileError::UnsupportedType) => Err(Refused::Words(tr.t("inbox-error-file-type"))),
        Err(FileError::Forbidden) => {
            Err(Refused::Words(crate::messages::message("policy.denied", tr.locale).to_owned()))
        }
        Err(FileError::OwnerNotFound | FileError::NotFound) => Err(Refused::NotFound),
        Err(e) => {
            tracing::error!(error = %e, "inbox: storing the composer's file");
            Err(Refused::Server)
        }
    }
}

/// Sends what the form holds: a note, a template, or a reply (its file stored first).
async fn deliver(
    state: &AppState,
    viewer: &Viewer,
    c: &ConversationView,
    form: SendForm,
) -> Result<MessageView, Refused> {
    let tr = viewer.tr();
    if form.note {
        if form.file.is_some() {
            return Err(Refused::Words(tr.t("inbox-error-note-file")));
        }
        return conversations::add_note(&state.app, &viewer.actor, &c.id, NewNote { body: form.text })
            .await
            .map_err(|e| refusal(e, tr));
    }
    let template = form.template.rsplit_once('|').map(|(name, language)| TemplateRef {
        name: name.to_owned(),
        language: Some(language.to_owned()).filter(|l| !l.is_empty()),
    });
    let media_file_id = match form.file {
        Some(part) if template.is_none() => Some(store_file(state, viewer, c, part).await?),
        _ => None,
    };
    let email = view::channel(c) == Channel::Email;
    let message = NewMessage {
        text: if template.is_some() { None } else { Some(form.text) },
        template,
        subject: if email { Some(form.subject) } else { None },
        reply_to_message_id: Some(form.reply_to),
        media_file_id: media_file_id.clone(),
    };
    match app::inbox::outbound::send(&state.app, &viewer.actor, &c.id, message).await {
        Ok(m) => Ok(m),
        Err(e) => {
            // Refused after the file was stored: it goes again (nothing refers to it).
            if let Some(file) = media_file_id
                && let Err(e) = app::files::delete(&state.app, &viewer.actor, &file).await
            {
                tracing::warn!(error = %e, "inbox: removing the file of a refused send");
            }
            Err(refusal(e, tr))
        }
    }
}

/// `POST /inbox/{id}/send`.
pub async fn send(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
    req: Request,
) -> Response {
    let tr = viewer.tr();
    let headers: HeaderMap = req.headers().clone();
    let htmx = headers.contains_key("hx-request");
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let form = if multipart {
        read_multipart(&state, req, state.app.files.max_bytes()).await
    } else {
        match axum::body::to_bytes(req.into_body(), state.settings.json_limit).await {
            Ok(body) => Ok(SendForm::parse(&body)),
            Err(_) => {
                let words = crate::messages::message("request.too_large", tr.locale);
                return (StatusCode::PAYLOAD_TOO_LARGE, words).into_response();
            }
        }
    };
    let form = match form {
        Ok(f) => f,
        Err(Unreadable::TooLarge) => {
            let words = tr.with("inbox-error-file-too-large", "name", &view::megabytes(state.app.files.max_bytes()));
            return (StatusCode::PAYLOAD_TOO_LARGE, words).into_response();
        }
        Err(Unreadable::Malformed) => return (StatusCode::BAD_REQUEST, tr.t("inbox-error-unreadable")).into_response(),
    };
    if !check_form_csrf(&headers, &form.csrf) {
        return crate::pages::csrf_refused();
    }
    let c = match conversations::get(&state.app.db, &viewer.actor, &id).await {
        Ok(c) => c,
        Err(e) => return failed(e, tr, "send"),
    };
    // What to give back if it is refused.
    let had_file = form.file.is_some();
    let kept = Draft {
        error: None,
        text: form.text.clone(),
        subject: (view::channel(&c) == Channel::Email).then(|| form.subject.clone()),
        reply: None,
    };
    let reply_to = form.reply_to.clone();
    match deliver(&state, &viewer, &c, form).await {
        Ok(m) if htmx => one_bubble(&state, &viewer, &m).await,
        Ok(_) => Redirect::to(&format!("/inbox/{id}")).into_response(),
        Err(Refused::NotFound) => not_found(tr),
        Err(Refused::Server) => crate::pages::server_error(tr),
        Err(Refused::Words(words)) if htmx => {
            (StatusCode::UNPROCESSABLE_ENTITY, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], words)
                .into_response()
        }
        Err(Refused::Words(words)) => {
            let error = if had_file { format!("{words} {}", tr.t("inbox-error-choose-again")) } else { words };
            let reply = match reply_to.trim() {
                "" => None,
                r => reply_target(&state, &viewer, &id, r).await,
            };
            let draft = Draft { error: Some(error), reply, ..kept };
            let mut res = render(&state, &viewer, Some(id), InboxQuery::default(), Some(draft)).await;
            if res.status() == StatusCode::OK {
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            res
        }
    }
}
