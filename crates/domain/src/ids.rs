//! Typed record ids: one newtype per model over a UUID string, so a `LeadId` cannot be passed
//! where a `UserId` is expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Why an id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} must be a UUID, got {input:?}")]
pub struct IdError {
    kind: &'static str,
    input: String,
}

impl IdError {
    /// The id type that rejected the input, e.g. `"LeadId"`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

/// The lower-case hyphenated form of a UUID in any form `uuid` reads (hyphenated, simple,
/// braced, URN).
fn canonical_uuid(kind: &'static str, input: &str) -> Result<String, IdError> {
    Uuid::try_parse(input.trim())
        .map(|uuid| uuid.hyphenated().to_string())
        .map_err(|_| IdError { kind, input: input.to_owned() })
}

// Eight identical newtypes differ only in name; a macro keeps them identical without hiding a DSL.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh random (version 4) id.
            pub fn new_v4() -> Self {
                Self(Uuid::new_v4().hyphenated().to_string())
            }

            /// Parses a UUID, stored in lower-case hyphenated form.
            pub fn parse(input: &str) -> Result<Self, IdError> {
                canonical_uuid(stringify!($name), input).map(Self)
            }

            /// The hyphenated UUID text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

uuid_id!(
    /// An agency (tenant) id.
    TenantId
);
uuid_id!(
    /// A user id.
    UserId
);
uuid_id!(
    /// A lead id.
    LeadId
);
uuid_id!(
    /// A property (listing) id.
    PropertyId
);
uuid_id!(
    /// A deal id.
    DealId
);
uuid_id!(
    /// An activity (call, visit, note, message) id.
    ActivityId
);
uuid_id!(
    /// A team id.
    TeamId
);
uuid_id!(
    /// A stored file id.
    FileId
);

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

    #[test]
    fn new_v4_is_a_parseable_v4_uuid() {
        let id = LeadId::new_v4();
        assert_eq!(LeadId::parse(id.as_str()).unwrap(), id);
        assert_eq!(Uuid::try_parse(id.as_str()).unwrap().get_version_num(), 4);
        assert_ne!(LeadId::new_v4(), id);
    }

    #[test]
    fn parse_canonicalises() {
        assert_eq!(UserId::parse(SAMPLE).unwrap().as_str(), SAMPLE);
        assert_eq!(UserId::parse(&SAMPLE.to_uppercase()).unwrap().as_str(), SAMPLE);
        assert_eq!(UserId::parse(&SAMPLE.replace('-', "")).unwrap().as_str(), SAMPLE);
        assert_eq!(UserId::parse(&format!(" {{{SAMPLE}}} ")).unwrap().to_string(), SAMPLE);
        assert_eq!(SAMPLE.parse::<TenantId>().unwrap().as_str(), SAMPLE);
    }

    #[test]
    fn parse_rejects_non_uuids() {
        let err = DealId::parse("42").unwrap_err();
        assert_eq!(err.kind(), "DealId");
        assert_eq!(err.to_string(), r#"DealId must be a UUID, got "42""#);
        assert!(PropertyId::parse("").is_err());
        assert!(ActivityId::parse(&SAMPLE.replace('e', "g")).is_err());
        assert!(TeamId::parse(&SAMPLE[1..]).is_err());
    }

    #[test]
    fn serde_round_trips_and_rejects() {
        let id = FileId::parse(SAMPLE).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{SAMPLE}\""));
        assert_eq!(serde_json::from_str::<FileId>(&json).unwrap(), id);
        assert!(serde_json::from_str::<FileId>(r#""not-a-uuid""#).is_err());
        assert!(serde_json::from_str::<TenantId>("7").is_err());
    }
}
