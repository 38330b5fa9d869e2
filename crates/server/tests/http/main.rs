//! The HTTP test suite: the real server, in-process, on SQLite and on PostgreSQL.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod support;

mod activities;
mod browser;
mod channels;
mod cli;
mod cookies;
mod crash;
mod deals;
mod exports;
mod files;
mod health;
mod hosts;
mod imports;
mod inbox_api;
mod inbox_email;
mod inbox_media;
mod inbox_outbound;
mod inbox_support;
mod isolation;
mod leads;
mod login;
mod matching;
mod openapi;
mod pages;
mod pages_admin;
mod pages_deals;
mod pages_inbox;
mod pages_lists;
mod pages_records;
mod pages_settings;
mod pages_time_zone;
mod properties;
mod realtime;
mod refresh;
mod requests;
mod s3;
mod sandbox;
mod screenshots;
mod teams;
mod tokens;
mod users;
mod walkthrough;
mod webhooks_dedupe;
mod webhooks_email;
mod webhooks_sms;
mod webhooks_support;
mod webhooks_whatsapp;
