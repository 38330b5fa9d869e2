//! Request spans and HTTP metrics: every request gets a span with its request id (the
//! `x-request-id` header, generated when absent), method, route, and — once known — tenant and
//! user ids; requests are counted and timed by route template and status.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Span;

/// Latency buckets in seconds (1 ms … 10 s).
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The process-wide Prometheus recorder, installed on first call (tests start many servers in
/// one process; they share it). `None` if another recorder was installed first.
pub fn install_metrics() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), &BUCKETS)
                .ok()?;
            match builder.install_recorder() {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .clone()
}

/// The span of one request. `tenant_id` and `user_id` are recorded by the extractors later.
pub fn request_span(req: &Request) -> Span {
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let route = req.extensions().get::<MatchedPath>().map_or("", MatchedPath::as_str);
    // A set-password link's path is a credential: logged without the token.
    let path = req.uri().path();
    let path = if path.starts_with("/invite/") { "/invite/…" } else { path };
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %path,
        route,
        request_id,
        tenant_id = tracing::field::Empty,
        user_id = tracing::field::Empty,
    )
}

/// Middleware: counts and times requests by method, route template and status.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    res
}
