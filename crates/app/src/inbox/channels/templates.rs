//! A WhatsApp account's message templates (its `templates` field): what the inbox composer offers
//! once a customer's 24-hour window has closed. The templates themselves are approved at Meta;
//! the account keeps the list the agency may send, one entry per template name:
//!
//! ```json
//! [{"name": "viewing_reminder", "category": "UTILITY", "languages": ["ar", "en"],
//!   "bodies": {"ar": "تذكير بموعد المعاينة {{1}}", "en": "A reminder of your viewing on {{1}}"}}]
//! ```
//!
//! `name` and `languages` are what a send names (`name` + one language); `category` and `bodies`
//! (each language's text, with `{{1}}`, `{{2}}`… for the parameters) describe it. [`check`] is the
//! rule every write of the field passes; [`add`] and [`remove`] edit one (name, language) pair.

use serde_json::{Map, Value, json};
use store::Db;

use super::view::{ChannelKind, ChannelPatch, ChannelView};
use super::{ChannelSettings, get, update};
use crate::actor::Actor;
use crate::records::RecordError;

/// The categories Meta files templates under.
pub const CATEGORIES: [&str; 3] = ["MARKETING", "UTILITY", "AUTHENTICATION"];
/// The longest template name Meta accepts.
const MAX_NAME: usize = 512;
/// The longest body Meta accepts, in characters.
const MAX_BODY: usize = 1024;
/// The most templates one account lists.
const MAX_TEMPLATES: usize = 200;
/// The most parameters a body may have.
const MAX_PARAMS: usize = 20;

fn invalid(i: usize, part: &str) -> RecordError {
    RecordError::invalid("channel.invalid_templates", format!("templates[{i}].{part}"))
}

/// A template name: lower-case letters, digits and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A WhatsApp language code: `ar`, `en`, `en_US`.
pub fn valid_language(code: &str) -> bool {
    let (base, region) = code.split_once('_').map_or((code, None), |(b, r)| (b, Some(r)));
    (2..=3).contains(&base.len())
        && base.bytes().all(|b| b.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.bytes().all(|b| b.is_ascii_uppercase()))
}

/// The number of parameters of a body (`{{1}}`…`{{n}}`), or `None` when its placeholders are not
/// numbered 1 to n (a gap, a `{{0}}`, a name instead of a number, an unclosed `{{`).
pub fn params(body: &str) -> Option<usize> {
    let mut seen: Vec<usize> = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let n: usize = after[..end].trim().parse().ok()?;
        if n == 0 || n > MAX_PARAMS {
            return None;
        }
        if !seen.contains(&n) {
            seen.push(n);
        }
        rest = &after[end + 2..];
    }
    seen.sort_unstable();
    seen.iter().enumerate().all(|(i, n)| *n == i + 1).then_some(seen.len())
}

/// Checks a `templates` value: a list of distinct names, each with its languages, an optional
/// category and optional bodies (non-empty, for listed languages, the same number of parameters
/// numbered from 1 in every language). Errors name the part: `templates[2].bodies.ar`.
pub fn check(templates: &Value) -> Result<(), RecordError> {
    let Some(list) = templates.as_array() else {
        return Err(RecordError::invalid("channel.invalid_templates", "templates"));
    };
    if list.len() > MAX_TEMPLATES {
        return Err(RecordError::invalid("channel.invalid_templates", "templates"));
    }
    let mut names: Vec<&str> = Vec::new();
    for (i, t) in list.iter().enumerate() {
        let Some(t) = t.as_object() else { return Err(invalid(i, "name")) };
        let name = t.get("name").and_then(Value::as_str).filter(|n| valid_name(n)).ok_or_else(|| invalid(i, "name"))?;
        if names.contains(&name) {
            return Err(invalid(i, "name"));
        }
        names.push(name);
        let languages: Vec<&str> = t
            .get("languages")
            .and_then(Value::as_array)
            .filter(|l| !l.is_empty())
            .ok_or_else(|| invalid(i, "languages"))?
            .iter()
            .map(|l| l.as_str().filter(|l| valid_language(l)).ok_or_else(|| invalid(i, "languages")))
            .collect::<Result<_, _>>()?;
        if (1..languages.len()).any(|k| languages[..k].contains(&languages[k])) {
            return Err(invalid(i, "languages"));
        }
        match t.get("category") {
            None | Some(Value::Null) => {}
            Some(c) if c.as_str().is_some_and(|c| CATEGORIES.contains(&c)) => {}
            Some(_) => return Err(invalid(i, "category")),
        }
        let bodies = match t.get("bodies") {
            None | Some(Value::Null) => continue,
            Some(Value::Object(b)) => b,
            Some(_) => return Err(invalid(i, "bodies")),
        };
        let mut count: Option<usize> = None;
        for (language, body) in bodies {
            let part = format!("bodies.{language}");
            if !languages.contains(&language.as_str()) {
                return Err(invalid(i, &part));
            }
            let body = body.as_str().map(str::trim).filter(|b| !b.is_empty()).ok_or_else(|| invalid(i, &part))?;
            if body.chars().count() > MAX_BODY {
                return Err(invalid(i, &part));
            }
            let n = params(body).ok_or_else(|| invalid(i, "params"))?;
            if count.is_some_and(|c| c != n) {
                return Err(invalid(i, "params"));
            }
            count = Some(n);
        }
    }
    Ok(())
}

