//! A lead's contact details: phones in E.164 (read with the agency's country), the e-mail and its
//! normalised form, the folded search column, and duplicate detection within the agency.

use serde_json::{Value, json};
use store::{Client, Db};

use domain::{CountryCode, Email, PhoneE164, search_key};

use super::LeadError;
use crate::actor::Actor;
use crate::tenants::AgencySettings;

/// The agency settings a lead write needs, read under the caller's rules.
pub(super) async fn agency_settings(client: &Client, actor: &Actor) -> Result<AgencySettings, LeadError> {
    Ok(crate::tenants::settings(client, &actor.tenant_id).await?.unwrap_or_default())
}

/// Phones in E.164, in the given order, repeats removed. An invalid one names its index.
pub(super) fn normalize_phones(inputs: &[String], country: CountryCode) -> Result<Vec<String>, LeadError> {
    let mut out: Vec<String> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let phone = PhoneE164::parse(input, country)
            .map_err(|reason| LeadError::InvalidPhone { field: format!("phones[{i}]"), reason })?;
        let phone = String::from(phone);
        if !out.contains(&phone) {
            out.push(phone);
        }
    }
    Ok(out)
}

/// The e-mail as given (domain lower-cased) and its normalised form; empty input is no e-mail.
pub(super) fn normalize_email(input: Option<&str>) -> Result<Option<Email>, LeadError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Email::parse(s).map(Some).map_err(LeadError::InvalidEmail),
    }
}

/// The stored, folded search column: name, phones (also as digits and national numbers), e-mail
/// and notes.
pub(super) fn search_text(name: &str, phones: &[String], email: Option<&str>, notes: Option<&str>) -> String {
    let mut parts: Vec<&str> = vec![name];
    parts.extend(phones.iter().map(String::as_str));
    parts.extend(email);
    parts.extend(notes);
    search_key(&parts)
}

/// Refuses a phone or e-mail another lead of the caller's agency already has — also one the
/// caller cannot see (so it runs as system, limited to the caller's tenant). The other lead's id
/// is only named when the caller may read it. `except` is the lead being edited.
pub(super) async fn check_duplicates(
    db: &Db,
    actor: &Actor,
    phones: &[String],
    email: Option<&str>,
    except: Option<&str>,
) -> Result<(), LeadError> {
    let mut any = Vec::new();
    if !phones.is_empty() {
        any.push(json!({"phones": {"hasSome": phones}}));
        any.push(json!({"primaryPhone": {"in": phones}}));
    }
    if let Some(email) = email {
        any.push(json!({"emailNormalized": email}));
    }
    if any.is_empty() {
        return Ok(());
    }
    let mut filter = json!({"tenantId": actor.tenant_id, "OR": any});
    if let Some(id) = except {
        filter["id"] = json!({"not": id});
    }
    let found = db
        .as_system("leads: duplicate check")
        .run(
            "Lead",
            "findFirst",
            &json!({"where": filter, "select": {"id": true, "phones": true, "primaryPhone": true}}),
        )
        .await?;
    let Some(other_id) = found.get("id").and_then(Value::as_str) else { return Ok(()) };
    let same_phone = |v: &Value| v.as_str().is_some_and(|p| phones.iter().any(|x| x == p));
    let phone_match = found.get("phones").and_then(Value::as_array).is_some_and(|ps| ps.iter().any(same_phone))
        || found.get("primaryPhone").is_some_and(same_phone);
    let readable = actor
        .db(db)
        .run("Lead", "findUnique", &json!({"where": {"id": other_id}, "select": {"id": true}}))
        .await?
        .is_object();
    Err(LeadError::Duplicate {
        field: if phone_match { "phones" } else { "email" },
        existing_id: readable.then(|| other_id.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalise_and_name_the_bad_one() {
        let ok = normalize_phones(&["٠٥٠ ١٢٣ ٤٥٦٧".into(), "+971501234567".into()], CountryCode::AE).unwrap();
        assert_eq!(ok, vec!["+971501234567"]);
        match normalize_phones(&["0501234567".into(), "12".into()], CountryCode::AE) {
            Err(LeadError::InvalidPhone { field, .. }) => assert_eq!(field, "phones[1]"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn search_text_covers_phone_forms() {
        let text = search_text("أحمد", &["+971501234567".into()], Some("a@b.ae"), None);
        assert!(text.contains("احمد"));
        assert!(text.contains("0501234567"));
        assert!(text.contains("a@b.ae"));
    }
}
