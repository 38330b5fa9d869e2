//! CSV imports as jobs: BOM, Arabic, bad rows and duplicates (in the agency and in the file) in
//! the report; progress; the jobs API's visibility and retry; bad uploads refused up front.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::TestApp;

/// Polls `GET /api/v1/jobs/{id}` until the job is done or failed.
pub async fn wait_job(app: &TestApp, host: &str, token: &str, id: &str) -> Value {
    for _ in 0..600 {
        let res = app.get(host, &format!("/api/v1/jobs/{id}")).bearer(token).send().await;
        assert_eq!(res.status, 200, "{}", res.body);
        let job = res.json();
        if job["status"] == "done" || job["status"] == "failed" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish");
}

/// A multipart body with text fields and one `file` part.
pub fn multipart(fields: &[(&str, &str)], file_name: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "manzil-test-boundary-7d9f";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn import_leads_reports_bad_rows_and_duplicates(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let existing = app
        .post("dar", "/api/v1/leads")
        .bearer(&admin)
        .json(&json!({"name": "Existing", "phones": ["0501111111"]}))
        .send()
        .await;
    assert_eq!(existing.status, 201, "{}", existing.body);

    let csv = "\u{feff}Name,Phone,EMAIL,Source,Tags,Notes\r\n\
        أحمد الهاشمي,٠٥٠ ١٢٣ ٤٥٦٧,ahmed@example.com,bayut,vip;hot,يبحث عن فيلا\r\n\
        Sara,not a phone,,,,\r\n\
        ,0502222222,,,,\r\n\
        Same phone,+971501234567,,,,\r\n\
        Existing again,0501111111,,,,\r\n\
        Bad source,0503333333,x@example.com,tiktok,,\r\n\
        Same email,0504444444,AHMED@example.com,,,\r\n\
        =SUM(A1),0505555555,,,,\r\n";
    let res = app.post("dar", "/api/v1/imports/leads").bearer(&admin).body("text/csv", csv).send().await;
    assert_eq!(res.status, 202, "{}", res.body);
    let job = res.json();
    assert_eq!(job["kind"], "import.leads");
    assert!(job.get("payload").is_none(), "the file is not echoed");
    let id = job["id"].as_str().unwrap().to_owned();

    let job = wait_job(app, "dar", &admin, &id).await;
    assert_eq!(job["status"], "done", "{job}");
    assert_eq!(job["progress"], json!({"done": 8, "total": 8}));
    let report = &job["result"];
    assert_eq!((report["total"].as_u64(), report["created"].as_u64()), (Some(8), Some(2)), "{report}");
    assert_eq!((report["failed"].as_u64(), report["duplicates"].as_u64()), (Some(6), Some(3)), "{report}");
    let errors: Vec<(u64, String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        (3, "phone", "phone.invalid"),
        (4, "name", "value.required"),
        (5, "phone", "lead.duplicate"),
        (6, "phone", "lead.duplicate"),
        (7, "source", "value.invalid"),
        (8, "email", "lead.duplicate"),
    ];
    assert_eq!(errors, expected.iter().map(|(r, c, k)| (*r, (*c).to_owned(), (*k).to_owned())).collect::<Vec<_>>());
    assert!(report["errors"][2]["message"].as_str().unwrap().contains("row 2"), "{report}");

    // The Arabic row is there, its phone normalised with the agency's country.
    let found = app.get("dar", "/api/v1/leads?q=%D8%A7%D8%AD%D9%85%D8%AF").bearer(&admin).send().await;
    assert_eq!(found.status, 200, "{}", found.body);
    let lead = &found.json()["items"][0];
    assert_eq!(lead["name"], "أحمد الهاشمي");
    assert_eq!(lead["phones"], json!(["+971501234567"]));
    assert_eq!(lead["source"], "BAYUT");
    assert_eq!(lead["tags"], json!(["vip", "hot"]));

    // Jobs: the admin sees it; an agent neither sees nor retries it; a done job is not retried.
    let list = app.get("dar", "/api/v1/jobs").bearer(&admin).send().await;
    assert_eq!(list.json().as_array().unwrap().len(), 1);
    let agent = app.token("dar", &app.dar.agent).await;
    assert!(app.get("dar", "/api/v1/jobs").bearer(&agent).send().await.json().as_array().unwrap().is_empty());
    let hidden = app.get("dar", &format!("/api/v1/jobs/{id}")).bearer(&agent).send().await;
    assert_eq!((hidden.status, hidden.code().as_str()), (404, "job.not_found"));
    let harbor = app.token("harbor", &app.harbor.admin).await;
    assert_eq!(app.get("harbor", &format!("/api/v1/jobs/{id}")).bearer(&harbor).send().await.status, 404);
    let retry = app.post("dar", &format!("/api/v1/jobs/{id}/retry")).bearer(&admin).send().await;
    assert_eq!((retry.status, retry.code().as_str()), (409, "job.not_failed"));
}

async fn an_agents_import_runs_under_the_agents_rules(app: &TestApp) {
    let agent = app.token("dar", &app.dar.agent).await;
    let csv = format!("name,phone,assigneeEmail\nMine,0506666666,\nFor the admin,0507777777,{}\n", app.dar.admin.email);
    let res = app.post("dar", "/api/v1/imports/leads").bearer(&agent).body("text/csv", csv).send().await;
    assert_eq!(res.status, 202, "{}", res.body);
    let job = wait_job(app, "dar", &agent, res.json()["id"].as_str().unwrap()).await;
    let report = &job["result"];
    assert_eq!(report["created"], 1, "{job}");
    assert_eq!(report["errors"][0]["code"], "policy.denied", "{job}");
    let mine = app.get("dar", "/api/v1/leads").bearer(&agent).send().await.json();
    assert_eq!(mine["items"][0]["assigneeId"], app.dar.agent.id.as_str());
    // The agent sees the job they started.
    assert_eq!(app.get("dar", "/api/v1/jobs").bearer(&agent).send().await.json().as_array().unwrap().len(), 1);
}

async fn import_properties_from_multipart(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let csv = "Reference,Title AR,Purpose,Type,City,Price,Bedrooms,Owner Phone\n\
        DAR-1,شقة في دبي مارينا,للبيع,apartment,Dubai,\"1,250,000\",2,0501234567\n\
        DAR-1,نسخة,RENT,villa,Dubai,90000,,\n\
        DAR-2,فيلا,RENT,villa,Dubai,,4,\n\
        DAR-3,Studio,RENT,studio,Dubai,55000,0,12\n\
        DAR-4,Office,SALE,office,Abu Dhabi,2000000,,\n";
    let (ct, body) = multipart(&[], "listings.csv", "text/csv", csv.as_bytes());
    let res = app.post("dar", "/api/v1/imports/properties").bearer(&admin).body(&ct, body).send().await;
    assert_eq!(res.status, 202, "{}", res.body);
    let job = wait_job(app, "dar", &admin, res.json()["id"].as_str().unwrap()).await;
    let report = &job["result"];
    assert_eq!((report["created"].as_u64(), report["failed"].as_u64()), (Some(2), Some(3)), "{job}");
    let codes: Vec<&str> = report["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["property.duplicate", "value.required", "phone.invalid"]);
    // Importing the same file again: every valid reference is now a duplicate of the agency's.
    let (ct, body) = multipart(&[], "listings.csv", "text/csv", csv.as_bytes());
    let again = app.post("dar", "/api/v1/imports/properties").bearer(&admin).body(&ct, body).send().await;
    let job = wait_job(app, "dar", &admin, again.json()["id"].as_str().unwrap()).await;
    assert_eq!((job["result"]["created"].as_u64(), job["result"]["duplicates"].as_u64()), (Some(0), Some(3)), "{job}");
}

async fn bad_uploads_are_refused_up_front(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let post =
        |ct: &'static str, body: Vec<u8>| app.post("dar", "/api/v1/imports/leads").bearer(&admin).body(ct, body).send();
    let latin1 = post("text/csv", b"name\nJos\xe9\n".to_vec()).await;
    assert_eq!((latin1.status, latin1.code().as_str()), (400, "import.not_utf8"));
    let no_name = post("text/csv", b"phone\n0501234567\n".to_vec()).await;
    assert_eq!((no_name.status, no_name.code().as_str()), (400, "import.missing_column"));
    assert_eq!(no_name.json()["error"]["column"], "name");
    let json_body = post("application/json", b"{}".to_vec()).await;
    assert_eq!(json_body.status, 415);
    let big = post("text/csv", vec![b'a'; 11 * 1024 * 1024]).await;
    assert_eq!((big.status, big.code().as_str()), (413, "request.too_large"));
    let anonymous = app.post("dar", "/api/v1/imports/leads").body("text/csv", "name\nx\n").send().await;
    assert_eq!(anonymous.status, 401);
}

crate::on_both_databases!(
    import_leads_reports_bad_rows_and_duplicates,
    an_agents_import_runs_under_the_agents_rules,
    import_properties_from_multipart,
    bad_uploads_are_refused_up_front,
);
