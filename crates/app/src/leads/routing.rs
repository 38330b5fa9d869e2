//! Round-robin routing of new leads: the next active agent, preferring those who speak the lead's
//! language, then the one assigned longest ago (`lastAssignedAt`, never-assigned first).
//!
//! Runs as the named system actor: `lastAssignedAt` is written by the router only (the rules let
//! only an admin change it). The pick is claimed with a compare-and-set on `lastAssignedAt`, so
//! two leads routed at the same moment go to two agents.

use serde_json::{Value, json};
use store::Db;

use domain::{Locale, Role};

use super::LeadError;
use crate::actor::Actor;

/// How often a lost compare-and-set is retried before the pick is taken anyway.
const CLAIM_ATTEMPTS: usize = 5;

/// The agent a new lead goes to, or `None` when the agency has no eligible agent.
///
/// A manager's leads are routed within their own team (the rules would not let them create a
/// lead for another team's agent); an admin's within the whole agency.
pub(super) async fn next_agent(db: &Db, actor: &Actor, language: Option<Locale>) -> Result<Option<String>, LeadError> {
    let system = db.as_system("leads: routing");
    let mut filter = json!({"tenantId": actor.tenant_id, "role": "AGENT", "active": true});
    if actor.role == Role::Manager {
        match &actor.team_id {
            Some(team) => filter["teamId"] = json!(team),
            None => return Ok(None),
        }
    }
    for attempt in 0..CLAIM_ATTEMPTS {
        let mut candidates = Vec::new();
        if let Some(lang) = language {
            let mut speaks = filter.clone();
            speaks["languages"] = json!({"has": lang.as_str()});
            candidates = first_in_line(&system, speaks).await?;
        }
        if candidates.is_empty() {
            candidates = first_in_line(&system, filter.clone()).await?;
        }
        let Some(pick) = candidates.into_iter().next() else { return Ok(None) };
        let Some(id) = pick.get("id").and_then(Value::as_str).map(str::to_owned) else { return Ok(None) };
        let last = pick.get("lastAssignedAt").cloned().unwrap_or(Value::Null);
        let claimed = system
            .run(
                "User",
                "updateMany",
                &json!({
                    "where": {"id": id, "tenantId": actor.tenant_id, "lastAssignedAt": last},
                    "data": {"lastAssignedAt": store::now_string()},
                }),
            )
            .await?;
        if claimed.get("count").and_then(Value::as_i64) == Some(1) || attempt + 1 == CLAIM_ATTEMPTS {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The agent assigned longest ago among `filter` (never-assigned first, then the oldest account).
async fn first_in_line(system: &store::Client, filter: Value) -> Result<Vec<Value>, LeadError> {
    let rows = system
        .run(
            "User",
            "findMany",
            &json!({
                "where": filter,
                "orderBy": [{"lastAssignedAt": {"sort": "asc", "nulls": "first"}}, {"createdAt": "asc"}, {"id": "asc"}],
                "select": {"id": true, "lastAssignedAt": true},
                "take": 1,
            }),
        )
        .await?;
    Ok(match rows {
        Value::Array(rows) => rows,
        _ => Vec::new(),
    })
}
