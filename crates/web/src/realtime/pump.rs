//! One task per connected socket: replay what the client missed, then deliver live events, in
//! order, each once, each read under the receiver's rules as they are at that moment.
//!
//! The task subscribes to the bus *before* it reads the table, so an event recorded while the
//! replay runs is both in the table and in the subscription; the [`Cursor`] delivers it once.
//! A subscription that falls behind (`Lagged`) or a read that fails is made good from the table.
//!
//! Server → client events: `ready {seq}` (the stream is live; `seq` is the cursor so far),
//! `new_message`, `message_status`, `conversation_assigned`, `conversation_read`,
//! `conversation_status` (each with its `seq`), `resync {seq}` (the server could not fill a gap:
//! reload from the REST API), `inbox_error {code}` (a malformed client event).
//! Client → server: `replay {after}` (deliver again everything after `after`).

use std::sync::Arc;
use std::time::Duration;

use app::Actor;
use app::inbox::events::InboxEvent;
use app::inbox::realtime::{Cursor, Delivery, REPLAY_PAGE, delivery_for, latest_seq, replay_page};
use serde_json::{Value, json};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{Extension, SocketRef, State, TryData};
use socketioxide::{SendError, SocketError};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{Notify, broadcast, mpsc};

use super::handshake::{Session, rooms};
use crate::AppState;

/// The most events one replay delivers; past it the client is told to `resync`.
const MAX_REPLAY: usize = 5000;
/// How long an emit waits for a client that does not read before the socket is dropped (it
/// reconnects with its `lastSeq` and loses nothing).
const EMIT_PATIENCE: Duration = Duration::from_secs(5);

/// Connect handler: joins the socket's rooms, subscribes to the bus and starts its pump.
pub(crate) async fn on_connect<A: Adapter>(
    s: SocketRef<A>,
    Extension(session): Extension<Session>,
    State(state): State<AppState>,
) {
    for room in rooms(&session.actor) {
        s.join(room);
    }
    // Subscribe now, before anything is read from the table.
    let live = state.app.events.subscribe();
    let stop = Arc::new(Notify::new());
    let (replays, commands) = mpsc::channel::<i64>(4);
    s.on("replay", move |s: SocketRef<A>, TryData(after): TryData<Value>| {
        let replays = replays.clone();
        async move {
            match after.ok().as_ref().and_then(|v| v.get("after")).and_then(Value::as_i64).filter(|a| *a >= 0) {
                // A full queue already holds a replay that covers this one.
                Some(after) => drop(replays.try_send(after)),
                None => drop(s.emit("inbox_error", &json!({"code": "request.invalid"}))),
            }
        }
    });
    let on_disconnect = stop.clone();
    s.on_disconnect(move || {
        let stop = on_disconnect.clone();
        async move { stop.notify_one() }
    });
    let pump = Pump { state, socket: s, user_id: session.actor.user_id.clone(), tenant_id: session.actor.tenant_id };
    tokio::spawn(pump.run(session.last_seq, live, commands, stop));
}

/// Why a pump stops.
enum Stop {
    /// The socket is gone, or its user may no longer receive anything.
    Closed,
}

struct Pump<A: Adapter> {
    state: AppState,
    socket: SocketRef<A>,
    user_id: String,
    tenant_id: String,
}

impl<A: Adapter> Pump<A> {
    async fn run(
        self,
        last_seq: Option<i64>,
        mut live: broadcast::Receiver<InboxEvent>,
        mut commands: mpsc::Receiver<i64>,
        stop: Arc<Notify>,
    ) {
        let _ = self.serve(last_seq, &mut live, &mut commands, &stop).await;
    }

