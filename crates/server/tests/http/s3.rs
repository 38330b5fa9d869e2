//! Files in an S3-compatible bucket: the same upload, download and delete as on a local
//! directory, against a real S3 HTTP API (`moto_server`, which `./test.sh` starts on
//! `MANZIL_TEST_S3_ENDPOINT`, default `http://127.0.0.1:9767`).

use manzil::config::{S3Config, Secret};
use serde_json::json;

use crate::imports::multipart;
use crate::support::TestApp;

fn endpoint() -> String {
    std::env::var("MANZIL_TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:9767".to_owned())
}

/// Lists the keys of `bucket` under `prefix` through the S3 API itself.
async fn keys(bucket: &str, prefix: &str) -> Vec<String> {
    let url = format!("{}/{bucket}?list-type=2&prefix={prefix}", endpoint());
    let xml = reqwest::get(&url).await.expect("list the bucket").text().await.expect("listing");
    xml.split("<Key>").skip(1).filter_map(|s| s.split("</Key>").next()).map(str::to_owned).collect()
}

#[tokio::test]
async fn files_live_in_the_bucket_under_the_tenant() {
    let bucket = format!("manzil-{}", uuid::Uuid::new_v4().simple());
    let made =
        reqwest::Client::new().put(format!("{}/{bucket}", endpoint())).send().await.unwrap_or_else(|e| {
            panic!("no S3-compatible server at {} (./test.sh starts moto_server): {e}", endpoint())
        });
    assert!(made.status().is_success(), "create bucket: {}", made.status());

    let app = TestApp::sqlite_with(|c| {
        c.files.s3 = Some(S3Config {
            bucket: bucket.clone(),
            region: Some("us-east-1".to_owned()),
            endpoint: Some(endpoint()),
            access_key_id: Some("test".to_owned()),
            secret_access_key: Some(Secret::new("test".to_owned())),
            allow_http: true,
        });
    })
    .await;
    let admin = app.token("dar", &app.dar.admin).await;
    let lead = app
        .post("dar", "/api/v1/leads")
        .bearer(&admin)
        .json(&json!({"name": "S3 lead", "assigneeId": app.dar.admin.id}))
        .send()
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = b"%PDF-1.4\n% kept in a bucket\n%%EOF\n";
    let (ct, body) = multipart(&[("ownerType", "lead"), ("ownerId", &lead)], "../../عقد.pdf", "application/pdf", pdf);
    let res = app.post("dar", "/api/v1/files").bearer(&admin).body(&ct, body).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();

    // The object is in the bucket, under {tenantId}/lead/{uuid}-{safe name}.
    let tenant = &app.dar.tenant.id;
    let stored = keys(&bucket, &format!("{tenant}/")).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].starts_with(&format!("{tenant}/lead/")) && stored[0].ends_with(".pdf"), "{stored:?}");
    assert!(!stored[0].contains(".."), "{stored:?}");

    let got = app.get("dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.body.as_bytes(), pdf);
    // Another agency sees nothing, on any host.
    let harbor = app.token("harbor", &app.harbor.admin).await;
    assert_eq!(app.get("harbor", &format!("/api/v1/files/{id}")).bearer(&harbor).send().await.status, 404);

    let deleted =
        app.request(reqwest::Method::DELETE, "dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert!(keys(&bucket, &format!("{tenant}/")).await.is_empty(), "the object outlived its record");
    app.stop().await;
}
