//! The CRM's JSON API by feature, one operation per file where a feature grows, and the OpenAPI
//! document generated from their annotations.

pub mod activities;
pub mod audit;
pub mod channels;
pub mod conversations;
pub mod deals;
pub mod exports;
pub mod files;
pub mod imports;
pub mod jobs;
pub mod leads;
pub mod matching;
pub mod openapi;
pub mod properties;
pub mod teams;
pub mod uploads;
pub mod users;
