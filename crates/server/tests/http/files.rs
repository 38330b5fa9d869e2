//! Files: upload, download and delete under the rules; another agency and hidden owners get 404;
//! hostile names stay in their folder; size and type limits.

use serde_json::{Value, json};

use crate::imports::multipart;
use crate::support::TestApp;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

async fn new_lead(app: &TestApp, token: &str, body: Value) -> String {
    let res = app.post("dar", "/api/v1/leads").bearer(token).json(&body).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()["id"].as_str().unwrap().to_owned()
}

async fn upload(app: &TestApp, token: &str, owner: &str, name: &str, ct: &str, bytes: &[u8]) -> crate::support::Res {
    let (content_type, body) = multipart(&[("ownerType", "lead"), ("ownerId", owner)], name, ct, bytes);
    app.post("dar", "/api/v1/files").bearer(token).body(&content_type, body).send().await
}

async fn upload_download_delete_under_the_rules(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let agent = app.token("dar", &app.dar.agent).await;
    let lead = new_lead(app, &admin, json!({"name": "The admin's lead", "assigneeId": app.dar.admin.id})).await;

    let res = upload(app, &admin, &lead, "عقد الإيجار.pdf", "application/pdf", PDF).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let file = res.json();
    assert_eq!((file["name"].as_str(), file["size"].as_u64()), (Some("عقد الإيجار.pdf"), Some(PDF.len() as u64)));
    let id = file["id"].as_str().unwrap();

    let got = app.get("dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body.as_bytes(), PDF);
    assert_eq!(got.headers["content-type"], "application/pdf");
    assert_eq!(got.headers["content-length"], PDF.len().to_string().as_str());
    assert_eq!(got.headers["x-content-type-options"], "nosniff");
    let disposition = got.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment; filename=\""), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%D8%B9%D9%82%D8%AF%20"), "{disposition}");

    // The agent may read file rows, but not this lead: the file does not exist for them.
    let hidden = app.get("dar", &format!("/api/v1/files/{id}")).bearer(&agent).send().await;
    assert_eq!((hidden.status, hidden.code().as_str()), (404, "file.not_found"));
    assert_eq!(
        app.request(reqwest::Method::DELETE, "dar", &format!("/api/v1/files/{id}")).bearer(&agent).send().await.status,
        404
    );
    // Nor can they attach to it.
    let refused = upload(app, &agent, &lead, "x.pdf", "application/pdf", PDF).await;
    assert_eq!((refused.status, refused.code().as_str()), (404, "file.owner_not_found"));
    // Another agency: 404, whether on its own host or on the bare host.
    let harbor = app.token("harbor", &app.harbor.admin).await;
    assert_eq!(app.get("harbor", &format!("/api/v1/files/{id}")).bearer(&harbor).send().await.status, 404);
    assert_eq!(app.get("", &format!("/api/v1/files/{id}")).bearer(&harbor).send().await.status, 404);

    let deleted =
        app.request(reqwest::Method::DELETE, "dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    assert_eq!(app.get("dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await.status, 404);
}

async fn hostile_names_stay_in_their_folder(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let lead = new_lead(app, &admin, json!({"name": "Lead"})).await;
    for hostile in ["../../../etc/passwd.pdf", "..\\..\\boot.pdf", "a/../../b.pdf", "evil\u{202e}fdp.pdf", "..", ".pdf"]
    {
        let res = upload(app, &admin, &lead, hostile, "application/pdf", PDF).await;
        assert_eq!(res.status, 201, "{hostile}: {}", res.body);
        let id = res.json()["id"].as_str().unwrap().to_owned();
        let row = app
            .app
            .db
            .as_system("test: read the storage key")
            .find_unique("File", json!({"where": {"id": id}}))
            .await
            .unwrap();
        let key = row["storageKey"].as_str().unwrap();
        let prefix = format!("{}/lead/", app.dar.tenant.id);
        assert!(key.starts_with(&prefix), "{hostile:?} → {key}");
        let rest = &key[prefix.len()..];
        assert!(!rest.contains('/') && !rest.contains('\\') && !rest.contains(".."), "{hostile:?} → {key}");
        assert!(!rest.chars().any(|c| c.is_control() || c == '\u{202e}'), "{hostile:?} → {key}");
        let got = app.get("dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
        assert_eq!((got.status, got.body.as_bytes()), (200, PDF), "{hostile:?}");
    }
}

async fn size_and_type_limits(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let lead = new_lead(app, &admin, json!({"name": "Lead"})).await;
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let res = upload(app, &admin, &lead, "big.pdf", "application/pdf", &big).await;
    assert_eq!((res.status, res.code().as_str()), (413, "file.too_large"));
    let huge = vec![b' '; 12 * 1024 * 1024];
    let res = upload(app, &admin, &lead, "huge.pdf", "application/pdf", &huge).await;
    assert_eq!((res.status, res.code().as_str()), (413, "file.too_large"));
    let res = upload(app, &admin, &lead, "photo.png", "image/png", PDF).await;
    assert_eq!((res.status, res.code().as_str()), (415, "file.unsupported_type"), "a PDF declared as PNG");
    let res = upload(app, &admin, &lead, "page.html", "text/html", b"<script>alert(1)</script>").await;
    assert_eq!((res.status, res.code().as_str()), (415, "file.unsupported_type"));
    let res = upload(app, &admin, &lead, "photo.png", "image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").await;
    assert_eq!(res.status, 201, "{}", res.body);
    let (ct, body) = multipart(&[("ownerType", "user"), ("ownerId", &lead)], "x.pdf", "application/pdf", PDF);
    let res = app.post("dar", "/api/v1/files").bearer(&admin).body(&ct, body).send().await;
    assert_eq!(res.status, 400);
}

/// A file of several megabytes comes back whole, streamed from storage with its length.
async fn large_files_stream_back_whole(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let lead = new_lead(app, &admin, json!({"name": "Big plans", "assigneeId": app.dar.admin.id})).await;
    let mut big = b"%PDF-1.4\n".to_vec();
    big.extend((0..6 * 1024 * 1024).map(|i: usize| b"0123456789abcdef\n"[i % 17]));
    let res = upload(app, &admin, &lead, "plans.pdf", "application/pdf", &big).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.json()["id"].as_str().unwrap().to_owned();
    let got = app.get("dar", &format!("/api/v1/files/{id}")).bearer(&admin).send().await;
    assert_eq!(got.status, 200);
    assert_eq!(got.headers["content-length"], big.len().to_string().as_str());
    assert!(got.body.as_bytes() == big.as_slice(), "the downloaded bytes differ");
}

crate::on_both_databases!(
    large_files_stream_back_whole,
    upload_download_delete_under_the_rules,
    hostile_names_stay_in_their_folder,
    size_and_type_limits
);
