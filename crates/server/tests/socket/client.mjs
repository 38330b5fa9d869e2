// A Socket.IO client for the Rust HTTP tests (crates/server/tests/http/realtime.rs), built on the
// official socket.io-client v4. Usage: node client.mjs '<json>' with
//   {"url": "http://127.0.0.1:PORT/inbox", "host": "dar.localhost", "auth": {"token", "lastSeq"},
//    "transports": ["websocket"], "headers": {"cookie": …}}
// It prints one JSON line per happening on stdout:
//   {"type":"connect"} | {"type":"connect_error","message":…} | {"type":"disconnect","reason":…}
//   {"type":"event","name":…,"data":…}
// and reads JSON lines on stdin: {"emit": name, "data": …} sends an event; {"close": true} (or
// the end of stdin) disconnects and exits.
import { io } from "socket.io-client";
import { createInterface } from "node:readline";

const config = JSON.parse(process.argv[2] ?? "{}");
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const headers = { ...(config.headers ?? {}), ...(config.host ? { host: config.host } : {}) };
const socket = io(config.url, {
  auth: config.auth ?? {},
  transports: config.transports ?? ["websocket"],
  extraHeaders: headers,
  transportOptions: { polling: { extraHeaders: headers }, websocket: { extraHeaders: headers } },
  reconnection: false,
  timeout: 10000,
});

socket.on("connect", () => print({ type: "connect" }));
socket.on("connect_error", (err) => {
  print({ type: "connect_error", message: err.message });
  process.exit(0);
});
socket.on("disconnect", (reason) => print({ type: "disconnect", reason }));
socket.onAny((name, data) => print({ type: "event", name, data }));

const close = () => {
  socket.disconnect();
  process.exit(0);
};
createInterface({ input: process.stdin })
  .on("line", (line) => {
    if (!line.trim()) return;
    const command = JSON.parse(line);
    if (command.close) close();
    else if (command.emit) socket.emit(command.emit, command.data);
  })
  .on("close", close);
