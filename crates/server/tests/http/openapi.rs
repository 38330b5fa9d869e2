//! The OpenAPI document and the offline docs page: every route of the route table is documented,
//! and the Swagger UI is served from the binary (no request leaves the server).

use std::collections::BTreeSet;

use crate::support::TestApp;

async fn every_route_is_documented(app: &TestApp) {
    let res = app.get("", "/api/v1/openapi.json").send().await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |m| (m.clone(), path.clone())))
        .collect();
    let routes: BTreeSet<(String, String)> =
        web::routes::route_list().into_iter().map(|(m, p)| (m.to_owned(), p.to_owned())).collect();
    assert!(routes.len() >= 16, "the table lists {} routes", routes.len());
    let missing: Vec<_> = routes.difference(&documented).collect();
    assert!(missing.is_empty(), "routes missing from the OpenAPI document: {missing:?}");
    let stale: Vec<_> = documented.difference(&routes).collect();
    assert!(stale.is_empty(), "documented but not routed: {stale:?}");
    // Every operation names its answers, and the lead schemas are there.
    for (method, path) in &routes {
        let op = &doc["paths"][path][method];
        assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()), "{method} {path}");
    }
    for schema in ["LeadView", "NewLead", "LeadPatch", "LeadPage", "AuditPage", "ErrorBody", "UserView"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // Any host serves it, also an agency's.
    assert_eq!(app.get("dar", "/api/v1/openapi.json").send().await.json(), doc);
}

async fn docs_page_is_served_offline(app: &TestApp) {
    let res = app.get("", "/api/v1/docs").send().await;
    assert!(matches!(res.status, 200 | 303 | 307 | 308), "{}", res.status);
    let page = app.get("", "/api/v1/docs/").send().await;
    assert_eq!(page.status, 200);
    assert!(page.headers["content-type"].to_str().unwrap().starts_with("text/html"));
    // Every script and stylesheet the page loads comes from this server, and is served.
    let assets: Vec<&str> =
        page.body.split(['"', '\'']).filter(|s| s.ends_with(".js") || s.ends_with(".css")).collect();
    assert!(assets.len() >= 3, "{}", page.body);
    for asset in assets {
        assert!(!asset.contains("//"), "external asset {asset}");
        let path = format!("/api/v1/docs/{}", asset.trim_start_matches("./"));
        let res = app.get("", &path).send().await;
        assert_eq!(res.status, 200, "{path}");
        assert!(res.body.len() > 100, "{path}");
    }
    let init = app.get("", "/api/v1/docs/swagger-initializer.js").send().await;
    assert_eq!(init.status, 200);
    assert!(init.body.contains("/api/v1/openapi.json"), "{}", init.body);
    assert!(!init.body.contains("http://") && !init.body.contains("https://"), "{}", init.body);
}

crate::on_both_databases!(every_route_is_documented, docs_page_is_served_offline);
