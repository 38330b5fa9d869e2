//! CSV exports: BOM and CRLF for Excel, formula injection escaped, Arabic intact, and only what
//! the caller's rules let them read.

use serde_json::json;

use crate::imports::wait_job;
use crate::support::TestApp;

async fn lead_export_is_excel_safe_and_follows_the_rules(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    for body in [
        json!({"name": "=SUM(A1)", "phones": ["0501234567"], "notes": "مرحبا بكم", "assigneeId": app.dar.agent.id}),
        json!({"name": "Other person", "phones": ["0509876543"], "email": "other@example.com", "assigneeId": app.dar.admin.id}),
    ] {
        let res = app.post("dar", "/api/v1/leads").bearer(&admin).json(&body).send().await;
        assert_eq!(res.status, 201, "{}", res.body);
    }

    let res = app.get("dar", "/api/v1/exports/leads.csv").bearer(&admin).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.headers["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers["content-disposition"].to_str().unwrap().contains("leads.csv"));
    assert!(res.body.starts_with("\u{feff}id,name,phones,"), "BOM then header: {:?}", &res.body[..40]);
    let lines: Vec<&str> = res.body.split("\r\n").collect();
    assert_eq!(lines.len(), 4, "header, two rows, and the final CRLF: {:?}", res.body);
    assert!(!res.body.replace("\r\n", "").contains('\n'), "CRLF only");
    assert!(res.body.contains(",'=SUM(A1),'+971501234567,"), "{}", res.body);
    assert!(!res.body.contains(",=SUM"), "never a bare formula");
    assert!(res.body.contains("مرحبا بكم"));
    assert!(res.body.contains(&app.dar.agent.email), "the assignee's e-mail: {}", res.body);

    // The agent exports only their own lead.
    let agent = app.token("dar", &app.dar.agent).await;
    let mine = app.get("dar", "/api/v1/exports/leads.csv").bearer(&agent).send().await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("'=SUM(A1)") && !mine.body.contains("Other person"), "{}", mine.body);
    // Filters are the list's.
    let filtered = app.get("dar", "/api/v1/exports/leads.csv?q=other").bearer(&admin).send().await;
    assert!(filtered.body.contains("Other person") && !filtered.body.contains("SUM"), "{}", filtered.body);
    let bad = app.get("dar", "/api/v1/exports/leads.csv?status=NOPE").bearer(&admin).send().await;
    assert_eq!((bad.status, bad.code().as_str()), (400, "request.invalid_query"));
    // Another agency exports nothing of this one.
    let harbor = app.token("harbor", &app.harbor.admin).await;
    let theirs = app.get("harbor", "/api/v1/exports/leads.csv").bearer(&harbor).send().await;
    assert_eq!(theirs.body.split("\r\n").filter(|l| !l.is_empty()).count(), 1, "{}", theirs.body);

    // An export imports back: the escaped cells come back as they were (duplicates here).
    let back = app.post("dar", "/api/v1/imports/leads").bearer(&admin).body("text/csv", res.body.clone()).send().await;
    assert_eq!(back.status, 202, "{}", back.body);
    let job = wait_job(app, "dar", &admin, back.json()["id"].as_str().unwrap()).await;
    assert_eq!(job["result"]["duplicates"], 2, "{job}");
}

async fn listing_export_hides_the_owners_contact_from_agents(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let csv = "reference,titleEn,purpose,type,city,price,ownerName,ownerPhone\nDAR-9,Villa,SALE,VILLA,Dubai,3000000,Owner Name,0501234567\n";
    let res = app.post("dar", "/api/v1/imports/properties").bearer(&admin).body("text/csv", csv).send().await;
    let job = wait_job(app, "dar", &admin, res.json()["id"].as_str().unwrap()).await;
    assert_eq!(job["result"]["created"], 1, "{job}");

    let all = app.get("dar", "/api/v1/exports/properties.csv?purpose=sale").bearer(&admin).send().await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(all.body.starts_with('\u{feff}'));
    assert!(all.body.contains("DAR-9") && all.body.contains("'+971501234567"), "{}", all.body);
    let agent = app.token("dar", &app.dar.agent).await;
    let theirs = app.get("dar", "/api/v1/exports/properties.csv").bearer(&agent).send().await;
    assert!(theirs.body.contains("DAR-9"), "every member reads the listings");
    assert!(!theirs.body.contains("971501234567") && !theirs.body.contains("Owner Name"), "{}", theirs.body);
}

crate::on_both_databases!(
    lead_export_is_excel_safe_and_follows_the_rules,
    listing_export_hides_the_owners_contact_from_agents
);
