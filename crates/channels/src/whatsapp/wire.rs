//! Serde mirrors of Meta's JSON. Every field is optional and unknown fields are ignored: what is required is decided
//! in `parse`, item by item, so that one odd message cannot sink a whole batch.

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
pub(super) struct Notification {
    pub object: Option<String>,
    #[serde(default)]
    pub entry: Vec<Entry>,
}

#[derive(Deserialize)]
pub(super) struct Entry {
    pub id: Option<String>,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Deserialize)]
pub(super) struct Change {
    pub field: Option<String>,
    pub value: Option<Value>,
}

/// The `value` of a `messages` change. Items stay raw JSON and are decoded one at a time.
#[derive(Deserialize)]
pub(super) struct ChangeValue {
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub messages: Vec<Value>,
    #[serde(default)]
    pub statuses: Vec<Value>,
    #[serde(default)]
    pub errors: Vec<Value>,
}

#[derive(Deserialize)]
pub(super) struct Metadata {
    pub display_phone_number: Option<String>,
    pub phone_number_id: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Contact {
    pub wa_id: Option<String>,
    pub user_id: Option<String>,
    pub profile: Option<Profile>,
}

#[derive(Deserialize)]
pub(super) struct Profile {
    pub name: Option<String>,
    pub username: Option<String>,
}

/// Meta sends timestamps as strings of Unix seconds; accept a bare number too.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum Scalar {
    Text(String),
    Int(i64),
}

#[derive(Deserialize)]
pub(super) struct Message {
    pub from: Option<String>,
    pub from_user_id: Option<String>,
    pub id: Option<String>,
    pub timestamp: Option<Scalar>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub context: Option<Context>,
    pub referral: Option<Referral>,
    #[serde(default)]
    pub errors: Vec<Value>,
    /// The object named after the type (`text`, `image`, …), picked out of the message by `type`.
    #[serde(flatten)]
    pub rest: serde_json::Map<String, Value>,
}

#[derive(Deserialize)]
pub(super) struct Context {
    pub id: Option<String>,
    #[serde(default)]
    pub forwarded: bool,
    #[serde(default)]
    pub frequently_forwarded: bool,
}

#[derive(Deserialize)]
pub(super) struct Referral {
    pub source_url: Option<String>,
    pub source_id: Option<String>,
    pub source_type: Option<String>,
    pub headline: Option<String>,
    pub body: Option<String>,
    pub ctwa_clid: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Text {
    pub body: String,
}

#[derive(Deserialize)]
pub(super) struct Media {
    pub id: String,
    pub mime_type: Option<String>,
    pub sha256: Option<String>,
    pub caption: Option<String>,
    pub filename: Option<String>,
    pub url: Option<String>,
    #[serde(default)]
    pub voice: bool,
    #[serde(default)]
    pub animated: bool,
}

#[derive(Deserialize)]
pub(super) struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub name: Option<String>,
    pub address: Option<String>,
    pub url: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SharedContact {
    pub name: Option<SharedName>,
    #[serde(default)]
    pub phones: Vec<SharedPhone>,
    #[serde(default)]
    pub emails: Vec<SharedEmail>,
    pub org: Option<Org>,
}

#[derive(Deserialize)]
pub(super) struct SharedName {
    pub formatted_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SharedPhone {
    pub phone: Option<String>,
    pub wa_id: Option<String>,
    #[serde(rename = "type")]
    pub label: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct SharedEmail {
    pub email: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Org {
    pub company: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Interactive {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub button_reply: Option<Choice>,
    pub list_reply: Option<Choice>,
}

#[derive(Deserialize)]
pub(super) struct Choice {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Button {
    pub payload: Option<String>,
    pub text: String,
}

#[derive(Deserialize)]
pub(super) struct Reaction {
    pub message_id: String,
    pub emoji: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Unsupported {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Status {
    pub id: Option<String>,
    pub status: Option<String>,
    pub timestamp: Option<Scalar>,
    pub recipient_id: Option<String>,
    pub recipient_user_id: Option<String>,
    #[serde(default)]
    pub errors: Vec<Value>,
    pub conversation: Option<Conversation>,
    pub pricing: Option<Pricing>,
    pub biz_opaque_callback_data: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Conversation {
    pub id: String,
    pub expiration_timestamp: Option<Scalar>,
    pub origin: Option<Origin>,
}

#[derive(Deserialize)]
pub(super) struct Origin {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Pricing {
    pub billable: Option<bool>,
    pub pricing_model: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub category: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct Error {
    pub code: Option<i64>,
    pub title: Option<String>,
    pub message: Option<String>,
    pub error_data: Option<ErrorData>,
    pub href: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ErrorData {
    pub details: Option<String>,
}
