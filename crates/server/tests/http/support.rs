//! `TestApp`: the real server started in-process on `127.0.0.1:0` with a fresh database (a temp
//! SQLite file, or a fresh PostgreSQL schema), two seeded agencies, and request helpers that set
//! the `Host` header (`dar` → `dar.localhost`).

use std::net::SocketAddr;
use std::sync::Arc;

use app::tenants::{NewTenant, Tenant};
use app::users::{NewUser, UserView};
use domain::{Locale, Role};
use manzil::config::{Config, Mode, Secret};
use manzil::serve::{Running, start};
use serde_json::{Value, json};

/// The signing secret every test server uses (tests forge tokens with it).
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123456789";
/// Every seeded user's password.
pub const PASSWORD: &str = "correct horse battery";

/// One seeded agency: an admin and an agent.
pub struct Agency {
    pub tenant: Tenant,
    pub admin: UserView,
    pub agent: UserView,
}

pub struct TestApp {
    pub addr: SocketAddr,
    pub app: Arc<app::App>,
    pub dar: Agency,
    pub harbor: Agency,
    client: reqwest::Client,
    running: Option<Running>,
    pg_schema: Option<String>,
    _dir: tempfile::TempDir,
}

pub fn pg_url() -> String {
    std::env::var("MANZIL_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub fn with_search_path(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}

/// Runs DDL on the PostgreSQL test database outside any schema (creating and dropping schemas).
pub async fn pg_admin(sql: String) {
    let db = store::Db::connect(&pg_url(), app::schema::load().unwrap(), store::DbOptions::default())
        .await
        .expect("PostgreSQL at MANZIL_TEST_DATABASE_URL");
    db.execute_script(&[sql]).await.expect("pg admin statement");
    db.close().await;
}

impl TestApp {
    pub async fn sqlite() -> TestApp {
        Self::sqlite_with(|_| {}).await
    }

    /// A SQLite server whose config `tweak` adjusts first.
    pub async fn sqlite_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("manzil.db").display());
        Self::start(dir, url, None, tweak).await
    }

    pub async fn postgres() -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let schema = format!("http_{}", uuid::Uuid::new_v4().simple());
        pg_admin(format!("CREATE SCHEMA \"{schema}\"")).await;
        let url = with_search_path(&pg_url(), &schema);
        Self::start(dir, url, Some(schema), |_| {}).await
    }

    /// A PostgreSQL server whose config `tweak` adjusts first.
    pub async fn postgres_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let schema = format!("http_{}", uuid::Uuid::new_v4().simple());
        pg_admin(format!("CREATE SCHEMA \"{schema}\"")).await;
        let url = with_search_path(&pg_url(), &schema);
        Self::start(dir, url, Some(schema), tweak).await
    }

    async fn start(
        dir: tempfile::TempDir,
        url: String,
        pg_schema: Option<String>,
        tweak: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config { data_dir: dir.path().to_path_buf(), ..Config::default() };
        config.database.url = Some(Secret::new(url));
        config.database.max_connections = 5;
        config.server.port = 0;
        config.auth.jwt_secret = Some(Secret::new(SECRET.to_owned()));
        tweak(&mut config);
        let running = start(&config, Mode::Test).await.expect("server starts");
        let app = running.app.clone();
        let dar = seed(&app, "dar", "Dar Al Arkan", Locale::Ar).await;
        let harbor = seed(&app, "harbor", "Harbor Homes", Locale::En).await;
        let client =
            reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        TestApp { addr: running.addr, app, dar, harbor, client, running: Some(running), pg_schema, _dir: dir }
    }

    /// The server's data directory (its SQLite database and inbox key, for the CLI).
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// Stops the server and drops the PostgreSQL schema.
    pub async fn stop(mut self) {
        if let Some(r) = self.running.take() {
            r.stop().await;
        }
        if let Some(schema) = self.pg_schema.take() {
            pg_admin(format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE")).await;
        }
    }

    /// The host for `who`: `""` is the bare host, `"dar"` is `dar.localhost`.
    fn host(who: &str) -> String {
        match who {
            "" => "localhost".to_owned(),
            h if h.contains('.') => h.to_owned(),
            slug => format!("{slug}.localhost"),
        }
    }

    pub fn request(&self, method: reqwest::Method, host: &str, path: &str) -> Req {
        Req(self.client.request(method, format!("http://{}{path}", self.addr)).header("host", Self::host(host)))
    }

    pub fn get(&self, host: &str, path: &str) -> Req {
        self.request(reqwest::Method::GET, host, path)
    }

    pub fn post(&self, host: &str, path: &str) -> Req {
        self.request(reqwest::Method::POST, host, path)
    }

    /// Logs `email` in on `host` with the seeded password; returns the token body.
    pub async fn login(&self, host: &str, email: &str) -> Value {
        let res =
            self.post(host, "/api/v1/auth/login").json(&json!({"email": email, "password": PASSWORD})).send().await;
        assert_eq!(res.status, 200, "login of {email}: {}", res.body);
        res.json()
    }

    /// An access token for `user` of agency `host`.
    pub async fn token(&self, host: &str, user: &UserView) -> String {
        self.login(host, &user.email).await["accessToken"].as_str().expect("accessToken").to_owned()
    }

    /// Changes a user row behind the API's back (as an admin tool would).
    pub async fn update_user(&self, user: &UserView, data: Value) {
        self.app
            .db
            .as_system("test: change a user")
            .update("User", json!({"where": {"id": user.id}, "data": data}))
            .await
            .expect("user update");
    }
}

async fn seed(app: &app::App, slug: &str, name: &str, locale: Locale) -> Agency {
    let new = NewTenant {
        slug: slug.to_owned(),
        name: name.to_owned(),
        default_locale: locale,
        currency: "AED".to_owned(),
        country: "AE".to_owned(),
    };
    let tenant = app::tenants::create(&app.db, new).await.expect("tenant");
    let user = |role: Role, who: &str| NewUser {
        tenant_slug: slug.to_owned(),
        email: format!("{who}@{slug}.example"),
        name: format!("{who} of {slug}"),
        role,
        locale: None,
        password: Some(PASSWORD.to_owned()),
    };
    let admin = app::users::create(&app.db, &app.tenants, user(Role::Admin, "admin")).await.expect("admin");
    let agent = app::users::create(&app.db, &app.tenants, user(Role::Agent, "agent")).await.expect("agent");
    Agency { tenant, admin, agent }
}

/// A request being built.
pub struct Req(reqwest::RequestBuilder);

impl Req {
    pub fn bearer(self, token: &str) -> Req {
        Req(self.0.bearer_auth(token))
    }

    pub fn json(self, body: &Value) -> Req {
        Req(self.0.json(body))
    }

    pub fn header(self, name: &str, value: &str) -> Req {
        Req(self.0.header(name, value))
    }

    /// A raw body with a content type.
    pub fn body(self, content_type: &str, body: impl Into<reqwest::Body>) -> Req {
        Req(self.0.header("content-type", content_type).body(body))
    }

    pub async fn send(self) -> Res {
        let res = self.0.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.expect("body");
        Res { status, headers, body }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error.code` of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_owned()
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_owned).collect()
    }

    /// The value a `Set-Cookie` header gives cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let (pair, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }
}

/// Runs each named `async fn(&TestApp)` of the calling module on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::sqlite().await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let app = $crate::support::TestApp::postgres().await;
                    super::$name(&app).await;
                    app.stop().await;
                }
            )*
        }
    };
}
