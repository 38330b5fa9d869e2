//! Checking a channel account's settings: what each kind needs, what belongs to another kind,
//! addresses parsed (E.164 numbers, lower-cased e-mail addresses).

use serde_json::{Map, Value, json};

use domain::{Email, PhoneE164};

use super::ChannelKind;
use super::lookup::Secret;
use crate::records::{RecordError, trimmed};

/// The plain (non-secret) settings of an account, as they will be after a create or an edit.
#[derive(Debug, Clone, Default)]
pub(super) struct Draft {
    pub name: String,
    pub phone_number_id: Option<String>,
    pub waba_id: Option<String>,
    pub address: Option<String>,
    pub sms_account_sid: Option<String>,
    pub inbound_address: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: Option<i64>,
    pub smtp_username: Option<String>,
    pub templates: Option<Value>,
}

/// Which fields (plain and secret) a kind may set; the others must stay empty.
fn allowed(kind: ChannelKind, field: &str) -> bool {
    let common = ["name", "active", "address"];
    let own: &[&str] = match kind {
        ChannelKind::Whatsapp => &["phoneNumberId", "wabaId", "templates", "accessToken", "appSecret", "verifyToken"],
        ChannelKind::Sms => &["smsAccountSid", "authToken"],
        ChannelKind::Email => {
            &["inboundAddress", "smtpHost", "smtpPort", "smtpUsername", "inboundSecret", "smtpPassword"]
        }
    };
    common.contains(&field) || own.contains(&field)
}

/// What a kind cannot work without: plain fields, then the secret that authenticates its webhooks.
fn required(kind: ChannelKind) -> (&'static [&'static str], Secret) {
    match kind {
        ChannelKind::Whatsapp => (&["phoneNumberId"], Secret::AppSecret),
        ChannelKind::Sms => (&["address", "smsAccountSid"], Secret::AuthToken),
        ChannelKind::Email => (&["inboundAddress"], Secret::InboundSecret),
    }
}

impl Draft {
    fn plain(&self) -> [(&'static str, bool); 9] {
        [
            ("phoneNumberId", self.phone_number_id.is_some()),
            ("wabaId", self.waba_id.is_some()),
            ("address", self.address.is_some()),
            ("smsAccountSid", self.sms_account_sid.is_some()),
            ("inboundAddress", self.inbound_address.is_some()),
            ("smtpHost", self.smtp_host.is_some()),
            ("smtpPort", self.smtp_port.is_some()),
            ("smtpUsername", self.smtp_username.is_some()),
            ("templates", self.templates.is_some()),
        ]
    }

    /// Checks the draft of a `kind` account whose secrets `has` says are set, and normalises
    /// its addresses.
    pub fn check(mut self, kind: ChannelKind, has: impl Fn(Secret) -> bool) -> Result<Draft, RecordError> {
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() {
            return Err(RecordError::invalid("channel.required", "name"));
        }
        for (field, set) in self.plain() {
            if set && !allowed(kind, field) {
                return Err(RecordError::invalid("channel.field_not_for_kind", field));
            }
        }
        for secret in Secret::ALL {
            if has(secret) && !allowed(kind, secret.field()) {
                return Err(RecordError::invalid("channel.field_not_for_kind", secret.field()));
            }
        }
        let (fields, secret) = required(kind);
        for field in fields {
            if !self.plain().iter().any(|(f, set)| f == field && *set) {
                return Err(RecordError::invalid("channel.required", *field));
            }
        }
        if !has(secret) {
            return Err(RecordError::invalid("channel.required", secret.field()));
        }
        let bad_address = || RecordError::invalid("channel.invalid_address", "address");
        self.address = match (&self.address, kind) {
            (None, _) => None,
            (Some(a), ChannelKind::Email) => Some(Email::parse(a).map_err(|_| bad_address())?.normalized().to_owned()),
            (Some(a), _) => Some(PhoneE164::parse_international(a).map_err(|_| bad_address())?.as_str().to_owned()),
        };
        if let Some(a) = &self.inbound_address {
            let email =
                Email::parse(a).map_err(|_| RecordError::invalid("channel.invalid_address", "inboundAddress"))?;
            self.inbound_address = Some(email.normalized().to_owned());
        }
        if let Some(id) = &self.phone_number_id
            && !id.chars().all(|c| c.is_ascii_digit())
        {
            return Err(RecordError::invalid("channel.invalid_phone_number_id", "phoneNumberId"));
        }
        if self.smtp_port.is_some_and(|p| !(1..=65535).contains(&p)) {
            return Err(RecordError::invalid("channel.invalid_port", "smtpPort"));
        }
        if let Some(t) = &self.templates {
            super::templates::check(t)?;
        }
        Ok(self)
    }

    /// The columns to write.
    pub fn data(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("phoneNumberId".into(), json!(self.phone_number_id));
        m.insert("wabaId".into(), json!(self.waba_id));
        m.insert("address".into(), json!(self.address));
        m.insert("smsAccountSid".into(), json!(self.sms_account_sid));
        m.insert("inboundAddress".into(), json!(self.inbound_address));
        m.insert("smtpHost".into(), json!(self.smtp_host));
        m.insert("smtpPort".into(), json!(self.smtp_port));
        m.insert("smtpUsername".into(), json!(self.smtp_username));
        m.insert("templates".into(), self.templates.clone().unwrap_or(Value::Null));
        m
    }

    /// The draft of a stored row.
    pub fn from_row(row: &Value) -> Draft {
        let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
        Draft {
            name: text("name").unwrap_or_default(),
            phone_number_id: text("phoneNumberId"),
            waba_id: text("wabaId"),
            address: text("address"),
            sms_account_sid: text("smsAccountSid"),
            inbound_address: text("inboundAddress"),
            smtp_host: text("smtpHost"),
            smtp_port: row.get("smtpPort").and_then(Value::as_i64),
            smtp_username: text("smtpUsername"),
            templates: row.get("templates").filter(|v| !v.is_null()).cloned(),
        }
    }
}

/// A secret input: trimmed, empty means unset.
pub(super) fn secret(value: Option<String>) -> Option<String> {
    trimmed(value)
}