/// One template in one language, as the settings page adds it.
#[derive(Debug, Clone, Default)]
pub struct NewTemplate {
    pub name: String,
    pub language: String,
    pub category: Option<String>,
    pub body: String,
}

/// The account's templates as a list (none yet: empty).
fn list_of(channel: &ChannelView) -> Vec<Value> {
    channel.templates.as_ref().and_then(Value::as_array).cloned().unwrap_or_default()
}

/// Saves `templates` on a WhatsApp account through the ordinary edit (admins, checked as above).
async fn save(
    db: &Db,
    settings: &ChannelSettings,
    actor: &Actor,
    channel: &ChannelView,
    templates: Vec<Value>,
) -> Result<ChannelView, RecordError> {
    let patch = ChannelPatch {
        templates: Some((!templates.is_empty()).then(|| Value::Array(templates))),
        ..ChannelPatch::default()
    };
    update(db, settings, actor, &channel.id, patch).await
}

/// Adds a template in one language to WhatsApp account `id` (admins): a new name, or a language
/// the name lacks (its category must then agree). The same name and language again is
/// `409 channel.template_exists`.
pub async fn add(
    db: &Db,
    settings: &ChannelSettings,
    actor: &Actor,
    id: &str,
    new: NewTemplate,
) -> Result<ChannelView, RecordError> {
    let channel = get(db, actor, id).await?;
    if channel.kind != ChannelKind::Whatsapp {
        return Err(RecordError::invalid("channel.field_not_for_kind", "templates"));
    }
    let mut templates = list_of(&channel);
    let (name, language, body) = (new.name.trim(), new.language.trim(), new.body.trim());
    let category = new.category.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    let position = templates.iter().position(|t| t.get("name").and_then(Value::as_str) == Some(name));
    let i = position.unwrap_or(templates.len());
    if let Some(t) = position.and_then(|p| templates.get_mut(p)).and_then(Value::as_object_mut) {
        let languages = t.entry("languages").or_insert_with(|| json!([]));
        if languages.as_array().is_some_and(|l| l.iter().any(|l| l.as_str() == Some(language))) {
            return Err(RecordError::Conflict { code: "channel.template_exists", field: "language" });
        }
        if let Some(l) = languages.as_array_mut() {
            l.push(json!(language));
        }
        match (t.get("category").and_then(Value::as_str), &category) {
            (Some(old), Some(c)) if old != c => return Err(invalid(i, "category")),
            (None, Some(c)) => {
                t.insert("category".into(), json!(c));
            }
            _ => {}
        }
        let bodies = t.entry("bodies").or_insert_with(|| Value::Object(Map::new()));
        if let Some(b) = bodies.as_object_mut() {
            b.insert(language.to_owned(), json!(body));
        }
    } else {
        let mut t = Map::new();
        t.insert("name".into(), json!(name));
        if let Some(c) = &category {
            t.insert("category".into(), json!(c));
        }
        t.insert("languages".into(), json!([language]));
        t.insert("bodies".into(), json!({ language: body }));
        templates.push(Value::Object(t));
    }
    // The form always sends a body; the API may leave bodies out, the page may not.
    if body.is_empty() {
        return Err(invalid(i, &format!("bodies.{language}")));
    }
    let value = Value::Array(templates);
    check(&value)?;
    let Value::Array(templates) = value else {
        return Err(RecordError::invalid("channel.invalid_templates", "templates"));
    };
    save(db, settings, actor, &channel, templates).await
}

