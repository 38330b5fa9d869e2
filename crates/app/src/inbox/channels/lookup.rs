//! The server's own reads of channel accounts, with their sealed secrets: routing a webhook to
//! its account (by WhatsApp `phone_number_id`, SMS number or inbound e-mail address) and opening
//! the secret that authenticates it. These run as the system — a webhook has no caller — and
//! return the secret only to the code that verifies or sends, never to an API response.

use serde_json::{Value, json};
use store::{Db, StoreError};

use super::ChannelKind;
use crate::inbox::secrets::SecretBox;

/// A secret column of `ChannelAccount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Secret {
    AccessToken,
    AppSecret,
    VerifyToken,
    AuthToken,
    InboundSecret,
    SmtpPassword,
}

impl Secret {
    pub const ALL: [Secret; 6] = [
        Secret::AccessToken,
        Secret::AppSecret,
        Secret::VerifyToken,
        Secret::AuthToken,
        Secret::InboundSecret,
        Secret::SmtpPassword,
    ];

    /// The column that holds it sealed (also the associated data of the seal).
    pub fn column(self) -> &'static str {
        match self {
            Secret::AccessToken => "accessTokenEnc",
            Secret::AppSecret => "appSecretEnc",
            Secret::VerifyToken => "verifyTokenEnc",
            Secret::AuthToken => "authTokenEnc",
            Secret::InboundSecret => "inboundSecretEnc",
            Secret::SmtpPassword => "smtpPasswordEnc",
        }
    }

    /// The field name of the API (`appSecret`).
    pub fn field(self) -> &'static str {
        self.column().trim_end_matches("Enc")
    }
}

/// `omit` arguments that bring every sealed column back.
pub(crate) fn with_secrets() -> Value {
    let mut omit = serde_json::Map::new();
    for s in Secret::ALL {
        omit.insert(s.column().to_owned(), json!(false));
    }
    Value::Object(omit)
}

/// A channel account as the server sees it, its secrets still sealed. `Debug` leaves them out.
#[derive(Clone)]
pub struct Account {
    pub id: String,
    pub tenant_id: String,
    pub kind: ChannelKind,
    pub active: bool,
    pub sandbox: bool,
    pub phone_number_id: Option<String>,
    pub address: Option<String>,
    pub inbound_address: Option<String>,
    pub sms_account_sid: Option<String>,
    /// The whole row (sealed secrets included).
    row: Value,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account").field("id", &self.id).field("tenant_id", &self.tenant_id).finish_non_exhaustive()
    }
}

fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl Account {
    /// Reads a row fetched with [`with_secrets`]; `None` when it is not an account row.
    pub fn from_row(row: Value) -> Option<Account> {
        let kind = match row.get("kind").and_then(Value::as_str)? {
            "WHATSAPP" => ChannelKind::Whatsapp,
            "SMS" => ChannelKind::Sms,
            "EMAIL" => ChannelKind::Email,
            _ => return None,
        };
        Some(Account {
            id: text(&row, "id")?,
            tenant_id: text(&row, "tenantId")?,
            kind,
            active: row.get("active").and_then(Value::as_bool).unwrap_or(false),
            sandbox: row.get("sandbox").and_then(Value::as_bool).unwrap_or(false),
            phone_number_id: text(&row, "phoneNumberId"),
            address: text(&row, "address"),
            inbound_address: text(&row, "inboundAddress"),
            sms_account_sid: text(&row, "smsAccountSid"),
            row,
        })
    }

    /// Whether `secret` is set.
    pub fn has(&self, secret: Secret) -> bool {
        self.row.get(secret.column()).is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()))
    }

    /// The secret in clear, if set and readable with `key`. One that does not open (another key,
    /// tampered) is logged and treated as unset.
    pub fn secret(&self, key: &SecretBox, secret: Secret) -> Option<String> {
        let sealed = self.row.get(secret.column()).and_then(Value::as_str).filter(|s| !s.is_empty())?;
        match key.open(secret.column(), sealed) {
            Ok(plain) => Some(plain),
            Err(e) => {
                tracing::warn!(account = %self.id, column = secret.column(), error = %e, "a channel secret does not open");
                None
            }
        }
    }
}

async fn find_many(db: &Db, filter: Value) -> Result<Vec<Account>, StoreError> {
    let rows = db
        .as_system("inbox: route a webhook to its channel account")
        .run(
            "ChannelAccount",
            "findMany",
            &json!({"where": filter, "omit": with_secrets(), "orderBy": {"createdAt": "asc"}}),
        )
        .await?;
    Ok(match rows {
        Value::Array(rows) => rows.into_iter().filter_map(Account::from_row).collect(),
        _ => Vec::new(),
    })
}

/// The active WhatsApp account of `phone_number_id` (unique across agencies).
pub async fn by_phone_number_id(db: &Db, phone_number_id: &str) -> Result<Option<Account>, StoreError> {
    let filter = json!({"kind": "WHATSAPP", "phoneNumberId": phone_number_id, "active": true});
    Ok(find_many(db, filter).await?.into_iter().next())
}

/// The active SMS accounts whose number is `address` (E.164).
pub async fn sms_by_address(db: &Db, address: &str) -> Result<Vec<Account>, StoreError> {
    find_many(db, json!({"kind": "SMS", "address": address, "active": true})).await
}

/// The active e-mail account whose inbound address (lower-cased) or id is `key`.
pub async fn email_by_inbound(db: &Db, key: &str) -> Result<Option<Account>, StoreError> {
    let key = key.trim().to_lowercase();
    let filter = json!({"kind": "EMAIL", "active": true, "OR": [{"inboundAddress": key}, {"id": key}]});
    Ok(find_many(db, filter).await?.into_iter().next())
}

/// One account by id in `tenant_id` (jobs: the account their payload names).
pub async fn by_id(db: &Db, tenant_id: &str, id: &str) -> Result<Option<Account>, StoreError> {
    Ok(find_many(db, json!({"id": id, "tenantId": tenant_id})).await?.into_iter().next())
}

/// Every active WhatsApp account that has a verify token of its own (the GET handshake).
pub async fn whatsapp_with_verify_token(db: &Db) -> Result<Vec<Account>, StoreError> {
    let accounts = find_many(db, json!({"kind": "WHATSAPP", "active": true})).await?;
    Ok(accounts.into_iter().filter(|a| a.has(Secret::VerifyToken)).collect())
}

/// Which secrets each of `ids` has (for an admin's view), by id.
pub(crate) async fn secret_flags(db: &Db, ids: &[String]) -> Result<Vec<(String, super::SecretFlags)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let accounts = db
        .as_system("inbox: which channel secrets are set")
        .run("ChannelAccount", "findMany", &json!({"where": {"id": {"in": ids}}, "omit": with_secrets()}))
        .await?;
    let Value::Array(rows) = accounts else { return Ok(Vec::new()) };
    Ok(rows
        .into_iter()
        .filter_map(Account::from_row)
        .map(|a| {
            let flags = super::SecretFlags {
                access_token: a.has(Secret::AccessToken),
                app_secret: a.has(Secret::AppSecret),
                verify_token: a.has(Secret::VerifyToken),
                auth_token: a.has(Secret::AuthToken),
                inbound_secret: a.has(Secret::InboundSecret),
                smtp_password: a.has(Secret::SmtpPassword),
            };
            (a.id, flags)
        })
        .collect())
}
