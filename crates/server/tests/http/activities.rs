//! The Activities API: log (references, defaults, validation), read, edit, done and reopen,
//! delete; filters, sorts and cursor pages (activities without a due time last, across page
//! boundaries); who sees and changes what (assignee, creator, the lead's agent, the manager's
//! team, admin).

use std::collections::HashSet;

use domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::deals::{all_pages, call, id, lead, listing, team, token, user};
use crate::support::{Res, TestApp};

async fn create(app: &TestApp, token: &str, body: Value) -> Res {
    call(app, Method::POST, "/api/v1/activities", token).json(&body).send().await
}

async fn created(app: &TestApp, token: &str, body: Value) -> Value {
    let res = create(app, token, body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

fn path(activity: &Value) -> String {
    format!("/api/v1/activities/{}", id(activity))
}

async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let res = call(app, Method::GET, &format!("/api/v1/activities?{query}"), token).send().await;
    assert_eq!(res.status, 200, "{query}: {}", res.body);
    res.json()["items"].as_array().unwrap().iter().map(id).collect()
}

async fn set(app: &TestApp, token: &str, query: &str) -> HashSet<String> {
    ids(app, token, query).await.into_iter().collect()
}

/// A deal on `lead_id`, created by the agency's admin.
async fn deal(app: &TestApp, admin: &str, lead_id: &str) -> String {
    let res =
        call(app, Method::POST, "/api/v1/deals", admin).json(&json!({"leadId": lead_id, "value": "1"})).send().await;
    assert_eq!(res.status, 201, "{}", res.body);
    id(&res.json())
}

// ---------------------------------------------------------------------------------------------
// Create, read, edit, done, delete

async fn crud_done_and_reopen(app: &TestApp) {
    let agent = token(&app.dar.agent);
    let lead_id = lead(app, &app.dar.tenant.id, "Salma", Some(&app.dar.agent)).await;
    let villa = listing(app, &app.dar.tenant.id, "DAR-1").await;
    let deal_id = deal(app, &token(&app.dar.admin), &lead_id).await;

    let res = create(
        app,
        &agent,
        json!({"type": "VIEWING", "leadId": lead_id, "propertyId": villa, "dealId": deal_id, "title": "  معاينة الفيلا  ", "body": "bring the keys", "dueAt": "2026-03-20T14:00:00+04:00"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let activity = res.json();
    assert_eq!(res.headers["location"].to_str().unwrap(), path(&activity));
    assert_eq!(activity["type"], "VIEWING");
    assert_eq!(activity["title"], "معاينة الفيلا");
    assert_eq!(activity["dueAt"], "2026-03-20T10:00:00.000Z");
    assert_eq!(activity["doneAt"], Value::Null);
    // The caller logged it and, naming no one, is its assignee.
    assert_eq!(activity["createdById"], app.dar.agent.id.as_str());
    assert_eq!(activity["assigneeId"], app.dar.agent.id.as_str());
    assert_eq!((&activity["propertyId"], &activity["dealId"]), (&json!(villa), &json!(deal_id)));
    let res = call(app, Method::GET, &path(&activity), &agent).send().await;
    assert_eq!(res.json(), activity);

    // `null` assigns nobody.
    let note =
        created(app, &agent, json!({"type": "NOTE", "leadId": lead_id, "title": "Prefers Arabic", "assigneeId": null}))
            .await;
    assert_eq!(note["assigneeId"], Value::Null);

    // Partial edits.
    let res = call(app, Method::PATCH, &path(&activity), &agent)
        .json(&json!({"type": "MEETING", "body": null, "dueAt": "2026-03-21", "propertyId": null, "dealId": null}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let edited = res.json();
    assert_eq!(edited["type"], "MEETING");
    assert_eq!(edited["body"], Value::Null);
    assert_eq!(edited["dueAt"], "2026-03-21T00:00:00.000Z");
    assert_eq!((&edited["propertyId"], &edited["dealId"]), (&Value::Null, &Value::Null));
    assert_eq!(edited["title"], "معاينة الفيلا", "untouched");

    // Done, done again (keeps its time), reopened, reopened again.
    let done_path = format!("{}/done", path(&activity));
    let res = call(app, Method::POST, &done_path, &agent).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let done_at = res.json()["doneAt"].as_str().expect("doneAt set").to_owned();
    let res = call(app, Method::POST, &done_path, &agent).send().await;
    assert_eq!(res.json()["doneAt"], done_at.as_str());
    let reopen_path = format!("{}/reopen", path(&activity));
    for _ in 0..2 {
        let res = call(app, Method::POST, &reopen_path, &agent).send().await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.json()["doneAt"], Value::Null);
    }

    // The creator deletes it.
    let res = call(app, Method::DELETE, &path(&activity), &agent).send().await;
    assert_eq!(res.status, 204, "{}", res.body);
    let res = call(app, Method::GET, &path(&activity), &agent).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "activity.not_found"));
    for suffix in ["/done", "/reopen"] {
        let res = call(app, Method::POST, &format!("{}{suffix}", path(&activity)), &agent).send().await;
        assert_eq!(res.status, 404, "{suffix}");
    }
}

async fn validation_errors(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = token(&app.dar.agent);
    let lead_id = lead(app, &app.dar.tenant.id, "Valid", Some(&app.dar.agent)).await;
    let other_lead = lead(app, &app.dar.tenant.id, "Other", Some(&app.dar.agent)).await;
    let expect = |res: Res, code: &str, field: Option<&str>| {
        assert_eq!((res.status, res.code().as_str()), (400, code), "{}", res.body);
        if let Some(field) = field {
            assert_eq!(res.json()["error"]["field"], field, "{}", res.body);
        }
    };
    let base = |extra: Value| {
        let mut body = json!({"type": "CALL", "leadId": lead_id, "title": "Call"});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };

    for body in [
        json!({"leadId": lead_id, "title": "no type"}),
        base(json!({"type": "EMAIL"})),
        base(json!({"type": null})),
        base(json!({"doneAt": "2026-01-01"})),
        base(json!({"createdById": app.dar.agent.id})),
        base(json!({"title": 5})),
    ] {
        expect(create(app, &admin, body).await, "request.invalid", None);
    }
    let res = call(app, Method::POST, "/api/v1/activities", &admin)
        .body("application/json", "{\"type\": \"CALL\",")
        .send()
        .await;
    expect(res, "request.malformed_json", None);
    expect(create(app, &admin, base(json!({"title": "   "}))).await, "activity.title_required", Some("title"));
    expect(create(app, &admin, base(json!({"dueAt": "tomorrow"}))).await, "activity.invalid_date", Some("dueAt"));

    // References the caller cannot read answer 400, like missing ones.
    let harbor_lead = lead(app, &app.harbor.tenant.id, "Harbor", Some(&app.harbor.agent)).await;
    let admins_lead = lead(app, &app.dar.tenant.id, "Admin's", Some(&app.dar.admin)).await;
    for (tok, missing) in [
        (&admin, harbor_lead.as_str()),
        (&admin, "00000000-0000-4000-8000-000000000000"),
        (&agent, admins_lead.as_str()),
    ] {
        let res = create(app, tok, base(json!({"leadId": missing}))).await;
        assert!(!res.body.contains(&app.harbor.tenant.id));
        expect(res, "activity.invalid_lead", Some("leadId"));
    }
    let harbor_villa = listing(app, &app.harbor.tenant.id, "HB-1").await;
    expect(
        create(app, &admin, base(json!({"propertyId": harbor_villa}))).await,
        "activity.invalid_property",
        Some("propertyId"),
    );
    // A deal must be one of the activity's lead.
    let other_deal = deal(app, &admin, &other_lead).await;
    expect(create(app, &admin, base(json!({"dealId": other_deal}))).await, "activity.invalid_deal", Some("dealId"));
    let gone = user(app, "dar", "gone", Role::Agent).await;
    app.update_user(&gone, json!({"active": false})).await;
    for who in [&gone.id, &app.harbor.agent.id] {
        expect(
            create(app, &admin, base(json!({"assigneeId": who}))).await,
            "activity.invalid_assignee",
            Some("assigneeId"),
        );
    }

    // Edits.
    let own_deal = deal(app, &admin, &lead_id).await;
    let activity = created(app, &admin, base(json!({"dealId": own_deal}))).await;
    for body in [
        json!({"title": null}),
        json!({"type": null}),
        json!({"leadId": null}),
        json!({"doneAt": null}),
        json!({"x": 1}),
    ] {
        let res = call(app, Method::PATCH, &path(&activity), &admin).json(&body).send().await;
        expect(res, "request.invalid", None);
    }
    let res = call(app, Method::PATCH, &path(&activity), &admin).json(&json!({"title": ""})).send().await;
    expect(res, "activity.title_required", Some("title"));
    let res = call(app, Method::PATCH, &path(&activity), &admin).json(&json!({"dealId": other_deal})).send().await;
    expect(res, "activity.invalid_deal", Some("dealId"));
    // Moving to another lead while it names a deal of the old one: the deal must follow.
    let res = call(app, Method::PATCH, &path(&activity), &admin).json(&json!({"leadId": other_lead})).send().await;
    expect(res, "activity.invalid_deal", Some("dealId"));
    let res = call(app, Method::PATCH, &path(&activity), &admin)
        .json(&json!({"leadId": harbor_lead, "dealId": null}))
        .send()
        .await;
    expect(res, "activity.invalid_lead", Some("leadId"));
    let res = call(app, Method::GET, &path(&activity), &admin).send().await;
    assert_eq!(res.json(), activity, "nothing changed");
    let res = call(app, Method::PATCH, &path(&activity), &admin)
        .json(&json!({"leadId": other_lead, "dealId": other_deal}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["dealId"], other_deal.as_str());
}

// ---------------------------------------------------------------------------------------------
// List, filter, sort, paginate

async fn list_filters_sorts_and_paginates(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = &app.dar.agent;
    let lead_a = lead(app, &app.dar.tenant.id, "A", Some(agent)).await;
    let lead_b = lead(app, &app.dar.tenant.id, "B", Some(agent)).await;
    let villa = listing(app, &app.dar.tenant.id, "DAR-9").await;
    let deal_a = deal(app, &admin, &lead_a).await;
    // (type, lead, due, assigned to the agent, on the deal/listing)
    let specs = [
        ("CALL", &lead_a, Some("2026-03-20T09:00:00Z"), true, true),
        ("TASK", &lead_a, None, true, false),
        ("TASK", &lead_b, Some("2026-03-19"), false, false),
        ("NOTE", &lead_b, None, false, false),
        ("MEETING", &lead_a, Some("2026-03-22T18:30:00+04:00"), true, false),
        ("TASK", &lead_b, None, true, false),
        ("VIEWING", &lead_a, Some("2026-03-20T15:00:00Z"), false, true),
    ];
    let mut made = Vec::new();
    for (kind, lead_id, due, assigned, linked) in &specs {
        let mut body = json!({"type": kind, "leadId": lead_id, "title": format!("{kind} on {lead_id}"), "dueAt": due});
        body["assigneeId"] = if *assigned { json!(agent.id) } else { Value::Null };
        if *linked {
            body["dealId"] = json!(deal_a);
            body["propertyId"] = json!(villa);
        }
        made.push(id(&created(app, &admin, body).await));
    }
    let pick = |idx: &[usize]| idx.iter().map(|&i| made[i].clone()).collect::<HashSet<_>>();
    // Two are done.
    for i in [0, 2] {
        let res = call(app, Method::POST, &format!("/api/v1/activities/{}/done", made[i]), &admin).send().await;
        assert_eq!(res.status, 200, "{}", res.body);
    }

    let mut newest = made.clone();
    newest.reverse();
    assert_eq!(ids(app, &admin, "").await, newest);
    assert_eq!(set(app, &admin, "type=task,NOTE").await, pick(&[1, 2, 3, 5]));
    assert_eq!(set(app, &admin, &format!("leadId={lead_b}")).await, pick(&[2, 3, 5]));
    assert_eq!(set(app, &admin, &format!("dealId={deal_a}")).await, pick(&[0, 6]));
    assert_eq!(set(app, &admin, &format!("propertyId={villa}&type=VIEWING")).await, pick(&[6]));
    assert_eq!(set(app, &admin, &format!("assigneeId={}", agent.id)).await, pick(&[0, 1, 4, 5]));
    assert_eq!(set(app, &token(agent), "mine=true").await, pick(&[0, 1, 4, 5]));
    assert!(set(app, &admin, "mine=true").await.is_empty(), "nothing is the admin's");
    assert_eq!(set(app, &admin, "mine=false").await.len(), made.len(), "false does not filter");
    assert_eq!(set(app, &admin, "open=false").await, pick(&[0, 2]));
    assert_eq!(set(app, &admin, "open=true").await, pick(&[1, 3, 4, 5, 6]));
    assert_eq!(set(app, &token(agent), "mine=true&open=true&type=TASK").await, pick(&[1, 5]));
    assert_eq!(set(app, &admin, "dueFrom=2026-03-20&dueTo=2026-03-20").await, pick(&[0, 6]), "one whole day");
    assert_eq!(set(app, &admin, "dueTo=2026-03-22T14:30:00Z").await, pick(&[0, 2, 4, 6]), "an instant, inclusive");
    assert_eq!(set(app, &admin, "dueFrom=2026-03-21").await, pick(&[4]));

    // By due time: undated last in either direction; pages of one, two and three cross the
    // boundary between dated and undated activities without losing or repeating one.
    let dated_asc: Vec<String> = [2, 0, 6, 4].iter().map(|&i| made[i].clone()).collect();
    let undated = pick(&[1, 3, 5]);
    for limit in [1, 2, 3, 5] {
        for desc in [false, true] {
            let query = if desc { "sort=-dueAt" } else { "sort=dueAt" };
            let paged = all_pages(app, &admin, "/api/v1/activities", query, limit).await;
            assert_eq!(paged.len(), made.len(), "{query} by {limit}: {paged:?}");
            let mut expected = dated_asc.clone();
            if desc {
                expected.reverse();
            }
            assert_eq!(paged[..4], expected[..], "{query} by {limit}");
            assert_eq!(paged[4..].iter().cloned().collect::<HashSet<_>>(), undated, "{query} by {limit}");
            // Among the undated, the id breaks the tie the same way on both databases.
            let mut tail = paged[4..].to_vec();
            tail.sort();
            if desc {
                tail.reverse();
            }
            assert_eq!(paged[4..], tail[..], "{query} by {limit}");
        }
    }
    // Filters and the due order together, paged.
    let open_tasks = all_pages(app, &admin, "/api/v1/activities", "sort=dueAt&type=TASK,MEETING&open=true", 1).await;
    assert_eq!(open_tasks[0], made[4]);
    assert_eq!(open_tasks[1..].iter().cloned().collect::<HashSet<_>>(), pick(&[1, 5]));
    assert_eq!(all_pages(app, &admin, "/api/v1/activities", "sort=createdAt", 2).await, made);

    for (query, code) in [
        ("sort=title", "request.invalid_query"),
        ("type=EMAIL", "request.invalid_query"),
        ("open=maybe", "request.invalid_query"),
        ("mine=1x", "request.invalid_query"),
        ("dueFrom=soon", "request.invalid_query"),
        ("limit=0", "request.invalid_query"),
        ("done=true", "request.invalid_query"),
        ("cursor=garbage", "request.invalid_cursor"),
    ] {
        let res = call(app, Method::GET, &format!("/api/v1/activities?{query}"), &admin).send().await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{query}: {}", res.body);
    }
}

// ---------------------------------------------------------------------------------------------
// Who sees and changes what

async fn agents_managers_and_admins(app: &TestApp) {
    let admin = token(&app.dar.admin);
    let agent = token(&app.dar.agent);
    let other = user(app, "dar", "other", Role::Agent).await;
    let other_tok = token(&other);
    let mine = lead(app, &app.dar.tenant.id, "Mine", Some(&app.dar.agent)).await;
    let theirs = lead(app, &app.dar.tenant.id, "Theirs", Some(&other)).await;

    // An agent logs on their own lead, for themselves or nobody — not for a colleague.
    let own = created(app, &agent, json!({"type": "CALL", "leadId": mine, "title": "Called"})).await;
    let res = create(app, &agent, json!({"type": "TASK", "leadId": mine, "title": "x", "assigneeId": other.id})).await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
    let res = create(app, &agent, json!({"type": "TASK", "leadId": theirs, "title": "x"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "activity.invalid_lead"));

    // The admin logs a task on the agent's lead for the other agent: the other agent sees that one
    // task (assigned to them) but not the lead's other activities; the lead's agent sees all.
    let task =
        created(app, &admin, json!({"type": "TASK", "leadId": mine, "title": "Visit", "assigneeId": other.id})).await;
    let by_admin =
        created(app, &admin, json!({"type": "NOTE", "leadId": mine, "title": "VIP", "assigneeId": null})).await;
    assert_eq!(ids(app, &other_tok, "").await, vec![id(&task)]);
    assert_eq!(set(app, &agent, "").await, HashSet::from([id(&own), id(&task), id(&by_admin)]));
    let res = call(app, Method::GET, &path(&own), &other_tok).send().await;
    assert_eq!((res.status, res.code().as_str()), (404, "activity.not_found"));
    for (method, suffix, body) in [
        (Method::PATCH, "", Some(json!({"title": "x"}))),
        (Method::DELETE, "", None),
        (Method::POST, "/done", None),
        (Method::POST, "/reopen", None),
    ] {
        let mut req = call(app, method.clone(), &format!("{}{suffix}", path(&own)), &other_tok);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let res = req.send().await;
        assert_eq!((res.status, res.code().as_str()), (404, "activity.not_found"), "{method} {suffix}");
    }

    // The assignee marks their task done and edits it, but may neither reassign it nor delete it
    // (they did not log it).
    let res = call(app, Method::POST, &format!("{}/done", path(&task)), &other_tok).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res =
        call(app, Method::PATCH, &path(&task), &other_tok).json(&json!({"body": "done, keys returned"})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);
    let res = call(app, Method::PATCH, &path(&task), &other_tok).json(&json!({"assigneeId": null})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = call(app, Method::DELETE, &path(&task), &other_tok).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    // The lead's agent reads the admin's note but may not change it (neither assignee nor creator).
    for (method, suffix) in [(Method::POST, "/done"), (Method::DELETE, "")] {
        let res = call(app, method.clone(), &format!("{}{suffix}", path(&by_admin)), &agent).send().await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{method} {suffix}");
    }
    let res = call(app, Method::PATCH, &path(&by_admin), &agent).json(&json!({"title": "mine now"})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = call(app, Method::GET, &path(&by_admin), &admin).send().await;
    assert_eq!(res.json()["title"], "VIP", "unchanged");

    // A manager: the team's leads and the unassigned pool, not the rest.
    let manager = user(app, "dar", "manager", Role::Manager).await;
    team(app, &manager, &[&other]).await;
    let manager_tok = token(&manager);
    let pool = lead(app, &app.dar.tenant.id, "Pool", None).await;
    let on_theirs = created(
        app,
        &manager_tok,
        json!({"type": "TASK", "leadId": theirs, "title": "Follow up", "assigneeId": other.id}),
    )
    .await;
    let on_pool = created(app, &manager_tok, json!({"type": "NOTE", "leadId": pool, "title": "Walk-in"})).await;
    assert_eq!(on_pool["assigneeId"], manager.id.as_str());
    let res = create(app, &manager_tok, json!({"type": "NOTE", "leadId": mine, "title": "x"})).await;
    assert_eq!((res.status, res.code().as_str()), (400, "activity.invalid_lead"), "the agent is not in the team");
    // They see what is on the team's and the pool's leads — not the task the admin gave a team
    // member on a lead outside the team.
    let seen = set(app, &manager_tok, "").await;
    assert_eq!(seen, HashSet::from([id(&on_theirs), id(&on_pool)]));
    let res = call(app, Method::GET, &path(&own), &manager_tok).send().await;
    assert_eq!(res.status, 404);
    // …and reassign within them.
    let res =
        call(app, Method::PATCH, &path(&on_theirs), &manager_tok).json(&json!({"assigneeId": manager.id})).send().await;
    assert_eq!(res.status, 200, "{}", res.body);

    // The admin sees and deletes anything.
    assert_eq!(set(app, &admin, "").await.len(), 5);
    let res = call(app, Method::DELETE, &path(&task), &admin).send().await;
    assert_eq!(res.status, 204);
    // Another agency sees nothing of it.
    let res = app.get("harbor", &path(&own)).bearer(&token(&app.harbor.admin)).send().await;
    assert_eq!(res.status, 404);
}

async fn documented_in_openapi(app: &TestApp) {
    let doc = app.get("", "/api/v1/openapi.json").send().await.json();
    for schema in ["ActivityView", "NewActivity", "ActivityPatch", "ActivityType"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
    let list = &doc["paths"]["/api/v1/activities"]["get"];
    let params: Vec<&str> = list["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    for p in ["type", "leadId", "dealId", "propertyId", "assigneeId", "mine", "open", "dueFrom", "dueTo", "sort"] {
        assert!(params.contains(&p), "{p} in {params:?}");
    }
    for op in ["done", "reopen"] {
        assert!(doc["paths"][format!("/api/v1/activities/{{id}}/{op}")]["post"].is_object(), "{op}");
    }
}

crate::on_both_databases!(
    crud_done_and_reopen,
    validation_errors,
    list_filters_sorts_and_paginates,
    agents_managers_and_admins,
    documented_in_openapi,
);
