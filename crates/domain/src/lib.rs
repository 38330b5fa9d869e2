//! Manzil's domain values: parsed, checked types with no I/O, shared by the API and the use cases.
//!
//! Every type is built by a checked constructor (`parse` or `TryFrom`) that returns a typed error,
//! keeps its fields private, implements `Display`, and (de)serialises through that same
//! constructor, so invalid JSON never becomes a value.
//!
//! | type | what it holds |
//! |---|---|
//! | [`PhoneE164`] | a phone number valid for its region, in E.164 (`+971501234567`); reads Arabic digits |
//! | [`CountryCode`] | an ISO-3166 alpha-2 region (`AE`, `SA`, `EG`…), an agency's default for phones |
//! | [`Email`] | an e-mail address with a lower-case [`Email::normalized`] form for duplicates |
//! | [`Locale`] | `ar` or `en`, with its text direction; parses `Accept-Language` |
//! | [`Currency`] | an ISO-4217 currency of the region and its minor units |
//! | [`Money`] | an exact amount in minor units plus its currency (`AED 1,250,000.50`) |
//! | [`Role`] | `ADMIN`, `MANAGER` or `AGENT`, as in `schema.zmodel` |
//! | [`TenantSlug`] | an agency's URL name (`acme-realty`) |
//! | [`TimeZone`] | an agency's IANA time zone (`Asia/Dubai`): wall-clock times and calendar days of instants |
//! | [`TenantId`], [`UserId`], [`LeadId`], [`PropertyId`], [`DealId`], [`ActivityId`], [`TeamId`], [`FileId`] | typed UUID ids |
//!
//! Search: [`fold_search`] folds Arabic spelling variants, diacritics, digit scripts and case;
//! [`search_key`] builds a record's stored search column from its fields.

mod country;
mod currency;
mod email;
mod ids;
mod locale;
mod money;
mod phone;
mod role;
mod script;
mod search;
mod tenant;
mod time_zone;

pub use country::{CountryCode, CountryCodeError};
pub use currency::{Currency, CurrencyError};
pub use email::{Email, EmailError};
pub use ids::{ActivityId, DealId, FileId, IdError, LeadId, PropertyId, TeamId, TenantId, UserId};
pub use locale::{Locale, LocaleError};
pub use money::{Money, MoneyError};
pub use phone::{PhoneE164, PhoneError};
pub use role::{Role, RoleError};
pub use search::{SEARCH_KEY_SEPARATOR, fold_search, search_key};
pub use tenant::{TenantSlug, TenantSlugError};
pub use time_zone::{TimeZone, TimeZoneError};
