//! The inbox API: conversations (list, one, assign, status, read mark) and their messages
//! (history, replies through the channel, private notes). Thin handlers over
//! `app::inbox::conversations` and `app::inbox::outbound`.

pub mod list;
pub mod messages;
pub mod update;
