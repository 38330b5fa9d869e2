//! The CONNECT handshake of the inbox namespace: who is connecting, for which agency, from where
//! in the event log. A refusal reaches the client as `connect_error` whose `message` is a stable
//! code: `auth.invalid_token` (no, a bad, an expired or another agency's token, or a deactivated
//! user), `auth.csrf` (a session cookie sent from another site), `request.invalid` (a malformed
//! `lastSeq`), `internal`.

use std::fmt;

use app::Actor;
use axum::http::HeaderMap;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{MaybeHttpExtension, SocketRef, State, TryData};

use crate::AppState;
use crate::cookies;
use crate::error::ApiError;
use crate::host::HostTenant;

/// Who a socket belongs to, kept in the socket's extensions by [`authenticate`].
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The caller at connect time; the pump re-reads the user row before every delivery.
    pub actor: Actor,
    /// The last event the client says it has (`auth.lastSeq`): replay what came after.
    pub last_seq: Option<i64>,
}

/// Why a connection was refused: an [`ApiError`] code, the client's `connect_error` message.
#[derive(Debug)]
pub(crate) struct Refused(ApiError);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.code)
    }
}

impl<E: Into<ApiError>> From<E> for Refused {
    fn from(e: E) -> Self {
        Refused(e.into())
    }
}

/// The client's `auth` payload, parsed: `{token?: string, lastSeq?: non-negative integer}`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Handshake {
    pub token: Option<String>,
    pub last_seq: Option<i64>,
}

impl Handshake {
    /// Anything but an object is an empty handshake (a cookie may still authenticate it); a
    /// `lastSeq` that is not a non-negative integer is a bad request.
    pub fn parse(auth: Option<&Value>) -> Result<Handshake, ApiError> {
        let Some(Value::Object(o)) = auth else { return Ok(Handshake::default()) };
        let token = o.get("token").and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let last_seq = match o.get("lastSeq") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_i64().filter(|s| *s >= 0).ok_or_else(ApiError::invalid_request)?),
        };
        Ok(Handshake { token, last_seq })
    }
}

/// The access token: the handshake's, else the session cookie — on an agency's host only, and
/// only when the browser says the page is of the same origin (a foreign page cannot open a
/// socket with the user's cookie).
fn token(handshake: &Handshake, headers: &HeaderMap, host: &HostTenant) -> Result<String, ApiError> {
    if let Some(t) = &handshake.token {
        return Ok(t.clone());
    }
    match (host, cookies::get(headers, cookies::ACCESS)) {
        (HostTenant::Tenant(_), Some(cookie)) => {
            cookies::check_same_origin(headers)?;
            Ok(cookie)
        }
        _ => Err(ApiError::invalid_token()),
    }
}

/// Connect middleware: authenticates the socket, or refuses it.
pub(crate) async fn authenticate<A: Adapter>(
    s: SocketRef<A>,
    TryData(auth): TryData<Value>,
    State(state): State<AppState>,
    MaybeHttpExtension(host): MaybeHttpExtension<HostTenant>,
) -> Result<(), Refused> {
    let host = host.unwrap_or(HostTenant::Bare);
    let handshake = Handshake::parse(auth.ok().as_ref())?;
    let token = token(&handshake, &s.req_parts().headers, &host)?;
    let actor = state.app.auth.current_actor(&token, host.tenant()).await?;
    s.extensions.insert(Session { actor, last_seq: handshake.last_seq });
    Ok(())
}

/// The rooms a socket is put in (server-side; the client has no say): its user's, and for
/// managers their team's, for admins their agency's.
pub(crate) fn rooms(actor: &Actor) -> Vec<String> {
    let mut rooms = vec![format!("agent:{}", actor.user_id)];
    match actor.role {
        app::Role::Manager => rooms.extend(actor.team_id.as_ref().map(|t| format!("team:{t}"))),
        app::Role::Admin => rooms.push(format!("tenant:{}", actor.tenant_id)),
        app::Role::Agent => {}
    }
    rooms
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::{Locale, Role};
    use axum::http::HeaderValue;
    use serde_json::json;

    #[test]
    fn handshakes() {
        assert_eq!(Handshake::parse(None).unwrap(), Handshake::default());
        assert_eq!(Handshake::parse(Some(&json!("x"))).unwrap(), Handshake::default());
        assert_eq!(
            Handshake::parse(Some(&json!({"token": " t ", "lastSeq": 7}))).unwrap(),
            Handshake { token: Some("t".into()), last_seq: Some(7) }
        );
        assert_eq!(Handshake::parse(Some(&json!({"token": "", "lastSeq": null}))).unwrap(), Handshake::default());
        for bad in [json!(-1), json!("7"), json!(1.5)] {
            assert_eq!(Handshake::parse(Some(&json!({"lastSeq": bad}))).unwrap_err().code, "request.invalid");
        }
    }

    #[test]
    fn the_cookie_counts_on_an_agency_host_from_the_same_origin_only() {
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_static("manzil_access=abc"));
        headers.insert("host", HeaderValue::from_static("dar.localhost"));
        let none = Handshake::default();
        assert_eq!(token(&none, &headers, &HostTenant::Bare).unwrap_err().code, "auth.invalid_token");
        let tenant = app::tenants::Tenant {
            id: "t1".into(),
            slug: "dar".into(),
            name: "Dar".into(),
            default_locale: Locale::Ar,
            currency: "AED".into(),
            time_zone: domain::TimeZone::DUBAI,
            country: "AE".into(),
        };
        let dar = HostTenant::Tenant(Box::new(tenant));
        assert_eq!(token(&none, &headers, &dar).unwrap(), "abc");
        headers.insert("origin", HeaderValue::from_static("http://evil.example"));
        assert_eq!(token(&none, &headers, &dar).unwrap_err().code, "auth.csrf");
        let given = Handshake { token: Some("tok".into()), last_seq: None };
        assert_eq!(token(&given, &headers, &dar).unwrap(), "tok", "the handshake's token wins");
    }

    #[test]
    fn rooms_by_role() {
        let actor = |role, team: Option<&str>| Actor {
            user_id: "u1".into(),
            tenant_id: "t1".into(),
            role,
            team_id: team.map(str::to_owned),
            locale: Locale::En,
        };
        assert_eq!(rooms(&actor(Role::Agent, Some("x"))), vec!["agent:u1"]);
        assert_eq!(rooms(&actor(Role::Manager, Some("x"))), vec!["agent:u1", "team:x"]);
        assert_eq!(rooms(&actor(Role::Manager, None)), vec!["agent:u1"]);
        assert_eq!(rooms(&actor(Role::Admin, None)), vec!["agent:u1", "tenant:t1"]);
    }
}
