//! Creating, reading, listing, editing and deleting channel accounts under the caller's rules
//! (admins write; every member reads, without the secret flags).

use serde_json::{Map, Value, json};
use store::Db;

use domain::Role;

use super::input::{Draft, secret};
use super::lookup::{Secret, secret_flags, sms_by_address};
use super::view::{ChannelPatch, ChannelView, NewChannel};
use super::{ACCOUNTS, ChannelSettings};
use crate::actor::Actor;
use crate::page::Sort;
use crate::records::{Page, PageQuery, RecordError, trimmed, view};

/// The list's sort fields.
pub const SORT_FIELDS: &[&str] = &["name", "createdAt"];

fn taken(kind: super::ChannelKind) -> RecordError {
    match kind {
        super::ChannelKind::Whatsapp => {
            RecordError::Conflict { code: "channel.phone_number_id_taken", field: "phoneNumberId" }
        }
        super::ChannelKind::Sms => RecordError::Conflict { code: "channel.address_taken", field: "address" },
        super::ChannelKind::Email => {
            RecordError::Conflict { code: "channel.inbound_address_taken", field: "inboundAddress" }
        }
    }
}

/// Adds the secret flags to the views an admin reads.
async fn with_flags(db: &Db, actor: &Actor, mut views: Vec<ChannelView>) -> Result<Vec<ChannelView>, RecordError> {
    if actor.role != Role::Admin {
        return Ok(views);
    }
    let ids: Vec<String> = views.iter().map(|v| v.id.clone()).collect();
    let flags = secret_flags(db, &ids).await.map_err(RecordError::Store)?;
    for v in &mut views {
        v.secrets = Some(flags.iter().find(|(id, _)| *id == v.id).map(|(_, f)| f.clone()).unwrap_or_default());
    }
    Ok(views)
}

async fn one(db: &Db, actor: &Actor, row: Value) -> Result<ChannelView, RecordError> {
    let v: ChannelView = view(row)?;
    with_flags(db, actor, vec![v]).await?.into_iter().next().ok_or(RecordError::NotFound("ChannelAccount"))
}

/// An SMS number routes inbound texts, so it belongs to one account across all agencies.
async fn check_sms_number(db: &Db, draft: &Draft, except: Option<&str>) -> Result<(), RecordError> {
    let Some(address) = &draft.address else { return Ok(()) };
    let others = sms_by_address(db, address).await.map_err(RecordError::Store)?;
    if others.iter().any(|a| Some(a.id.as_str()) != except) {
        return Err(taken(super::ChannelKind::Sms));
    }
    Ok(())
}

/// Creates an account in the caller's agency (admins).
pub async fn create(
    db: &Db,
    settings: &ChannelSettings,
    actor: &Actor,
    new: NewChannel,
) -> Result<ChannelView, RecordError> {
    let kind = new.kind.ok_or_else(|| RecordError::invalid("channel.required", "kind"))?;
    let secrets = [
        (Secret::AccessToken, secret(new.access_token)),
        (Secret::AppSecret, secret(new.app_secret)),
        (Secret::VerifyToken, secret(new.verify_token)),
        (Secret::AuthToken, secret(new.auth_token)),
        (Secret::InboundSecret, secret(new.inbound_secret)),
        (Secret::SmtpPassword, secret(new.smtp_password)),
    ];
    let draft = Draft {
        name: new.name,
        phone_number_id: trimmed(new.phone_number_id),
        waba_id: trimmed(new.waba_id),
        address: trimmed(new.address),
        sms_account_sid: trimmed(new.sms_account_sid),
        inbound_address: trimmed(new.inbound_address),
        smtp_host: trimmed(new.smtp_host),
        smtp_port: new.smtp_port,
        smtp_username: trimmed(new.smtp_username),
        templates: new.templates.filter(|t| !t.is_null()),
    };
    // Only an admin may create one: refuse before anything else is checked or looked up.
    if actor.role != Role::Admin {
        return Err(RecordError::Forbidden);
    }
    let draft = draft.check(kind, |s| secrets.iter().any(|(k, v)| *k == s && v.is_some()))?;
    if kind == super::ChannelKind::Sms {
        check_sms_number(db, &draft, None).await?;
    }
    let mut data = draft.data();
    data.insert("kind".into(), json!(kind.as_str()));
    data.insert("active".into(), json!(new.active.unwrap_or(true)));
    for (s, value) in secrets {
        if let Some(v) = value {
            data.insert(s.column().into(), json!(settings.secrets.seal(s.column(), &v)));
        }
    }
    let row: Value = ACCOUNTS.create(db, actor, Value::Object(data), Some(taken(kind))).await?;
    one(db, actor, row).await
}

