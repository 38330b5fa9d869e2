//! `cargo bench -p manzil --bench pages`: the leads grid page at 10,000 leads on SQLite (the
//! issue's bar: under 20 ms of server time), against the JSON API answering the same question in
//! the same run (`GET /api/v1/leads?limit=50`, no HTML) as the baseline.
//!
//! The real server (embedded SQLite, release build) on port 0; one agency with 10,000 leads spread
//! over 10 agents; requests over loopback HTTP, so each figure is an upper bound of server time.
//! Variants run interleaved, round after round; each figure is the median round.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark fails loudly on broken fixtures"
)]

use std::time::{Duration, Instant};

use app::tenants::NewTenant;
use app::users::NewUser;
use domain::{Locale, Role};
use manzil::config::{Config, Mode, Secret};
use manzil::serve::start;
use serde_json::json;

const LEADS: usize = 10_000;
const AGENTS: usize = 10;
const PASSWORD: &str = "bench password 1";
const ROUNDS: usize = 15;
const PER_ROUND: usize = 20;

struct Variant {
    label: &'static str,
    path: &'static str,
    /// Who asks: the admin (every lead) or an agent (their 1,000).
    admin: bool,
    html: bool,
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
    config.database.url = Some(Secret::new(format!("sqlite:{}", dir.path().join("bench.db").display())));
    config.server.port = 0;
    config.auth.jwt_secret = Some(Secret::new("benchmark secret that is long enough 0123456789".to_owned()));
    let running = start(&config, Mode::Test).await.expect("server");
    let app = running.app.clone();

    let tenant = app::tenants::create(
        &app.db,
        NewTenant {
            slug: "dar".into(),
            name: "Dar".into(),
            default_locale: Locale::Ar,
            currency: "AED".into(),
            country: "AE".into(),
        },
    )
    .await
    .expect("tenant");
    let user = |who: String, role| NewUser {
        tenant_slug: "dar".into(),
        email: format!("{who}@dar.example"),
        name: format!("{who} of dar"),
        role,
        locale: None,
        password: Some(PASSWORD.into()),
    };
    let admin = app::users::create(&app.db, &app.tenants, user("admin".into(), Role::Admin)).await.expect("admin");
    let mut agents = Vec::new();
    for i in 0..AGENTS {
        agents.push(
            app::users::create(&app.db, &app.tenants, user(format!("agent{i}"), Role::Agent)).await.expect("agent"),
        );
    }
    let system = app.db.as_system("benchmark seed");
    let statuses = ["NEW", "CONTACTED", "QUALIFIED", "VIEWING", "NEGOTIATION", "WON", "LOST"];
    for chunk in (0..LEADS).collect::<Vec<_>>().chunks(500) {
        let data: Vec<_> = chunk
            .iter()
            .map(|i| {
                let name = format!("عميل رقم {i} Lead {i}");
                json!({"tenantId": tenant.id, "name": name, "assigneeId": agents[i % AGENTS].id,
                    "status": statuses[i % statuses.len()], "source": "WEBSITE",
                    "phones": [format!("+9715{:08}", i)], "primaryPhone": format!("+9715{:08}", i),
                    "email": format!("lead{i}@example.com"), "budgetMin": "1000000", "budgetMax": "2500000",
                    "budgetCurrency": "AED", "searchText": domain::fold_search(&name)})
            })
            .collect();
        system.run("Lead", "createMany", &json!({"data": data})).await.expect("leads");
    }

    let client =
        reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let base = format!("http://{}", running.addr);
    let login = |email: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let res = client
                .post(format!("{base}/api/v1/auth/login"))
                .header("host", "dar.localhost")
                .json(&json!({"email": email, "password": PASSWORD}))
                .send()
                .await
                .expect("login");
            let body: serde_json::Value = res.json().await.expect("json");
            body["accessToken"].as_str().expect("token").to_owned()
        }
    };
    let admin_token = login(admin.email.clone()).await;
    let agent_token = login(agents[0].email.clone()).await;

    let variants = [
        Variant { label: "admin: leads grid page (HTML)", path: "/leads", admin: true, html: true },
        Variant {
            label: "admin: JSON API, same page of leads",
            path: "/api/v1/leads?limit=50",
            admin: true,
            html: false,
        },
        Variant {
            label: "admin: grid page, search `رقم 42`",
            path: "/leads?q=%D8%B1%D9%82%D9%85%2042",
            admin: true,
            html: true,
        },
        Variant { label: "agent: leads grid page (HTML)", path: "/leads", admin: false, html: true },
        Variant {
            label: "agent: JSON API, same page of leads",
            path: "/api/v1/leads?limit=50",
            admin: false,
            html: false,
        },
    ];
    let get = |v: &Variant| {
        let token = if v.admin { &admin_token } else { &agent_token };
        let req = client.get(format!("{base}{}", v.path)).header("host", "dar.localhost");
        // Pages authenticate by the session cookie, the API by the bearer token: the same JWT.
        if v.html {
            req.header("cookie", format!("manzil_access={token}; manzil_csrf=x"))
        } else {
            req.bearer_auth(token)
        }
    };
    for v in &variants {
        for _ in 0..10 {
            let res = get(v).send().await.expect("request");
            assert_eq!(res.status(), 200, "{}", v.label);
            let body = res.text().await.expect("body");
            assert!(!v.html || body.matches("data-lead-id").count() >= 1, "{}: no rows", v.label);
        }
    }
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); variants.len()];
    for _ in 0..ROUNDS {
        for (i, v) in variants.iter().enumerate() {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                let res = get(v).send().await.expect("request");
                std::hint::black_box(res.bytes().await.expect("body").len());
            }
            samples[i].push(start.elapsed() / PER_ROUND as u32);
        }
    }
    println!("\nleads grid at {LEADS} leads (SQLite, {ROUNDS} rounds × {PER_ROUND} requests, median round):\n");
    println!("| measurement | ms per request |");
    println!("|---|---:|");
    for (v, mut s) in variants.iter().zip(samples) {
        s.sort();
        println!("| {} | {:.2} |", v.label, s[s.len() / 2].as_secs_f64() * 1000.0);
    }
    running.stop().await;
}