    async fn serve(
        &self,
        last_seq: Option<i64>,
        live: &mut broadcast::Receiver<InboxEvent>,
        commands: &mut mpsc::Receiver<i64>,
        stop: &Notify,
    ) -> Result<(), Stop> {
        let actor = self.actor().await?;
        let origin = match last_seq {
            Some(_) => 0,
            None => latest_seq(&self.state.app.db, &actor).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "realtime: cannot read the newest event");
                0
            }),
        };
        let mut cursor = Cursor::new(last_seq, origin);
        if let Some(after) = last_seq {
            self.replay(&mut cursor, after).await?;
        }
        self.emit("ready", &json!({"seq": cursor.high()})).await?;
        loop {
            tokio::select! {
                biased;
                () = stop.notified() => return Err(Stop::Closed),
                command = commands.recv() => {
                    let Some(after) = command else { return Err(Stop::Closed) };
                    cursor.rewind(after);
                    self.replay(&mut cursor, after).await?;
                }
                received = live.recv() => match received {
                    Ok(event) => {
                        if event.tenant_id != self.tenant_id || !cursor.wants(event.seq) {
                            continue;
                        }
                        let actor = self.actor().await?;
                        if !self.deliver(&mut cursor, &actor, &event).await? {
                            let from = cursor.resume_point();
                            self.replay(&mut cursor, from).await?;
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, user_id = %self.user_id, "realtime: subscriber lagged; replaying from the table");
                        let from = cursor.resume_point();
                        self.replay(&mut cursor, from).await?;
                    }
                    Err(RecvError::Closed) => return Err(Stop::Closed),
                },
            }
        }
    }

    /// The receiver as they are now: a deactivated (or deleted) user gets nothing more, and
    /// their socket is closed.
    async fn actor(&self) -> Result<Actor, Stop> {
        match self.state.app.auth.actor_of(&self.user_id, &self.tenant_id).await {
            Ok(Some(actor)) => Ok(actor),
            Ok(None) => {
                let _ = self.socket.clone().disconnect();
                Err(Stop::Closed)
            }
            Err(e) => {
                tracing::error!(error = %e, "realtime: cannot read the receiver");
                let _ = self.socket.clone().disconnect();
                Err(Stop::Closed)
            }
        }
    }

    /// Delivers `event` if `actor` may read it. `Ok(false)`: it could not be read (the caller
    /// makes it good from the table).
    async fn deliver(&self, cursor: &mut Cursor, actor: &Actor, event: &InboxEvent) -> Result<bool, Stop> {
        match delivery_for(&self.state.app.db, actor, event).await {
            Ok(Some(delivery)) => {
                self.send(&delivery).await?;
                cursor.handled(event.seq);
                Ok(true)
            }
            Ok(None) => {
                cursor.handled(event.seq);
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(error = %e, seq = event.seq, "realtime: cannot read an event's records");
                Ok(false)
            }
        }
    }

    /// Delivers, in order, the events after `after` that the cursor still wants. A gap it cannot
    /// fill (the table cannot be read, or it is too long) becomes a `resync` for the client.
    async fn replay(&self, cursor: &mut Cursor, mut after: i64) -> Result<(), Stop> {
        let mut delivered = 0usize;
        loop {
            let actor = self.actor().await?;
            let page = match replay_page(&self.state.app.db, &actor, after).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "realtime: cannot replay from the table");
                    return self.resync(cursor).await;
                }
            };
            for event in &page {
                after = after.max(event.seq);
                if !cursor.wants(event.seq) {
                    continue;
                }
                if !self.deliver(cursor, &actor, event).await? {
                    return self.resync(cursor).await;
                }
                delivered += 1;
            }
            if page.len() < REPLAY_PAGE as usize {
                return Ok(());
            }
            if delivered >= MAX_REPLAY {
                return self.resync(cursor).await;
            }
        }
    }

    async fn resync(&self, cursor: &Cursor) -> Result<(), Stop> {
        self.emit("resync", &json!({"seq": cursor.high()})).await
    }

    async fn send(&self, delivery: &Delivery) -> Result<(), Stop> {
        self.emit(delivery.name, &delivery.payload).await
    }

    /// Emits, waiting while the socket's buffer is full (a replay emits in bursts).
    async fn emit(&self, name: &str, payload: &Value) -> Result<(), Stop> {
        let deadline = tokio::time::Instant::now() + EMIT_PATIENCE;
        loop {
            match self.socket.emit(name, payload) {
                Ok(()) => return Ok(()),
                Err(SendError::Socket(SocketError::InternalChannelFull)) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                Err(e) => {
                    tracing::debug!(error = %e, "realtime: dropping a socket that does not read");
                    let _ = self.socket.clone().disconnect();
                    return Err(Stop::Closed);
                }
            }
        }
    }
}
