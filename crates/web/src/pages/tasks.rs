//! `GET /tasks`: the reader's tasks and viewings — overdue, today, the next 14 days, days of the
//! agency's time zone — from `app::activities::agenda`, under the reader's rules (an agent sees
//! their own, a manager their team's). `POST /tasks/{id}/done` and `/reopen` mark one through
//! `app::activities`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use app::activities::{ActivityType, AgendaItem, Bucket};
use app::records::RecordError;
use ui::pages::tasks::{TaskBucket, TaskItem, TasksPage};
use ui::{Flash, Section, Tr, format};

use super::session::{Viewer, check_form_csrf};
use super::{html, not_found};
use crate::AppState;

/// `GET /tasks[?scope=mine]`.
pub async fn tasks(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    RawQuery(raw): RawQuery,
) -> Response {
    let tr = viewer.tr();
    let mut mine = false;
    let mut flash = None;
    for (k, v) in form_urlencoded::parse(raw.as_deref().unwrap_or_default().as_bytes()) {
        match (k.as_ref(), v.as_ref()) {
            ("scope", "mine") => mine = true,
            ("ok", "done") => flash = Some("tasks-flash-done"),
            ("ok", "reopened") => flash = Some("tasks-flash-reopened"),
            _ => {}
        }
    }
    let agenda = match app::activities::agenda(&state.app.db, &viewer.actor, mine, viewer.tenant.time_zone).await {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "tasks page");
            return super::server_error(tr);
        }
    };
    let path = if mine { "/tasks?scope=mine" } else { "/tasks" };
    let mut shell = viewer.shell(Section::Tasks, tr.t("tasks-title"), path);
    shell.flash = flash.map(|id| Flash { text: tr.t(id), error: false });
    let buckets = vec![
        bucket(tr, "task-overdue", "tasks-overdue", "tasks-none-overdue", agenda.overdue),
        bucket(tr, "task-today", "tasks-today", "tasks-none-today", agenda.due_today),
        bucket(tr, "task-upcoming", "tasks-upcoming", "tasks-none-upcoming", agenda.upcoming),
    ];
    html(TasksPage { shell, buckets, offer_mine: viewer.manages(), mine })
}

fn bucket(tr: Tr, id: &'static str, title: &str, empty: &str, b: Bucket) -> TaskBucket {
    let count = i64::try_from(b.items.len()).unwrap_or(i64::MAX);
    TaskBucket {
        id,
        title: tr.t(title),
        count: tr.n("tasks-count", count),
        items: b.items.into_iter().map(|i| item(tr, i)).collect(),
        empty: tr.t(empty),
        more: b.more.then(|| tr.t("tasks-more")),
    }
}

fn item(tr: Tr, i: AgendaItem) -> TaskItem {
    let a = i.activity;
    let due_iso = a.due_at.clone().unwrap_or_default();
    let viewing = a.kind == ActivityType::Viewing;
    TaskItem {
        kind: a.kind.as_str().to_owned(),
        kind_label: tr.label("activity", a.kind.as_str()),
        title: a.title,
        lead_id: a.lead_id,
        lead_name: i.lead_name,
        due: format::date_time(&due_iso, tr.locale, tr.zone),
        hijri: if viewing { format::hijri(&due_iso, tr.locale, tr.zone) } else { None },
        due_iso,
        done: a.done_at.is_some(),
        id: a.id,
    }
}

#[derive(Debug, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    back: String,
}

/// `POST /tasks/{id}/done`.
pub async fn done(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    headers: HeaderMap,
    id: Path<String>,
    form: Form<TaskForm>,
) -> Response {
    mark(state, viewer, headers, id, form, true).await
}

/// `POST /tasks/{id}/reopen`.
pub async fn reopen(
    state: State<AppState>,
    viewer: Extension<Viewer>,
    headers: HeaderMap,
    id: Path<String>,
    form: Form<TaskForm>,
) -> Response {
    mark(state, viewer, headers, id, form, false).await
}

/// Marks the activity done (or open again) under the reader's rules, then goes back to the list.
async fn mark(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<TaskForm>,
    done: bool,
) -> Response {
    if !check_form_csrf(&headers, &form.csrf) {
        return super::csrf_refused();
    }
    let db = &state.app.db;
    let result = if done {
        app::activities::done(db, &viewer.actor, &id).await
    } else {
        app::activities::reopen(db, &viewer.actor, &id).await
    };
    match result {
        Ok(_) => {
            // Back to the list, its scope kept, with a notice.
            let scope = if form.back.contains("scope=mine") { "scope=mine&" } else { "" };
            let ok = if done { "done" } else { "reopened" };
            Redirect::to(&format!("/tasks?{scope}ok={ok}")).into_response()
        }
        Err(RecordError::NotFound(_)) => not_found(viewer.tr()),
        Err(RecordError::Forbidden) => (StatusCode::FORBIDDEN, viewer.tr().t("tasks-forbidden")).into_response(),
        Err(e) => {
            tracing::error!(error = %e, activity = %id, "marking a task");
            (StatusCode::INTERNAL_SERVER_ERROR, viewer.tr().t("error-server")).into_response()
        }
    }
}