/// Removes template `name` in `language` from account `id` (admins); the name goes when its last
/// language does. A pair that is not there is `404`.
pub async fn remove(
    db: &Db,
    settings: &ChannelSettings,
    actor: &Actor,
    id: &str,
    name: &str,
    language: &str,
) -> Result<ChannelView, RecordError> {
    let channel = get(db, actor, id).await?;
    let mut templates = list_of(&channel);
    let position = templates.iter().position(|t| {
        t.get("name").and_then(Value::as_str) == Some(name)
            && t.get("languages")
                .and_then(Value::as_array)
                .is_some_and(|l| l.iter().any(|l| l.as_str() == Some(language)))
    });
    let Some(p) = position else { return Err(RecordError::NotFound("ChannelTemplate")) };
    let mut last = false;
    if let Some(t) = templates.get_mut(p).and_then(Value::as_object_mut) {
        if let Some(l) = t.get_mut("languages").and_then(Value::as_array_mut) {
            l.retain(|l| l.as_str() != Some(language));
            last = l.is_empty();
        }
        if let Some(b) = t.get_mut("bodies").and_then(Value::as_object_mut) {
            b.remove(language);
        }
    }
    if last {
        templates.remove(p);
    }
    save(db, settings, actor, &channel, templates).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_languages_and_params() {
        assert!(valid_name("viewing_reminder_2"));
        for bad in ["", "Viewing", "with space", "dash-ed", "عربي"] {
            assert!(!valid_name(bad), "{bad}");
        }
        for good in ["ar", "en", "en_US", "fil"] {
            assert!(valid_language(good), "{good}");
        }
        for bad in ["", "EN", "en-US", "en_us", "english", "e1"] {
            assert!(!valid_language(bad), "{bad}");
        }
        assert_eq!(params("Hello"), Some(0));
        assert_eq!(params("Hello {{1}}, your viewing on {{2}} ({{1}})"), Some(2));
        assert_eq!(params("{{2}} only"), None, "a gap");
        assert_eq!(params("{{0}}"), None);
        assert_eq!(params("{{name}}"), None);
        assert_eq!(params("{{1}"), None, "unclosed");
    }

    #[test]
    fn the_list_is_checked_part_by_part() {
        let ok = json!([
            {"name": "follow_up", "languages": ["ar", "en_US"]},
            {"name": "viewing", "category": "UTILITY", "languages": ["ar", "en"],
             "bodies": {"ar": "موعدك {{1}}", "en": "Your viewing {{1}}"}},
        ]);
        assert!(check(&ok).is_ok());
        let field = |v: Value| match check(&v) {
            Err(RecordError::Invalid { field, .. }) => field.into_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(field(json!({"name": "x"})), "templates");
        assert_eq!(field(json!([{"name": "Bad Name", "languages": ["ar"]}])), "templates[0].name");
        assert_eq!(
            field(json!([{"name": "a", "languages": ["ar"]}, {"name": "a", "languages": ["en"]}])),
            "templates[1].name"
        );
        assert_eq!(field(json!([{"name": "a", "languages": []}])), "templates[0].languages");
        assert_eq!(field(json!([{"name": "a", "languages": ["ar", "ar"]}])), "templates[0].languages");
        assert_eq!(field(json!([{"name": "a", "languages": ["ar"], "category": "PROMO"}])), "templates[0].category");
        assert_eq!(field(json!([{"name": "a", "languages": ["ar"], "bodies": {"ar": " "}}])), "templates[0].bodies.ar");
        assert_eq!(
            field(json!([{"name": "a", "languages": ["ar"], "bodies": {"en": "Hi"}}])),
            "templates[0].bodies.en"
        );
        assert_eq!(
            field(json!([{"name": "a", "languages": ["ar"], "bodies": {"ar": "{{2}}"}}])),
            "templates[0].params"
        );
        let mismatch = json!([{"name": "a", "languages": ["ar", "en"], "bodies": {"ar": "{{1}}", "en": "none"}}]);
        assert_eq!(field(mismatch), "templates[0].params");
    }
}
