//! Real time over Socket.IO (protocol v5, the official `socket.io-client` v4): the inbox stream
//! at namespace [`NAMESPACE`] on the HTTP port's [`PATH`].
//!
//! - [`handshake`]: the CONNECT handshake checks the access token (`auth: {token}`, or the web
//!   UI's `manzil_access` cookie on an agency's host) and the host's agency, and joins the
//!   socket's server-side rooms. A client cannot join rooms: there is no event for it.
//! - [`pump`]: one task per socket turns the event bus into that socket's stream: it replays what
//!   the client missed (`auth: {lastSeq}`, or the `replay` event), then delivers live events,
//!   each read under the receiver's rules at the moment of delivery.
//!
//! The event bus is `app.events` (`EventBus`): every node that serves sockets subscribes to it,
//! so a bus shared across nodes (Redis) is all scale-out needs for delivery; the Socket.IO
//! adapter stays local (see `docs/inbox.md`).

mod handshake;
mod pump;

use std::convert::Infallible;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use socketioxide::SocketIo;
use socketioxide::adapter::LocalAdapter;
use socketioxide::handler::ConnectHandler;
use tower::ServiceBuilder;
use tower::service_fn;

use crate::AppState;
use crate::error::ApiError;
use crate::host::resolve_tenant;

/// Where the Engine.IO transport is served (the client's default `path`).
pub const PATH: &str = "/socket.io/";
/// The inbox's namespace: `io("https://dar.example.com/inbox", {auth: {token, lastSeq}})`.
pub const NAMESPACE: &str = "/inbox";
/// Packets buffered per socket before an emit has to wait (a replay emits in bursts).
const SOCKET_BUFFER: usize = 1024;

/// The Socket.IO endpoint, as a router to merge into the application's. The host is resolved to
/// its agency first, exactly as for the API (an unknown agency's host is 404 `tenant.not_found`).
pub fn router(state: &AppState) -> Router<AppState> {
    let (layer, io) = SocketIo::builder().with_state(state.clone()).max_buffer_size(SOCKET_BUFFER).build_layer();
    // `ns` needs the concrete adapter type; the handlers themselves are generic over it.
    io.ns(NAMESPACE, pump::on_connect::<LocalAdapter>.with(handshake::authenticate::<LocalAdapter>));
    // Every request of this route is Socket.IO's: the inner service only answers the odd path.
    let not_found = service_fn(|_| async {
        Ok::<_, Infallible>(ApiError::new(StatusCode::NOT_FOUND, "route.not_found").into_response())
    });
    let service = ServiceBuilder::new().layer(layer).service(not_found);
    Router::new().route_service(PATH, service).route_layer(from_fn_with_state(state.clone(), resolve_tenant))
}
