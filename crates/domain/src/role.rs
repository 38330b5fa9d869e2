//! `Role`: what a user may do inside their agency, as the policy rules name it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A user's role in their tenant, spelled as in `schema.zmodel`'s `enum Role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    /// Manages the agency: users, teams, settings, every record.
    Admin,
    /// Leads a team and sees its records.
    Manager,
    /// Works the leads assigned to them.
    Agent,
}

/// Why a role name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}; expected ADMIN, MANAGER or AGENT")]
pub struct RoleError(String);

impl Role {
    /// Every role.
    pub const ALL: [Self; 3] = [Self::Admin, Self::Manager, Self::Agent];

    /// Parses `ADMIN`, `MANAGER` or `AGENT`, exactly as spelled in the schema.
    pub fn parse(name: &str) -> Result<Self, RoleError> {
        Self::ALL.into_iter().find(|role| role.as_str() == name).ok_or_else(|| RoleError(name.to_owned()))
    }

    /// The schema spelling, e.g. `"ADMIN"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "ADMIN",
            Self::Manager => "MANAGER",
            Self::Agent => "AGENT",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Role {
    type Error = RoleError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Role> for String {
    fn from(value: Role) -> Self {
        value.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schema_names_only() {
        assert_eq!(Role::parse("ADMIN").unwrap(), Role::Admin);
        assert_eq!(Role::parse("MANAGER").unwrap(), Role::Manager);
        assert_eq!(Role::parse("AGENT").unwrap(), Role::Agent);
        assert_eq!(Role::parse("admin"), Err(RoleError("admin".into())));
        assert!(Role::parse("OWNER").is_err());
        assert!(Role::parse("").is_err());
        assert_eq!(Role::Manager.to_string(), "MANAGER");
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
        }
        assert!(serde_json::from_str::<Role>(r#""Agent""#).is_err());
    }
}
