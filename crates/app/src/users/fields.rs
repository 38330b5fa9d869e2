//! Checking a user's inputs: e-mail, name, spoken languages, team, password.

use serde_json::{Value, json};
use store::Db;

use domain::Email;

use super::{MIN_PASSWORD_CHARS, UserError};
use crate::actor::Actor;
use crate::auth::password;
use crate::records::RecordError;

/// The most spoken languages a user may list.
const MAX_LANGUAGES: usize = 20;

fn invalid(code: &'static str, field: impl Into<std::borrow::Cow<'static, str>>) -> UserError {
    UserError::Record(RecordError::invalid(code, field))
}

/// The e-mail as stored: parsed and lower-cased.
pub(super) fn email(input: &str) -> Result<String, UserError> {
    Email::parse(input).map(|e| e.normalized().to_owned()).map_err(|_| invalid("user.invalid_email", "email"))
}

/// The name, trimmed; empty is refused.
pub(super) fn name(input: &str) -> Result<String, UserError> {
    let name = input.trim();
    if name.is_empty() { Err(invalid("user.name_required", "name")) } else { Ok(name.to_owned()) }
}

/// ISO 639 language codes (two or three letters), lower-cased, repeats dropped, order kept.
pub(super) fn languages(input: &[String]) -> Result<Vec<String>, UserError> {
    if input.len() > MAX_LANGUAGES {
        return Err(invalid("user.invalid_language", "languages"));
    }
    let mut out: Vec<String> = Vec::with_capacity(input.len());
    for (i, code) in input.iter().enumerate() {
        let code = code.trim().to_ascii_lowercase();
        if !(2..=3).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(invalid("user.invalid_language", format!("languages[{i}]")));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Refuses a new password shorter than [`MIN_PASSWORD_CHARS`]. `field` names it in errors.
pub(super) fn check_strength(plain: &str, field: &'static str) -> Result<(), UserError> {
    if plain.chars().count() < MIN_PASSWORD_CHARS { Err(invalid("user.weak_password", field)) } else { Ok(()) }
}

/// Checks a new password's length and hashes it (argon2id).
pub(super) async fn hash_password(plain: String, field: &'static str) -> Result<String, UserError> {
    check_strength(&plain, field)?;
    password::hash(plain).await.map_err(UserError::Hashing)
}

/// The team id when it names a team of the caller's agency (read under the caller's rules).
pub(super) async fn team(db: &Db, actor: &Actor, id: &str) -> Result<String, UserError> {
    let row = actor.db(db).run("Team", "findUnique", &json!({"where": {"id": id}, "select": {"id": true}})).await?;
    match row.get("id").and_then(Value::as_str) {
        Some(id) => Ok(id.to_owned()),
        None => Err(invalid("user.invalid_team", "teamId")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_iso_codes() {
        let codes = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(languages(&codes(&["AR", " en", "ar", "fil"])).unwrap(), codes(&["ar", "en", "fil"]));
        assert!(languages(&codes(&["en", "english"])).is_err());
        assert!(languages(&codes(&["e1"])).is_err());
        assert!(languages(&[]).unwrap().is_empty());
    }

    #[test]
    fn names_and_emails() {
        assert_eq!(name("  Sara ").unwrap(), "Sara");
        assert!(name("   ").is_err());
        assert_eq!(email(" Sara@Dar.Example ").unwrap(), "sara@dar.example");
        assert!(email("not an email").is_err());
    }
}
