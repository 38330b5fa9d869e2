//! The caller of a use case: who they are, in which tenant, with which role, right now.

use serde_json::json;

pub use domain::{Locale, Role};

/// The authenticated caller, built from the user's row on every request (never from a token's
/// claims alone), so a demotion or a deactivation applies at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub tenant_id: String,
    pub role: Role,
    pub team_id: Option<String>,
    pub locale: Locale,
}

impl Actor {
    /// The `auth()` object the schema's rules see: `{"id","tenantId","role","teamId"}`.
    pub fn auth(&self) -> store::Auth {
        store::Auth(Some(json!({
            "id": self.user_id,
            "tenantId": self.tenant_id,
            "role": self.role.as_str(),
            "teamId": self.team_id,
        })))
    }

    /// A query handle that runs every statement under this caller's rules.
    pub fn db(&self, db: &store::Db) -> store::Client {
        db.for_auth(self.auth())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_json_has_what_the_rules_read() {
        let a = Actor {
            user_id: "u1".into(),
            tenant_id: "t1".into(),
            role: Role::Manager,
            team_id: None,
            locale: Locale::En,
        };
        assert_eq!(a.auth().0, Some(json!({"id": "u1", "tenantId": "t1", "role": "MANAGER", "teamId": null})));
    }
}
