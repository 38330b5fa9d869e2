//! `/healthz`, `/readyz`, `/metrics`.

use crate::support::TestApp;

async fn probes_answer(app: &TestApp) {
    let h = app.get("", "/healthz").send().await;
    assert_eq!((h.status, h.json()["status"].as_str()), (200, Some("ok")));
    let r = app.get("dar", "/readyz").send().await;
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));
}

async fn metrics_count_requests_by_route(app: &TestApp) {
    app.get("dar", "/api/v1/me").send().await;
    let m = app.get("", "/metrics").send().await;
    assert_eq!(m.status, 200);
    assert!(m.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    assert!(m.body.contains(r#"http_requests_total{method="GET",route="/api/v1/me",status="401"}"#), "{}", m.body);
    assert!(m.body.contains("http_request_duration_seconds_bucket"), "{}", m.body);
    assert!(m.body.contains("manzil_db_pool_connections"));
}

crate::on_both_databases!(probes_answer, metrics_count_requests_by_route);