/// One account, if the caller may read it.
pub async fn get(db: &Db, actor: &Actor, id: &str) -> Result<ChannelView, RecordError> {
    let row = ACCOUNTS.row(db, actor, id).await?;
    one(db, actor, row).await
}

/// A page of the agency's accounts (`name` order by default).
pub async fn list(db: &Db, actor: &Actor, page: PageQuery) -> Result<Page<ChannelView>, RecordError> {
    let default = Sort { field: "name", desc: false };
    let page: Page<ChannelView> = ACCOUNTS.page(db, actor, Vec::new(), page, SORT_FIELDS, default).await?;
    let items = with_flags(db, actor, page.items).await?;
    Ok(Page { items, next_cursor: page.next_cursor })
}

/// Applies a partial edit (admins). Secrets given are sealed anew, `null` clears one.
pub async fn update(
    db: &Db,
    settings: &ChannelSettings,
    actor: &Actor,
    id: &str,
    patch: ChannelPatch,
) -> Result<ChannelView, RecordError> {
    let current = ACCOUNTS.row(db, actor, id).await?;
    if actor.role != Role::Admin {
        return Err(RecordError::Forbidden);
    }
    let current_view: ChannelView = view(current.clone())?;
    let kind = current_view.kind;
    let mut draft = Draft::from_row(&current);
    if let Some(name) = patch.name {
        draft.name = name;
    }
    let set = |slot: &mut Option<String>, v: Option<Option<String>>| {
        if let Some(v) = v {
            *slot = trimmed(v);
        }
    };
    set(&mut draft.phone_number_id, patch.phone_number_id);
    set(&mut draft.waba_id, patch.waba_id);
    set(&mut draft.address, patch.address);
    set(&mut draft.sms_account_sid, patch.sms_account_sid);
    set(&mut draft.inbound_address, patch.inbound_address);
    set(&mut draft.smtp_host, patch.smtp_host);
    set(&mut draft.smtp_username, patch.smtp_username);
    if let Some(p) = patch.smtp_port {
        draft.smtp_port = p;
    }
    if let Some(t) = patch.templates {
        draft.templates = t.filter(|t| !t.is_null());
    }
    let changes = [
        (Secret::AccessToken, patch.access_token),
        (Secret::AppSecret, patch.app_secret),
        (Secret::VerifyToken, patch.verify_token),
        (Secret::AuthToken, patch.auth_token),
        (Secret::InboundSecret, patch.inbound_secret),
        (Secret::SmtpPassword, patch.smtp_password),
    ];
    let stored = secret_flags(db, &[id.to_owned()]).await.map_err(RecordError::Store)?;
    let flags = stored.into_iter().next().map(|(_, f)| f).unwrap_or_default();
    let had = |s: Secret| match s {
        Secret::AccessToken => flags.access_token,
        Secret::AppSecret => flags.app_secret,
        Secret::VerifyToken => flags.verify_token,
        Secret::AuthToken => flags.auth_token,
        Secret::InboundSecret => flags.inbound_secret,
        Secret::SmtpPassword => flags.smtp_password,
    };
    let has = |s: Secret| match changes.iter().find(|(k, _)| *k == s).and_then(|(_, c)| c.as_ref()) {
        Some(change) => change.as_deref().is_some_and(|v| !v.trim().is_empty()),
        None => had(s),
    };
    let draft = draft.check(kind, has)?;
    if kind == super::ChannelKind::Sms {
        check_sms_number(db, &draft, Some(id)).await?;
    }
    let mut data: Map<String, Value> = draft.data();
    if let Some(active) = patch.active {
        data.insert("active".into(), json!(active));
    }
    for (s, change) in changes {
        if let Some(change) = change {
            let sealed = secret(change).map(|v| settings.secrets.seal(s.column(), &v));
            data.insert(s.column().into(), json!(sealed));
        }
    }
    let row: Value = ACCOUNTS.update(db, actor, id, current, data, Some(taken(kind))).await?;
    one(db, actor, row).await
}

/// Deletes an account (admins) — with its identities, conversations and messages.
pub async fn delete(db: &Db, actor: &Actor, id: &str) -> Result<(), RecordError> {
    ACCOUNTS.delete(db, actor, id).await
}
