//! A user as the API shows them ([`UserView`]: never the password hash), and as the caller of a
//! request ([`Actor`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use domain::{Locale, Role};

use crate::actor::Actor;

/// A user of an agency, read under the caller's rules. The password hash is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserView {
    #[schema(example = "5d0f8a52-7c1e-4f0a-9a43-2f1b7e6c9d10")]
    pub id: String,
    pub tenant_id: String,
    /// Stored lower-cased.
    #[schema(example = "agent1@dar.demo")]
    pub email: String,
    #[schema(example = "سارة المنصوري")]
    pub name: String,
    #[schema(value_type = String, example = "AGENT")]
    pub role: Role,
    pub team_id: Option<String>,
    /// The interface language.
    #[schema(value_type = String, example = "ar")]
    pub locale: Locale,
    /// The languages the user speaks with clients (ISO 639 codes), for routing.
    #[schema(example = json!(["ar", "en"]))]
    pub languages: Vec<String>,
    /// `false`: deactivated, cannot sign in.
    pub active: bool,
    #[schema(example = "2026-03-15T09:30:00.000Z")]
    pub created_at: String,
    pub updated_at: String,
}

impl UserView {
    /// From an engine row (extra columns such as `lastAssignedAt` are ignored).
    pub(crate) fn from_row(row: &Value) -> Option<UserView> {
        serde_json::from_value(row.clone()).ok()
    }
}

impl From<&UserView> for Actor {
    fn from(user: &UserView) -> Actor {
        Actor {
            user_id: user.id.clone(),
            tenant_id: user.tenant_id.clone(),
            role: user.role,
            team_id: user.team_id.clone(),
            locale: user.locale,
        }
    }
}
