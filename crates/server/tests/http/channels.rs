//! `/api/v1/channels`: admins create, edit and delete channel accounts; members read them without
//! secret flags; secrets are write-only, sealed at rest, and never in any answer.

use reqwest::Method;
use serde_json::json;

use crate::support::TestApp;

const APP_SECRET: &str = "meta-app-secret-0123456789";

async fn secrets_are_write_only_and_sealed(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let agent = app.token("dar", &app.dar.agent).await;
    let res = app
        .post("dar", "/api/v1/channels")
        .bearer(&admin)
        .json(&json!({"kind": "WHATSAPP", "name": "Sales WhatsApp", "phoneNumberId": "106540352242922",
                      "wabaId": "102290129340398", "address": "+971 50 123 4567", "appSecret": APP_SECRET,
                      "templates": [{"name": "hello", "languages": ["ar", "en"]}]}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert!(!res.body.contains(APP_SECRET));
    let view = res.json();
    let id = view["id"].as_str().unwrap().to_owned();
    assert_eq!(view["address"], "+971501234567");
    assert_eq!(
        view["secrets"],
        json!({"accessToken": false, "appSecret": true, "verifyToken": false,
                                       "authToken": false, "inboundSecret": false, "smtpPassword": false})
    );
    // Sealed at rest: a versioned ciphertext, not the secret.
    let row = app
        .app
        .db
        .as_system("test: read the sealed column")
        .run("ChannelAccount", "findUnique", &json!({"where": {"id": id}, "omit": {"appSecretEnc": false}}))
        .await
        .unwrap();
    let sealed = row["appSecretEnc"].as_str().unwrap();
    assert!(sealed.starts_with("v1:") && !sealed.contains(APP_SECRET), "{sealed}");
    assert_eq!(app.app.channels.secrets.open("appSecretEnc", sealed).unwrap(), APP_SECRET);

    // Members read it, without the flags; nobody reads a secret.
    let path = format!("/api/v1/channels/{id}");
    let as_agent = app.get("dar", &path).bearer(&agent).send().await;
    assert_eq!(as_agent.status, 200);
    assert_eq!(as_agent.json()["secrets"], serde_json::Value::Null);
    let list = app.get("dar", "/api/v1/channels").bearer(&admin).send().await;
    assert_eq!(list.json()["items"][0]["secrets"]["appSecret"], true);
    assert!(!list.body.contains(APP_SECRET) && !list.body.contains("v1:"));

    // Agents cannot write.
    let res = app.request(Method::PATCH, "dar", &path).bearer(&agent).json(&json!({"name": "mine"})).send().await;
    assert_eq!((res.status, res.code().as_str()), (403, "policy.denied"));
    let res = app
        .post("dar", "/api/v1/channels")
        .bearer(&agent)
        .json(&json!({"kind": "WHATSAPP", "name": "x", "phoneNumberId": "1", "appSecret": "x"}))
        .send()
        .await;
    assert_eq!(res.status, 403);

    // Edits: a new secret is sealed anew; clearing the one webhooks need is refused.
    let res = app
        .request(Method::PATCH, "dar", &path)
        .bearer(&admin)
        .json(&json!({"accessToken": "graph-token", "name": "Sales"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.json()["secrets"]["accessToken"], true);
    assert!(!res.body.contains("graph-token"));
    let res = app.request(Method::PATCH, "dar", &path).bearer(&admin).json(&json!({"appSecret": null})).send().await;
    assert_eq!((res.status, res.code().as_str()), (400, "channel.required"));
    assert_eq!(res.json()["error"]["field"], "appSecret");
    let res = app.request(Method::PATCH, "dar", &path).bearer(&admin).json(&json!({"kind": "SMS"})).send().await;
    assert_eq!(res.status, 400, "the kind never changes");

    // Delete.
    let res = app.request(Method::DELETE, "dar", &path).bearer(&admin).send().await;
    assert_eq!(res.status, 204);
    assert_eq!(app.get("dar", &path).bearer(&admin).send().await.status, 404);
}

async fn each_kind_is_checked(app: &TestApp) {
    let admin = app.token("dar", &app.dar.admin).await;
    let harbor = app.token("harbor", &app.harbor.admin).await;
    let create = |host: &'static str, token: &str, body: serde_json::Value| {
        app.post(host, "/api/v1/channels").bearer(token).json(&body).send()
    };
    let cases = [
        (json!({"kind": "WHATSAPP", "name": "w", "phoneNumberId": "1"}), "channel.required", "appSecret"),
        (json!({"kind": "WHATSAPP", "name": "w", "appSecret": "s"}), "channel.required", "phoneNumberId"),
        (
            json!({"kind": "WHATSAPP", "name": "w", "phoneNumberId": "12a", "appSecret": "s"}),
            "channel.invalid_phone_number_id",
            "phoneNumberId",
        ),
        (
            json!({"kind": "WHATSAPP", "name": "w", "phoneNumberId": "1", "appSecret": "s", "authToken": "t"}),
            "channel.field_not_for_kind",
            "authToken",
        ),
        (
            json!({"kind": "SMS", "name": "s", "address": "12", "smsAccountSid": "AC1", "authToken": "t"}),
            "channel.invalid_address",
            "address",
        ),
        (
            json!({"kind": "SMS", "name": "s", "address": "+971500000001", "authToken": "t"}),
            "channel.required",
            "smsAccountSid",
        ),
        (
            json!({"kind": "EMAIL", "name": "e", "inboundAddress": "not-mail", "inboundSecret": "x"}),
            "channel.invalid_address",
            "inboundAddress",
        ),
        (
            json!({"kind": "EMAIL", "name": "e", "inboundAddress": "a@b.example", "inboundSecret": "x", "smtpPort": 0}),
            "channel.invalid_port",
            "smtpPort",
        ),
        (
            json!({"kind": "EMAIL", "name": " ", "inboundAddress": "a@b.example", "inboundSecret": "x"}),
            "channel.required",
            "name",
        ),
        (json!({"name": "no kind"}), "channel.required", "kind"),
    ];
    for (body, code, field) in cases {
        let res = create("dar", &admin, body.clone()).await;
        assert_eq!((res.status, res.code().as_str()), (400, code), "{body}: {}", res.body);
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    // A WhatsApp number, an SMS number and an inbound address route to one account across all
    // agencies (the answer names no other agency).
    let wa = json!({"kind": "WHATSAPP", "name": "w", "phoneNumberId": "777", "appSecret": "s"});
    assert_eq!(create("dar", &admin, wa.clone()).await.status, 201);
    let res = create("harbor", &harbor, wa).await;
    assert_eq!((res.status, res.code().as_str()), (409, "channel.phone_number_id_taken"));
    assert!(!res.body.contains(&app.dar.tenant.id));
    let sms = json!({"kind": "SMS", "name": "s", "address": "+971500000001", "smsAccountSid": "AC1", "authToken": "t"});
    assert_eq!(create("dar", &admin, sms.clone()).await.status, 201);
    assert_eq!(create("harbor", &harbor, sms).await.code(), "channel.address_taken");
    let mail = json!({"kind": "EMAIL", "name": "e", "inboundAddress": "Sales@B.example", "inboundSecret": "x"});
    let res = create("dar", &admin, mail.clone()).await;
    assert_eq!(res.status, 201);
    assert_eq!(res.json()["inboundAddress"], "sales@b.example");
    assert_eq!(create("harbor", &harbor, mail).await.code(), "channel.inbound_address_taken");
    // The other agency sees none of them.
    let list = app.get("harbor", "/api/v1/channels").bearer(&harbor).send().await;
    assert_eq!(list.json()["items"], json!([]));
}

crate::on_both_databases!(secrets_are_write_only_and_sealed, each_kind_is_checked);
