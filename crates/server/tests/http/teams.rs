//! The Teams API: admins create, edit and delete teams; everyone in the agency reads them with
//! their members; a manager must be an active MANAGER or ADMIN of the agency.

use app::users::{NewUser, UserView};
use domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{PASSWORD, Res, TestApp};

/// A user of agency `slug` with the seeded password.
async fn user(app: &TestApp, slug: &str, who: &str, role: Role) -> UserView {
    let new = NewUser {
        tenant_slug: slug.to_owned(),
        email: format!("{who}@{slug}.example"),
        name: format!("{who} of {slug}"),
        role,
        locale: None,
        password: Some(PASSWORD.to_owned()),
    };
    app::users::create(&app.app.db, &app.app.tenants, new).await.unwrap()
}

async fn create(app: &TestApp, host: &str, token: &str, body: Value) -> Res {
    app.post(host, "/api/v1/teams").bearer(token).json(&body).send().await
}

async fn created(app: &TestApp, token: &str, body: Value) -> Value {
    let res = create(app, "dar", token, body).await;
    assert_eq!(res.status, 201, "{}", res.body);
    res.json()
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> Res {
    app.request(Method::PATCH, "dar", &format!("/api/v1/teams/{id}")).bearer(token).json(&body).send().await
}

async fn get(app: &TestApp, token: &str, path: &str) -> Res {
    app.get("dar", path).bearer(token).send().await
}

async fn delete(app: &TestApp, token: &str, id: &str) -> Res {
    app.request(Method::DELETE, "dar", &format!("/api/v1/teams/{id}")).bearer(token).send().await
}

/// Puts `user` in `team` (or none) through the Users API.
async fn join(app: &TestApp, admin: &str, user: &str, team: Option<&str>) {
    let res = app
        .request(Method::PATCH, "dar", &format!("/api/v1/users/{user}"))
        .bearer(admin)
        .json(&json!({"teamId": team}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
}

fn member_ids(team: &Value) -> Vec<String> {
    team["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_owned()).collect()
}

async fn admins_manage_teams(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let team = created(app, &admin, json!({"name": "  Marina  ", "managerId": manager.id})).await;
    let id = team["id"].as_str().unwrap().to_owned();
    assert_eq!(team["name"], "Marina");
    assert_eq!(team["managerId"], manager.id.as_str());
    assert_eq!(team["members"], json!([]));
    assert!(team["createdAt"].is_string() && team["updatedAt"].is_string());
    let res = create(app, "dar", &admin, json!({"name": "Downtown"})).await;
    assert_eq!(res.headers["location"], format!("/api/v1/teams/{}", res.json()["id"].as_str().unwrap()).as_str());
    assert_eq!(res.json()["managerId"], Value::Null);

    // Members come and go through their user's teamId, and show on the team by name.
    join(app, &admin, &app.dar.agent.id, Some(&id)).await;
    join(app, &admin, &manager.id, Some(&id)).await;
    let res = get(app, &admin, &format!("/api/v1/teams/{id}")).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let members = res.json()["members"].clone();
    assert_eq!(
        members,
        json!([
            {"id": app.dar.agent.id, "name": app.dar.agent.name, "role": "AGENT", "active": true},
            {"id": manager.id, "name": manager.name, "role": "MANAGER", "active": true},
        ])
    );

    // Rename, change and remove the manager.
    let admin2 = user(app, "dar", "admin2", Role::Admin).await;
    let res = patch(app, &admin, &id, json!({"name": "Marina Walk", "managerId": admin2.id})).await;
    assert_eq!(res.status, 200, "{}", res.body);
    let edited = res.json();
    assert_eq!(
        (edited["name"].as_str(), edited["managerId"].as_str()),
        (Some("Marina Walk"), Some(admin2.id.as_str()))
    );
    assert_eq!(edited["members"], members);
    let res = patch(app, &admin, &id, json!({"managerId": null})).await;
    assert_eq!(res.json()["managerId"], Value::Null);
    assert_eq!(res.json()["name"], "Marina Walk");
    let res = patch(app, &admin, &id, json!({})).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["name"], "Marina Walk");

    // The list: every team with its members, sorted and paged.
    let list = get(app, &admin, "/api/v1/teams").await.json();
    let names: Vec<&str> = list["items"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Downtown", "Marina Walk"]);
    assert_eq!(member_ids(&list["items"][1]), [app.dar.agent.id.clone(), manager.id.clone()]);
    assert_eq!(list["items"][0]["members"], json!([]));
    let first = get(app, &admin, "/api/v1/teams?sort=-createdAt&limit=1").await.json();
    assert_eq!(first["items"][0]["name"], "Downtown");
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = get(app, &admin, &format!("/api/v1/teams?sort=-createdAt&limit=1&cursor={cursor}")).await.json();
    assert_eq!(second["items"][0]["id"], id.as_str());
    assert_eq!(second["nextCursor"], Value::Null);
    assert_eq!(get(app, &admin, "/api/v1/teams?sort=manager").await.status, 400);
    assert_eq!(
        get(app, &admin, &format!("/api/v1/teams?sort=name&cursor={cursor}")).await.code(),
        "request.invalid_cursor"
    );

    // Deleting the team leaves its members without one.
    assert_eq!(delete(app, &admin, &id).await.status, 204);
    let res = get(app, &admin, &format!("/api/v1/teams/{id}")).await;
    assert_eq!((res.status, res.code().as_str()), (404, "team.not_found"));
    let agent = get(app, &admin, &format!("/api/v1/users/{}", app.dar.agent.id)).await.json();
    assert_eq!(agent["teamId"], Value::Null);
    assert_eq!(agent["active"], true);
    assert_eq!(delete(app, &admin, &id).await.status, 404);
}

async fn inputs_are_checked(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let retired = user(app, "dar", "retired", Role::Manager).await;
    let res = app
        .request(Method::PATCH, "dar", &format!("/api/v1/users/{}", retired.id))
        .bearer(&admin)
        .json(&json!({"active": false}))
        .send()
        .await;
    assert_eq!(res.status, 200);

    let res = app.post("dar", "/api/v1/teams").bearer(&admin).body("application/json", "{\"name\": \"x\"").send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "request.malformed_json"));
    for (body, code) in [
        (json!({"name": "X", "members": []}), "request.invalid"),
        (json!({"managerId": manager.id}), "request.invalid"),
        (json!({"name": 7}), "request.invalid"),
        (json!({"name": "   "}), "team.name_required"),
        (json!({"name": "X", "managerId": app.dar.agent.id}), "team.invalid_manager"),
        (json!({"name": "X", "managerId": retired.id}), "team.invalid_manager"),
        (json!({"name": "X", "managerId": app.harbor.admin.id}), "team.invalid_manager"),
        (json!({"name": "X", "managerId": "nobody"}), "team.invalid_manager"),
    ] {
        let res = create(app, "dar", &admin, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{body}: {}", res.body);
    }
    let team = created(app, &admin, json!({"name": "Valid", "managerId": manager.id})).await;
    let id = team["id"].as_str().unwrap();
    for (body, code) in [
        (json!({"name": ""}), "team.name_required"),
        (json!({"managerId": app.dar.agent.id}), "team.invalid_manager"),
        (json!({"tenantId": app.harbor.tenant.id}), "request.invalid"),
        (json!({"id": "other"}), "request.invalid"),
    ] {
        let res = patch(app, &admin, id, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{body}: {}", res.body);
    }
    assert_eq!(get(app, &admin, &format!("/api/v1/teams/{id}")).await.json(), team);
    let list = get(app, &admin, "/api/v1/teams?limit=100").await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "refused creates left nothing: {list}");
    assert_eq!(get(app, &admin, "/api/v1/teams?managerId=x").await.code(), "request.invalid_query");
}

async fn everyone_reads_only_admins_write(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let manager = user(app, "dar", "manager", Role::Manager).await;
    let team = created(app, &admin, json!({"name": "Marina", "managerId": manager.id})).await;
    let id = team["id"].as_str().unwrap().to_owned();
    join(app, &admin, &manager.id, Some(&id)).await;
    let manager_token = app.token("dar", &manager).await;
    let agent = app.token("dar", &app.dar.agent).await;

    for token in [&agent, &manager_token] {
        let res = get(app, token, &format!("/api/v1/teams/{id}")).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(member_ids(&res.json()), vec![manager.id.clone()]);
        let list = get(app, token, "/api/v1/teams").await;
        assert_eq!(list.json()["items"][0]["id"], id.as_str());

        let res = create(app, "dar", token, json!({"name": "Mine"})).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
        let res = patch(app, token, &id, json!({"name": "Renamed"})).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
        let res = delete(app, token, &id).await;
        assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"), "{}", res.body);
    }
    // Managers do not manage their own team's membership either.
    let res = app
        .request(Method::PATCH, "dar", &format!("/api/v1/users/{}", app.dar.agent.id))
        .bearer(&manager_token)
        .json(&json!({"teamId": id}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    assert_eq!(get(app, &admin, &format!("/api/v1/teams/{id}")).await.json()["name"], "Marina");
    assert_eq!(get(app, &admin, "/api/v1/teams").await.json()["items"].as_array().unwrap().len(), 1);
}

async fn another_agency_sees_nothing(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let harbor = app.token("harbor", &app.harbor.admin).await;
    let res = create(app, "harbor", &harbor, json!({"name": "Harbor team", "managerId": app.harbor.admin.id})).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let foreign = res.json()["id"].as_str().unwrap().to_owned();
    let res = get(app, &admin, &format!("/api/v1/teams/{foreign}")).await;
    assert_eq!((res.status, res.code().as_str()), (404, "team.not_found"));
    assert_eq!(patch(app, &admin, &foreign, json!({"name": "pwned"})).await.status, 404);
    assert_eq!(delete(app, &admin, &foreign).await.status, 404);
    let list = get(app, &admin, "/api/v1/teams").await;
    assert!(!list.body.contains(&foreign), "{}", list.body);
    // A dar user cannot be put in the harbor team, nor a harbor user lead a dar team.
    let res = app
        .request(Method::PATCH, "dar", &format!("/api/v1/users/{}", app.dar.agent.id))
        .bearer(&admin)
        .json(&json!({"teamId": foreign}))
        .send()
        .await;
    assert_eq!((res.status, res.code().as_str()), (400, "user.invalid_team"));
    let res = app.get("harbor", &format!("/api/v1/teams/{foreign}")).bearer(&harbor).send().await.json();
    assert_eq!((res["name"].as_str(), res["members"].clone()), (Some("Harbor team"), json!([])));
}

crate::on_both_databases!(
    admins_manage_teams,
    inputs_are_checked,
    everyone_reads_only_admins_write,
    another_agency_sees_nothing,
);
