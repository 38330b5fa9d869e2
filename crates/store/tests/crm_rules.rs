//! The CRM's access rules (`schema.zmodel` at the repository root), proven as a matrix: every role ×
//! every model × (findMany, update, delete, create), on SQLite and on PostgreSQL.
//!
//! Two agencies are seeded as system (each: an admin, a manager with a team of two agents, an agent
//! of another team, leads for each agent plus an unassigned one, listings, deals, activities,
//! files, an audit event, a refresh token). Every test then acts as one caller of agency `t1` (or
//! as `t2`'s admin, or anonymously) and checks the outcome against the tables below — written out
//! by hand from the product rules, never computed from the schema. After each test, a system dump
//! of both agencies must equal the dump taken right after seeding: denied writes changed nothing,
//! and allowed ones were undone.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

mod common;

use common::{Fresh, pg_url, with_search_path};
use serde_json::{Map, Value, json};
use store::{Auth, Client, Db, DbOptions, RejectReason, StoreError};

const SCHEMA: &str = include_str!("../../../schema.zmodel");

// ---------------------------------------------------------------------------------------------
// Callers
// ---------------------------------------------------------------------------------------------

/// The callers, in the column order of every expectation table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// `t1-admin`, ADMIN of agency t1, in no team.
    Admin,
    /// `t1-mgr`, MANAGER of team `t1-team` (agents `t1-a1`, `t1-a2`).
    Manager,
    /// `t1-a1`, AGENT in the manager's team.
    TeamAgent,
    /// `t1-a3`, AGENT in the other team (`t1-team2`).
    OtherAgent,
    /// No user at all.
    Anon,
    /// `t2-admin`, ADMIN of the other agency.
    OtherAdmin,
}

const WHO: [Who; 6] = [Who::Admin, Who::Manager, Who::TeamAgent, Who::OtherAgent, Who::Anon, Who::OtherAdmin];

fn auth(who: Who) -> Auth {
    Auth(match who {
        Who::Admin => Some(json!({ "id": "t1-admin", "tenantId": "t1", "role": "ADMIN", "teamId": null })),
        Who::Manager => Some(json!({ "id": "t1-mgr", "tenantId": "t1", "role": "MANAGER", "teamId": "t1-team" })),
        Who::TeamAgent => Some(json!({ "id": "t1-a1", "tenantId": "t1", "role": "AGENT", "teamId": "t1-team" })),
        Who::OtherAgent => Some(json!({ "id": "t1-a3", "tenantId": "t1", "role": "AGENT", "teamId": "t1-team2" })),
        Who::Anon => None,
        Who::OtherAdmin => Some(json!({ "id": "t2-admin", "tenantId": "t2", "role": "ADMIN", "teamId": null })),
    })
}

/// What happened to a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Out {
    /// It went through.
    Done,
    /// `not-found`: the record is hidden from this caller for this operation.
    Hidden,
    /// `rejected-by-policy` / `no-access` (a create rule, a field rule, a post-update rule).
    Rejected,
}

const Y: Out = Out::Done;
const NF: Out = Out::Hidden;
const NO: Out = Out::Rejected;

fn outcome(r: &store::Result<Value>) -> Result<Out, String> {
    match r {
        Ok(_) => Ok(Out::Done),
        Err(StoreError::NotFound { .. }) => Ok(Out::Hidden),
        Err(StoreError::RejectedByPolicy { reason: RejectReason::NoAccess, .. }) => Ok(Out::Rejected),
        Err(e) => Err(format!("{} {e:?}", e.kind())),
    }
}

// ---------------------------------------------------------------------------------------------
// Seed
// ---------------------------------------------------------------------------------------------

const MODELS: [&str; 10] =
    ["Tenant", "Team", "User", "Lead", "Property", "Deal", "Activity", "File", "AuditEvent", "RefreshToken"];

async fn seed(db: &Db) {
    let sys = db.as_system("test seed");
    for (p, d) in [("t1", "1"), ("t2", "2")] {
        let id = |s: &str| format!("{p}-{s}");
        let c = |model: &'static str, data: Value| {
            let sys = sys.clone();
            async move {
                sys.create(model, json!({ "data": data })).await.unwrap_or_else(|e| panic!("seed {model}: {e:?}"));
            }
        };
        c(
            "Tenant",
            json!({ "id": p, "slug": format!("agency-{p}"), "name": format!("Agency {p}"), "nameAr": "وكالة",
                    "defaultLocale": "ar", "currency": "AED", "timeZone": "Asia/Dubai", "country": "AE" }),
        )
        .await;
        c("Team", json!({ "id": id("team"), "tenantId": p, "name": "Marina" })).await;
        c("Team", json!({ "id": id("team2"), "tenantId": p, "name": "Downtown" })).await;
        for (u, role, team) in [
            ("admin", "ADMIN", None),
            ("mgr", "MANAGER", Some("team")),
            ("a1", "AGENT", Some("team")),
            ("a2", "AGENT", Some("team")),
            ("a3", "AGENT", Some("team2")),
        ] {
            c(
                "User",
                json!({ "id": id(u), "tenantId": p, "email": format!("{u}@{p}.example"), "name": format!("User {u}"),
                        "role": role, "teamId": team.map(id), "locale": "en", "languages": ["ar", "en"],
                        "passwordHash": format!("argon2-{p}-{u}") }),
            )
            .await;
        }
        sys.update("Team", json!({ "where": { "id": id("team") }, "data": { "managerId": id("mgr") } }))
            .await
            .expect("team manager");
        for (l, who, n) in
            [("L-a1", Some("a1"), "1"), ("L-a2", Some("a2"), "2"), ("L-a3", Some("a3"), "3"), ("L-none", None, "9")]
        {
            let phone = format!("+97155{d}00000{n}");
            c(
                "Lead",
                json!({ "id": id(l), "tenantId": p, "name": format!("محمد {l}"), "phones": [phone], "primaryPhone": phone,
                        "email": format!("{l}@mail.example"), "emailNormalized": format!("{l}@mail.example").to_lowercase(),
                        "preferredLanguage": "ar", "source": "BAYUT", "intent": "SALE", "propertyTypes": ["APARTMENT"],
                        "cities": ["Dubai"], "minBedrooms": 2, "budgetMin": "1000000", "budgetMax": "2500000",
                        "budgetCurrency": "AED", "assigneeId": who.map(id), "tags": ["hot"], "notes": "seed" }),
            )
            .await;
        }
        for (pr, who, n) in [("P-a1", Some("a1"), "1"), ("P-a3", Some("a3"), "3"), ("P-none", None, "9")] {
            c(
                "Property",
                json!({ "id": id(pr), "tenantId": p, "reference": format!("REF-{pr}"), "titleEn": "Sea view flat",
                        "titleAr": "شقة مطلة على البحر", "purpose": "SALE", "type": "APARTMENT", "city": "Dubai",
                        "community": "Dubai Marina", "bedrooms": 2, "bathrooms": 2, "areaSqm": 120.5, "price": "2400000",
                        "currency": "AED", "status": "AVAILABLE", "listingAgentId": who.map(id),
                        "ownerName": format!("Owner {p} {pr}"), "ownerPhone": format!("+97150{d}00000{n}"),
                        "permitNumber": "71234", "photos": [] }),
            )
            .await;
        }
        for (dl, lead, prop, who, commission) in [
            ("D-a1", "L-a1", Some("P-a1"), Some("a1"), "48000"),
            ("D-a3", "L-a3", Some("P-a3"), Some("a3"), "31000"),
            ("D-none", "L-none", None, None, "12000"),
        ] {
            c(
                "Deal",
                json!({ "id": id(dl), "tenantId": p, "leadId": id(lead), "propertyId": prop.map(id), "stage": "OFFER",
                        "value": "2400000", "currency": "AED", "commission": commission, "agentId": who.map(id) }),
            )
            .await;
        }
        for (a, lead, assignee, creator) in [
            ("A-a1", "L-a1", Some("a1"), "a1"),
            ("A-a3", "L-a3", Some("a3"), "a3"),
            ("A-mgr-a3", "L-a3", Some("a1"), "mgr"), // on another team's lead, but assigned to a1
            ("A-a2lead", "L-a2", None, "mgr"),
            ("A-none", "L-none", None, "admin"),
        ] {
            c(
                "Activity",
                json!({ "id": id(a), "tenantId": p, "type": "TASK", "leadId": id(lead), "title": format!("Call back {a}"),
                        "dueAt": "2030-01-01T09:00:00.000Z", "assigneeId": assignee.map(id), "createdById": id(creator) }),
            )
            .await;
        }
        for (fi, creator) in [("F-a1", "a1"), ("F-adm", "admin")] {
            c(
                "File",
                json!({ "id": id(fi), "tenantId": p, "ownerType": "lead", "ownerId": id("L-a1"), "name": "passport.pdf",
                        "contentType": "application/pdf", "size": 1234, "storageKey": format!("{p}/{fi}"),
                        "createdById": id(creator) }),
            )
            .await;
        }
        c(
            "AuditEvent",
            json!({ "id": id("E1"), "tenantId": p, "actorId": id("a1"), "action": "update", "model": "Lead",
                    "recordId": id("L-a1"), "changes": { "status": { "from": "NEW", "to": "CONTACTED" } } }),
        )
        .await;
        c(
            "RefreshToken",
            json!({ "id": id("R-a1"), "tenantId": p, "userId": id("a1"), "tokenHash": format!("sha256-{p}-R-a1"),
                    "family": id("fam"), "expiresAt": "2030-01-01T00:00:00.000Z" }),
        )
        .await;
    }
}

/// Every row of every model, as the system sees it (secrets included).
async fn dump(sys: &Client) -> Value {
    let mut all = Map::new();
    for m in MODELS {
        let mut args = json!({ "orderBy": { "id": "asc" } });
        if m == "User" {
            args["omit"] = json!({ "passwordHash": false });
        }
        all.insert(m.to_owned(), sys.find_many(m, args).await.expect("dump"));
    }
    Value::Object(all)
}

async fn snapshot(sys: &Client, model: &str, id: &str) -> Value {
    let mut args = json!({ "where": { "id": id } });
    if model == "User" {
        args["omit"] = json!({ "passwordHash": false });
    }
    sys.find_unique(model, args).await.expect("snapshot")
}

/// Equal as JSON, or as numbers when both are numeric strings (`Decimal` output).
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let num = |v: &Value| match v {
        Value::String(s) => s.parse::<f64>().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    matches!((num(a), num(b)), (Some(x), Some(y)) if x == y)
}

/// Replaces `{u}` in every string of `v` (unique values per attempt).
fn fill(v: &Value, u: &str) -> Value {
    match v {
        Value::String(s) => Value::String(s.replace("{u}", u)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill(x, u)).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, x)| (k.clone(), fill(x, u))).collect()),
        other => other.clone(),
    }
}

fn ids(rows: &Value) -> Vec<String> {
    let mut v: Vec<String> =
        rows.as_array().expect("rows").iter().map(|r| r["id"].as_str().expect("id").to_owned()).collect();
    v.sort();
    v
}

fn strs(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// Where a run's database lives.
enum Site {
    Fresh(Fresh),
    /// PostgreSQL with the RLS script installed: tables and policies belong to the owner (who also
    /// seeds and is the test's oracle); the callers connect as a role that is neither owner nor
    /// BYPASSRLS, so every query passes the engine's filters *and* the database's policies.
    Rls {
        owner: Db,
        app: Db,
        schema: String,
        role: String,
    },
}

impl Site {
    async fn rls() -> Site {
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        let (schema, role) = (format!("crm_rls_{suffix}"), format!("crm_app_{suffix}"));
        let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
        for sql in [
            format!("CREATE SCHEMA \"{schema}\""),
            format!("CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT"),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&admin).await.expect("set-up");
        }
        let loaded = policy::load(SCHEMA).expect("schema");
        let owner = Db::connect(&with_search_path(&pg_url(), &schema), loaded.schema.clone(), DbOptions::default())
            .await
            .expect("owner");
        owner.create_tables().await.expect("tables");
        let set = policy::PolicySet::new(std::sync::Arc::new(loaded.schema.clone()));
        let rls = policy::rls::emit_rls(&set).expect("rls");
        owner.execute_script(std::slice::from_ref(&rls.sql)).await.expect("install rls");
        for sql in [
            format!("GRANT USAGE ON SCHEMA \"{schema}\" TO \"{role}\""),
            format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"{schema}\" TO \"{role}\""),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&admin).await.expect("grant");
        }
        admin.close().await;
        let app_url = with_search_path(&pg_url().replacen("postgres@", &format!("{role}@"), 1), &schema);
        let app =
            Db::connect(&app_url, loaded.schema, DbOptions { max_connections: 2, rls: true, ..DbOptions::default() })
                .await
                .expect("app");
        Site::Rls { owner, app, schema, role }
    }

    /// The database the callers use.
    fn app(&self) -> &Db {
        match self {
            Site::Fresh(f) => &f.db,
            Site::Rls { app, .. } => app,
        }
    }

    /// The database the seed and the oracle use (outside every rule).
    fn owner(&self) -> &Db {
        match self {
            Site::Fresh(f) => &f.db,
            Site::Rls { owner, .. } => owner,
        }
    }

    async fn drop(self) {
        match self {
            Site::Fresh(f) => f.drop_pg().await,
            Site::Rls { owner, app, schema, role } => {
                app.close().await;
                owner.close().await;
                let admin = sqlx::PgPool::connect(&pg_url()).await.expect("postgres");
                for sql in [format!("DROP SCHEMA \"{schema}\" CASCADE"), format!("DROP ROLE \"{role}\"")] {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&admin).await.expect("drop");
                }
                admin.close().await;
            }
        }
    }
}

struct Run {
    name: &'static str,
    site: Site,
    sys: Client,
    before: Value,
    fails: Vec<String>,
    checks: usize,
}

impl Run {
    async fn new(name: &'static str, site: Site) -> Run {
        seed(site.owner()).await;
        let sys = site.owner().as_system("test oracle");
        let before = dump(&sys).await;
        Run { name, site, sys, before, fails: Vec::new(), checks: 0 }
    }

    fn client(&self, who: Who) -> Client {
        self.site.app().for_auth(auth(who))
    }

    fn check(&mut self, ok: bool, msg: impl FnOnce() -> String) {
        self.checks += 1;
        if !ok {
            self.fails.push(msg());
        }
    }

    /// The victim data is unchanged, then the report.
    async fn finish(mut self) {
        let after = dump(&self.sys).await;
        for m in MODELS {
            let (b, a) = (self.before[m].clone(), after[m].clone());
            let (b, a) = (b.as_array().expect("rows"), a.as_array().expect("rows"));
            self.check(b.len() == a.len(), || format!("{m}: {} rows before, {} after", b.len(), a.len()));
            for (x, y) in b.iter().zip(a) {
                self.check(x == y, || format!("{m}: data changed\n before: {x}\n  after: {y}"));
            }
        }
        let Run { name, site, fails, checks, .. } = self;
        site.drop().await;
        assert!(fails.is_empty(), "{name}: {} of {checks} checks failed:\n{}", fails.len(), fails.join("\n"));
        eprintln!("{name}: {checks} checks passed");
    }
}

// ---------------------------------------------------------------------------------------------
// findMany: visible ids
// ---------------------------------------------------------------------------------------------

type Ids = &'static [&'static str];

/// Which rows `findMany` returns to each caller (columns: admin, manager, team agent, other agent,
/// anonymous, other agency's admin).
const READS: &[(&str, [Ids; 6])] = &[
    ("Tenant", [&["t1"], &["t1"], &["t1"], &["t1"], &[], &["t2"]]),
    (
        "Team",
        [
            &["t1-team", "t1-team2"],
            &["t1-team", "t1-team2"],
            &["t1-team", "t1-team2"],
            &["t1-team", "t1-team2"],
            &[],
            &["t2-team", "t2-team2"],
        ],
    ),
    (
        "User",
        [
            &["t1-admin", "t1-mgr", "t1-a1", "t1-a2", "t1-a3"],
            &["t1-admin", "t1-mgr", "t1-a1", "t1-a2", "t1-a3"],
            &["t1-admin", "t1-mgr", "t1-a1", "t1-a2", "t1-a3"],
            &["t1-admin", "t1-mgr", "t1-a1", "t1-a2", "t1-a3"],
            &[],
            &["t2-admin", "t2-mgr", "t2-a1", "t2-a2", "t2-a3"],
        ],
    ),
    (
        "Lead",
        [
            &["t1-L-a1", "t1-L-a2", "t1-L-a3", "t1-L-none"],
            &["t1-L-a1", "t1-L-a2", "t1-L-none"],
            &["t1-L-a1"],
            &["t1-L-a3"],
            &[],
            &["t2-L-a1", "t2-L-a2", "t2-L-a3", "t2-L-none"],
        ],
    ),
    (
        "Property",
        [
            &["t1-P-a1", "t1-P-a3", "t1-P-none"],
            &["t1-P-a1", "t1-P-a3", "t1-P-none"],
            &["t1-P-a1", "t1-P-a3", "t1-P-none"],
            &["t1-P-a1", "t1-P-a3", "t1-P-none"],
            &[],
            &["t2-P-a1", "t2-P-a3", "t2-P-none"],
        ],
    ),
    (
        "Deal",
        [
            &["t1-D-a1", "t1-D-a3", "t1-D-none"],
            &["t1-D-a1", "t1-D-none"],
            &["t1-D-a1"],
            &["t1-D-a3"],
            &[],
            &["t2-D-a1", "t2-D-a3", "t2-D-none"],
        ],
    ),
    (
        "Activity",
        [
            &["t1-A-a1", "t1-A-a3", "t1-A-mgr-a3", "t1-A-a2lead", "t1-A-none"],
            &["t1-A-a1", "t1-A-mgr-a3", "t1-A-a2lead", "t1-A-none"],
            &["t1-A-a1", "t1-A-mgr-a3"],
            &["t1-A-a3", "t1-A-mgr-a3"],
            &[],
            &["t2-A-a1", "t2-A-a3", "t2-A-mgr-a3", "t2-A-a2lead", "t2-A-none"],
        ],
    ),
    (
        "File",
        [
            &["t1-F-a1", "t1-F-adm"],
            &["t1-F-a1", "t1-F-adm"],
            &["t1-F-a1", "t1-F-adm"],
            &["t1-F-a1", "t1-F-adm"],
            &[],
            &["t2-F-a1", "t2-F-adm"],
        ],
    ),
    ("AuditEvent", [&["t1-E1"], &[], &[], &[], &[], &["t2-E1"]]),
    ("RefreshToken", [&[], &[], &[], &[], &[], &[]]),
];

/// Listings whose owner contact (`ownerName`, `ownerPhone`) each caller sees; on every other
/// listing they read both come back `null`.
const OWNER_CONTACT: [Ids; 6] = [
    &["t1-P-a1", "t1-P-a3", "t1-P-none"],
    &["t1-P-a1", "t1-P-a3", "t1-P-none"],
    &["t1-P-a1"],
    &["t1-P-a3"],
    &[],
    &["t2-P-a1", "t2-P-a3", "t2-P-none"],
];

/// Deals whose `commission` each caller sees (every deal they read, as it happens: agents only
/// read their own deals; the field rule is the second wall should the read rule ever widen).
const COMMISSION: [Ids; 6] = [
    &["t1-D-a1", "t1-D-a3", "t1-D-none"],
    &["t1-D-a1", "t1-D-none"],
    &["t1-D-a1"],
    &["t1-D-a3"],
    &[],
    &["t2-D-a1", "t2-D-a3", "t2-D-none"],
];

async fn reads(r: &mut Run) {
    for (model, expect) in READS {
        for (i, who) in WHO.iter().enumerate() {
            let got = r.client(*who).find_many(model, json!({})).await;
            let got = match got {
                Ok(rows) => ids(&rows),
                Err(e) => {
                    r.check(false, || format!("findMany {model} as {who:?}: {e:?}"));
                    continue;
                }
            };
            let want = strs(expect[i]);
            r.check(got == want, || format!("findMany {model} as {who:?}: got {got:?}, want {want:?}"));
            // count agrees with findMany.
            let n = r.client(*who).count(model, json!({})).await.expect("count");
            r.check(n == json!(want.len()), || format!("count {model} as {who:?}: got {n}, want {}", want.len()));
        }
    }
}

async fn field_reads(r: &mut Run) {
    // Property owner contact.
    for (i, who) in WHO.iter().enumerate() {
        let rows = r.client(*who).find_many("Property", json!({})).await.expect("properties");
        for row in rows.as_array().expect("rows") {
            let id = row["id"].as_str().expect("id").to_owned();
            let truth = snapshot(&r.sys, "Property", &id).await;
            let visible = OWNER_CONTACT[i].contains(&id.as_str());
            for field in ["ownerName", "ownerPhone"] {
                let (got, real) = (&row[field], &truth[field]);
                let ok = if visible { got == real && !real.is_null() } else { got.is_null() };
                r.check(ok, || format!("Property {id}.{field} as {who:?}: got {got}, visible={visible}"));
            }
        }
    }
    // Filtering by a hidden field cannot probe it (the filter sees NULL).
    let phone = snapshot(&r.sys, "Property", "t1-P-a1").await["ownerPhone"].clone();
    for (who, want) in [
        (Who::Admin, vec!["t1-P-a1"]),
        (Who::Manager, vec!["t1-P-a1"]),
        (Who::TeamAgent, vec!["t1-P-a1"]),
        (Who::OtherAgent, vec![]),
        (Who::Anon, vec![]),
        (Who::OtherAdmin, vec![]),
    ] {
        let rows =
            r.client(who).find_many("Property", json!({ "where": { "ownerPhone": phone } })).await.expect("probe");
        let got = ids(&rows);
        r.check(got == strs(&want), || format!("probe ownerPhone as {who:?}: got {got:?}"));
    }

    // Deal commission.
    for (i, who) in WHO.iter().enumerate() {
        let rows = r.client(*who).find_many("Deal", json!({})).await.expect("deals");
        for row in rows.as_array().expect("rows") {
            let id = row["id"].as_str().expect("id").to_owned();
            let truth = snapshot(&r.sys, "Deal", &id).await;
            let visible = COMMISSION[i].contains(&id.as_str());
            let (got, real) = (&row["commission"], &truth["commission"]);
            let ok = if visible { got == real && !real.is_null() } else { got.is_null() };
            r.check(ok, || format!("Deal {id}.commission as {who:?}: got {got}, visible={visible}"));
        }
    }

    // passwordHash: never, not even to an admin who asks for it; filters cannot probe it.
    let real = snapshot(&r.sys, "User", "t1-a1").await["passwordHash"].clone();
    r.check(real == json!("argon2-t1-a1"), || format!("seeded passwordHash: {real}"));
    for who in WHO {
        let c = r.client(who);
        let plain = c.find_many("User", json!({})).await.expect("users");
        let asked =
            c.find_many("User", json!({ "select": { "id": true, "passwordHash": true } })).await.expect("users");
        let all = c.find_many("User", json!({ "omit": { "passwordHash": false } })).await.expect("users");
        for rows in [&plain, &asked, &all] {
            for row in rows.as_array().expect("rows") {
                let h = &row["passwordHash"];
                r.check(h.is_null(), || format!("passwordHash returned to {who:?}: {row}"));
            }
        }
        let one =
            c.find_unique("User", json!({ "where": { "id": "t1-a1" }, "select": { "passwordHash": true } })).await;
        let one = one.expect("findUnique");
        r.check(one.is_null() || one["passwordHash"].is_null(), || {
            format!("findUnique passwordHash to {who:?}: {one}")
        });
        let probe = c.find_many("User", json!({ "where": { "passwordHash": "argon2-t1-a1" } })).await.expect("probe");
        r.check(ids(&probe).is_empty(), || format!("passwordHash probe as {who:?}: {probe}"));
        // Through a relation, too.
        let via = c
            .find_many("Lead", json!({ "include": { "assignee": { "select": { "id": true, "passwordHash": true } } } }))
            .await
            .expect("leads");
        for row in via.as_array().expect("rows") {
            let h = &row["assignee"]["passwordHash"];
            r.check(h.is_null(), || format!("passwordHash via Lead.assignee to {who:?}: {row}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// update
// ---------------------------------------------------------------------------------------------

/// `update` of a specific record: (model, record, data, outcome per caller).
/// Columns: admin, manager, team agent, other agent, anonymous, other agency's admin.
fn update_cases() -> Vec<(&'static str, &'static str, Value, [Out; 6])> {
    vec![
        // Tenant settings: ADMIN only; the round-robin cursor is the router's (system).
        ("Tenant", "t1", json!({ "name": "Renamed" }), [Y, NF, NF, NF, NF, NF]),
        ("Tenant", "t1", json!({ "routingMode": "MANUAL" }), [Y, NF, NF, NF, NF, NF]),
        ("Tenant", "t1", json!({ "routingCursor": 7 }), [NO, NF, NF, NF, NF, NF]),
        // Teams: ADMIN only.
        ("Team", "t1-team", json!({ "name": "Renamed" }), [Y, NF, NF, NF, NF, NF]),
        ("Team", "t1-team", json!({ "managerId": "t1-a1" }), [Y, NF, NF, NF, NF, NF]),
        ("Team", "t1-team", json!({ "managerId": "t2-mgr" }), [NO, NF, NF, NF, NF, NF]),
        // Users: ADMIN all; everyone their own name and locale, nothing else.
        ("User", "t1-a1", json!({ "name": "Renamed", "locale": "ar" }), [Y, NF, Y, NF, NF, NF]),
        ("User", "t1-a3", json!({ "name": "Renamed" }), [Y, NF, NF, Y, NF, NF]),
        ("User", "t1-mgr", json!({ "name": "Renamed" }), [Y, Y, NF, NF, NF, NF]),
        ("User", "t1-a1", json!({ "role": "ADMIN" }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "active": false }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "teamId": "t1-team2" }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "email": "new@t1.example" }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "languages": ["ar", "en", "hi"] }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "lastAssignedAt": "2020-01-01T00:00:00.000Z" }), [Y, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "passwordHash": "attacker" }), [NO, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "tenantId": "t2" }), [NO, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "id": "t1-a1-new" }), [NO, NF, NO, NF, NF, NF]),
        ("User", "t1-a1", json!({ "teamId": "t2-team" }), [NO, NF, NO, NF, NF, NF]),
        // Leads.
        ("Lead", "t1-L-a1", json!({ "notes": "called", "status": "CONTACTED" }), [Y, Y, Y, NF, NF, NF]),
        ("Lead", "t1-L-a2", json!({ "notes": "called" }), [Y, Y, NF, NF, NF, NF]),
        ("Lead", "t1-L-a3", json!({ "notes": "called" }), [Y, NF, NF, Y, NF, NF]),
        ("Lead", "t1-L-none", json!({ "notes": "called" }), [Y, Y, NF, NF, NF, NF]),
        ("Lead", "t1-L-a1", json!({ "assigneeId": "t1-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Lead", "t1-L-a1", json!({ "assigneeId": null }), [Y, Y, NO, NF, NF, NF]),
        ("Lead", "t1-L-none", json!({ "assigneeId": "t1-a1" }), [Y, Y, NF, NF, NF, NF]),
        // …a manager cannot hand a lead to another team; nobody to another agency's user.
        ("Lead", "t1-L-a1", json!({ "assigneeId": "t1-a3" }), [Y, NO, NO, NF, NF, NF]),
        ("Lead", "t1-L-a1", json!({ "assigneeId": "t2-a1" }), [NO, NO, NO, NF, NF, NF]),
        ("Lead", "t1-L-a1", json!({ "tenantId": "t2" }), [NO, NO, NO, NF, NF, NF]),
        // Listings: agents update only what they list; managers their team's and unassigned.
        ("Property", "t1-P-a1", json!({ "titleEn": "Renamed", "price": "2300000" }), [Y, Y, Y, NF, NF, NF]),
        ("Property", "t1-P-a3", json!({ "titleEn": "Renamed" }), [Y, NF, NF, Y, NF, NF]),
        ("Property", "t1-P-none", json!({ "titleEn": "Renamed" }), [Y, Y, NF, NF, NF, NF]),
        ("Property", "t1-P-a1", json!({ "ownerPhone": "+971509999999" }), [Y, Y, Y, NF, NF, NF]),
        ("Property", "t1-P-a1", json!({ "listingAgentId": "t1-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Property", "t1-P-a1", json!({ "listingAgentId": "t1-a3" }), [Y, NO, NO, NF, NF, NF]),
        ("Property", "t1-P-a1", json!({ "listingAgentId": "t2-a1" }), [NO, NO, NO, NF, NF, NF]),
        ("Property", "t1-P-a1", json!({ "tenantId": "t2" }), [NO, NO, NO, NF, NF, NF]),
        // Deals.
        ("Deal", "t1-D-a1", json!({ "stage": "CONTRACT", "value": "2350000" }), [Y, Y, Y, NF, NF, NF]),
        ("Deal", "t1-D-a3", json!({ "stage": "CONTRACT" }), [Y, NF, NF, Y, NF, NF]),
        ("Deal", "t1-D-none", json!({ "stage": "CONTRACT" }), [Y, Y, NF, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "commission": "99000" }), [Y, Y, NO, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "agentId": "t1-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "agentId": "t1-a3" }), [Y, NO, NO, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "leadId": "t1-L-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "leadId": "t2-L-a1" }), [NO, NO, NO, NF, NF, NF]),
        ("Deal", "t1-D-a1", json!({ "propertyId": "t2-P-a1" }), [NO, NO, NO, NF, NF, NF]),
        // Activities.
        ("Activity", "t1-A-a1", json!({ "doneAt": "2030-01-02T10:00:00.000Z" }), [Y, Y, Y, NF, NF, NF]),
        ("Activity", "t1-A-a3", json!({ "doneAt": "2030-01-02T10:00:00.000Z" }), [Y, NF, NF, Y, NF, NF]),
        // a3 reads it (their lead) but neither created nor holds it; a1 holds it.
        ("Activity", "t1-A-mgr-a3", json!({ "title": "Renamed" }), [Y, Y, Y, NF, NF, NF]),
        ("Activity", "t1-A-a2lead", json!({ "title": "Renamed" }), [Y, Y, NF, NF, NF, NF]),
        ("Activity", "t1-A-none", json!({ "title": "Renamed" }), [Y, Y, NF, NF, NF, NF]),
        ("Activity", "t1-A-a1", json!({ "assigneeId": "t1-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Activity", "t1-A-a1", json!({ "leadId": "t1-L-a2" }), [Y, Y, NO, NF, NF, NF]),
        ("Activity", "t1-A-a1", json!({ "createdById": "t1-a2" }), [NO, NO, NO, NF, NF, NF]),
        ("Activity", "t1-A-a1", json!({ "leadId": "t2-L-a1" }), [NO, NO, NO, NF, NF, NF]),
        // Files: metadata edits are ADMIN's; the storage key never changes.
        ("File", "t1-F-a1", json!({ "name": "renamed.pdf" }), [Y, NF, NF, NF, NF, NF]),
        ("File", "t1-F-a1", json!({ "storageKey": "elsewhere" }), [NO, NF, NF, NF, NF, NF]),
        // Audit events and refresh tokens: never through the API.
        ("AuditEvent", "t1-E1", json!({ "action": "delete" }), [NF, NF, NF, NF, NF, NF]),
        ("RefreshToken", "t1-R-a1", json!({ "revokedAt": "2024-01-01T00:00:00.000Z" }), [NF, NF, NF, NF, NF, NF]),
    ]
}

async fn updates(r: &mut Run) {
    for (model, id, data, expect) in update_cases() {
        for (i, who) in WHO.iter().enumerate() {
            let before = snapshot(&r.sys, model, id).await;
            let res = r.client(*who).update(model, json!({ "where": { "id": id }, "data": data })).await;
            let got = outcome(&res);
            let after = snapshot(&r.sys, model, id).await;
            let ctx = || format!("update {model} {id} {data} as {who:?}");
            match got {
                Err(e) => r.check(false, || format!("{}: unexpected error {e}", ctx())),
                Ok(got) => {
                    r.check(got == expect[i], || format!("{}: got {got:?}, want {:?}", ctx(), expect[i]));
                    if got == Out::Done {
                        for (k, v) in data.as_object().expect("data") {
                            r.check(same(&after[k], v), || format!("{}: {k} is {} after", ctx(), after[k]));
                        }
                        // Undo, as system, including updatedAt.
                        let mut undo = Map::new();
                        for k in data.as_object().expect("data").keys().chain(["updatedAt".to_owned()].iter()) {
                            if before.get(k).is_some() {
                                undo.insert(k.clone(), before[k].clone());
                            }
                        }
                        r.sys
                            .update(model, json!({ "where": { "id": id }, "data": undo }))
                            .await
                            .unwrap_or_else(|e| panic!("{}: undo: {e:?}", ctx()));
                    } else {
                        r.check(after == before, || format!("{}: denied, yet the record changed: {after}", ctx()));
                    }
                }
            }
        }
    }
}

/// `updateMany` over all of agency t1's rows: how many rows each caller changes (`None`: the whole
/// call is rejected because a field rule fails on some reachable row).
fn bulk_cases() -> Vec<(&'static str, Value, [Option<u64>; 6])> {
    vec![
        ("Lead", json!({ "notes": "bulk" }), [Some(4), Some(3), Some(1), Some(1), Some(0), Some(0)]),
        // Managers may pull every lead they reach to their own team's agent; agents reassign nothing.
        ("Lead", json!({ "assigneeId": "t1-a1" }), [Some(4), Some(3), None, None, Some(0), Some(0)]),
        ("Property", json!({ "status": "RESERVED" }), [Some(3), Some(2), Some(1), Some(1), Some(0), Some(0)]),
        ("Deal", json!({ "stage": "CONTRACT" }), [Some(3), Some(2), Some(1), Some(1), Some(0), Some(0)]),
        ("Deal", json!({ "commission": "1" }), [Some(3), Some(2), None, None, Some(0), Some(0)]),
        ("Activity", json!({ "title": "bulk" }), [Some(5), Some(4), Some(2), Some(1), Some(0), Some(0)]),
        ("User", json!({ "locale": "ar" }), [Some(5), Some(1), Some(1), Some(1), Some(0), Some(0)]),
        ("AuditEvent", json!({ "action": "x" }), [Some(0), Some(0), Some(0), Some(0), Some(0), Some(0)]),
    ]
}

async fn bulk_updates(r: &mut Run) {
    for (model, data, expect) in bulk_cases() {
        for (i, who) in WHO.iter().enumerate() {
            let args = json!({ "where": { "tenantId": "t1" }, "data": data });
            let res = r.client(*who).run(model, "updateMany", &args).await;
            let got = match &res {
                Ok(v) => Some(v["count"].as_u64().expect("count")),
                Err(StoreError::RejectedByPolicy { reason: RejectReason::NoAccess, .. }) => None,
                Err(e) => {
                    r.check(false, || format!("updateMany {model} {data} as {who:?}: {e:?}"));
                    continue;
                }
            };
            r.check(got == expect[i], || {
                format!("updateMany {model} {data} as {who:?}: got {got:?}, want {:?}", expect[i])
            });
            // Undo, row by row, from the dump taken after seeding.
            let rows = r.before[model].as_array().expect("rows").clone();
            for row in rows.iter().filter(|row| row["tenantId"] == "t1") {
                let mut undo = Map::new();
                for k in data.as_object().expect("data").keys().chain(["updatedAt".to_owned()].iter()) {
                    if let Some(v) = row.get(k) {
                        undo.insert(k.clone(), v.clone());
                    }
                }
                r.sys.update(model, json!({ "where": { "id": row["id"] }, "data": undo })).await.expect("undo");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// delete
// ---------------------------------------------------------------------------------------------

/// `delete` of a fresh victim row (created as system before each attempt and removed afterwards
/// when it survives). `{u}` makes unique values.
fn delete_cases() -> Vec<(&'static str, &'static str, Value, [Out; 6])> {
    vec![
        ("Team", "empty team", json!({ "tenantId": "t1", "name": "Victim" }), [Y, NF, NF, NF, NF, NF]),
        (
            "User",
            "agent in the manager's team",
            json!({ "tenantId": "t1", "email": "{u}@t1.example", "name": "Victim", "role": "AGENT", "teamId": "t1-team" }),
            [Y, NF, NF, NF, NF, NF],
        ),
        (
            "Lead",
            "lead of the team agent",
            json!({ "tenantId": "t1", "name": "Victim", "assigneeId": "t1-a1" }),
            [Y, NF, NF, NF, NF, NF],
        ),
        ("Lead", "unassigned lead", json!({ "tenantId": "t1", "name": "Victim" }), [Y, NF, NF, NF, NF, NF]),
        (
            "Property",
            "listing of the team agent",
            json!({ "tenantId": "t1", "reference": "{u}", "titleEn": "V", "titleAr": "V", "purpose": "RENT",
                    "type": "VILLA", "city": "Dubai", "price": "1", "currency": "AED", "listingAgentId": "t1-a1" }),
            [Y, NF, NF, NF, NF, NF],
        ),
        (
            "Deal",
            "deal of the team agent",
            json!({ "tenantId": "t1", "leadId": "t1-L-a1", "value": "1", "currency": "AED", "agentId": "t1-a1" }),
            [Y, NF, NF, NF, NF, NF],
        ),
        (
            "Activity",
            "note the team agent wrote on their lead",
            json!({ "tenantId": "t1", "type": "NOTE", "leadId": "t1-L-a1", "title": "V", "createdById": "t1-a1" }),
            [Y, NF, Y, NF, NF, NF],
        ),
        (
            "Activity",
            "task the manager gave the team agent",
            json!({ "tenantId": "t1", "type": "TASK", "leadId": "t1-L-a1", "title": "V", "createdById": "t1-mgr",
                    "assigneeId": "t1-a1" }),
            [Y, Y, NF, NF, NF, NF],
        ),
        (
            "File",
            "file the team agent uploaded",
            json!({ "tenantId": "t1", "ownerType": "lead", "ownerId": "t1-L-a1", "name": "v", "contentType": "text/plain",
                    "size": 1, "storageKey": "{u}", "createdById": "t1-a1" }),
            [Y, Y, Y, NF, NF, NF],
        ),
        (
            "File",
            "file the admin uploaded",
            json!({ "tenantId": "t1", "ownerType": "lead", "ownerId": "t1-L-a1", "name": "v", "contentType": "text/plain",
                    "size": 1, "storageKey": "{u}", "createdById": "t1-admin" }),
            [Y, Y, NF, NF, NF, NF],
        ),
        (
            "AuditEvent",
            "audit event",
            json!({ "tenantId": "t1", "action": "create", "model": "Lead", "recordId": "x" }),
            [NF, NF, NF, NF, NF, NF],
        ),
        (
            "RefreshToken",
            "refresh token of the team agent",
            json!({ "tenantId": "t1", "userId": "t1-a1", "tokenHash": "{u}", "family": "f",
                    "expiresAt": "2030-01-01T00:00:00.000Z" }),
            [NF, NF, NF, NF, NF, NF],
        ),
    ]
}

async fn deletes(r: &mut Run) {
    for (n, (model, what, data, expect)) in delete_cases().into_iter().enumerate() {
        for (i, who) in WHO.iter().enumerate() {
            let vid = format!("victim-{n}-{i}");
            let mut row = fill(&data, &vid);
            row["id"] = json!(vid);
            r.sys.create(model, json!({ "data": row })).await.unwrap_or_else(|e| panic!("victim {model}: {e:?}"));
            let res = r.client(*who).delete(model, json!({ "where": { "id": vid } })).await;
            let exists = !snapshot(&r.sys, model, &vid).await.is_null();
            let ctx = || format!("delete {model} ({what}) as {who:?}");
            match outcome(&res) {
                Err(e) => r.check(false, || format!("{}: unexpected error {e}", ctx())),
                Ok(got) => {
                    r.check(got == expect[i], || format!("{}: got {got:?}, want {:?}", ctx(), expect[i]));
                    r.check(exists == (got != Out::Done), || format!("{}: {got:?} but exists={exists}", ctx()));
                }
            }
            if exists {
                r.sys.delete(model, json!({ "where": { "id": vid } })).await.expect("cleanup");
            }
        }
    }
    // Nobody deletes an agency through the API, not even its admin.
    for who in WHO {
        for tenant in ["t1", "t2"] {
            let res = r.client(who).delete("Tenant", json!({ "where": { "id": tenant } })).await;
            let got = outcome(&res);
            r.check(got == Ok(NF), || format!("delete Tenant {tenant} as {who:?}: {got:?}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------------------------

/// `create`, with the data each caller sends. Every row names agency t1 explicitly, so for the
/// anonymous caller and t2's admin it is an attempt to write into someone else's agency.
fn create_cases() -> Vec<(&'static str, &'static str, Value, [Out; 6])> {
    let lead = |assignee: Value| json!({ "tenantId": "t1", "name": "New lead", "phones": ["+971551234567"], "assigneeId": assignee });
    let listing = |agent: Value| {
        json!({ "tenantId": "t1", "reference": "{u}", "titleEn": "New", "titleAr": "جديد", "purpose": "RENT",
                "type": "VILLA", "city": "Dubai", "price": "150000", "currency": "AED", "listingAgentId": agent,
                "ownerPhone": "+971501111111" })
    };
    vec![
        ("Tenant", "new agency", json!({ "slug": "{u}", "name": "New agency" }), [NO, NO, NO, NO, NO, NO]),
        (
            "Team",
            "team",
            json!({ "tenantId": "t1", "name": "New team", "managerId": "t1-mgr" }),
            [Y, NO, NO, NO, NO, NO],
        ),
        (
            "Team",
            "team managed by another agency's user",
            json!({ "tenantId": "t1", "name": "New team", "managerId": "t2-mgr" }),
            [NO, NO, NO, NO, NO, NO],
        ),
        (
            "User",
            "agent",
            json!({ "tenantId": "t1", "email": "{u}@t1.example", "name": "New", "role": "AGENT", "teamId": "t1-team" }),
            [Y, NO, NO, NO, NO, NO],
        ),
        (
            "User",
            "admin",
            json!({ "tenantId": "t1", "email": "{u}@t1.example", "name": "New", "role": "ADMIN" }),
            [Y, NO, NO, NO, NO, NO],
        ),
        (
            "User",
            "agent in another agency's team",
            json!({ "tenantId": "t1", "email": "{u}@t1.example", "name": "New", "role": "AGENT", "teamId": "t2-team" }),
            [NO, NO, NO, NO, NO, NO],
        ),
        ("Lead", "assigned to the team agent", lead(json!("t1-a1")), [Y, Y, Y, NO, NO, NO]),
        ("Lead", "assigned to the other agent", lead(json!("t1-a3")), [Y, NO, NO, Y, NO, NO]),
        ("Lead", "unassigned", lead(json!(null)), [Y, Y, NO, NO, NO, NO]),
        ("Lead", "assigned to another agency's agent", lead(json!("t2-a1")), [NO, NO, NO, NO, NO, NO]),
        ("Property", "listed by the team agent", listing(json!("t1-a1")), [Y, Y, Y, NO, NO, NO]),
        ("Property", "listed by the other agent", listing(json!("t1-a3")), [Y, NO, NO, Y, NO, NO]),
        ("Property", "no listing agent", listing(json!(null)), [Y, Y, NO, NO, NO, NO]),
        ("Property", "listed by another agency's agent", listing(json!("t2-a1")), [NO, NO, NO, NO, NO, NO]),
        (
            "Deal",
            "team agent's deal on their lead",
            json!({ "tenantId": "t1", "leadId": "t1-L-a1", "agentId": "t1-a1", "value": "2000000", "currency": "AED" }),
            [Y, Y, Y, NO, NO, NO],
        ),
        (
            "Deal",
            "…with a commission",
            json!({ "tenantId": "t1", "leadId": "t1-L-a1", "agentId": "t1-a1", "value": "2000000", "currency": "AED",
                    "commission": "40000" }),
            [Y, Y, NO, NO, NO, NO],
        ),
        (
            "Deal",
            "team agent's deal on someone else's lead",
            json!({ "tenantId": "t1", "leadId": "t1-L-a3", "agentId": "t1-a1", "value": "2000000", "currency": "AED" }),
            [Y, Y, NO, NO, NO, NO],
        ),
        (
            "Deal",
            "deal for another agent",
            json!({ "tenantId": "t1", "leadId": "t1-L-a3", "agentId": "t1-a3", "value": "2000000", "currency": "AED" }),
            [Y, NO, NO, Y, NO, NO],
        ),
        (
            "Deal",
            "deal on another agency's lead",
            json!({ "tenantId": "t1", "leadId": "t2-L-a1", "agentId": "t1-a1", "value": "1", "currency": "AED" }),
            [NO, NO, NO, NO, NO, NO],
        ),
        (
            "Activity",
            "note on the team agent's lead",
            json!({ "tenantId": "t1", "type": "NOTE", "leadId": "t1-L-a1", "title": "Called" }),
            [Y, Y, Y, NO, NO, NO],
        ),
        (
            "Activity",
            "note on an unassigned lead",
            json!({ "tenantId": "t1", "type": "NOTE", "leadId": "t1-L-none", "title": "Called" }),
            [Y, Y, NO, NO, NO, NO],
        ),
        (
            "Activity",
            "task for a colleague on the team agent's lead",
            json!({ "tenantId": "t1", "type": "TASK", "leadId": "t1-L-a1", "title": "Visit", "assigneeId": "t1-a2" }),
            [Y, Y, NO, NO, NO, NO],
        ),
        (
            "Activity",
            "note signed as someone else",
            json!({ "tenantId": "t1", "type": "NOTE", "leadId": "t1-L-a1", "title": "Forged", "createdById": "t1-a2" }),
            [Y, NO, NO, NO, NO, NO],
        ),
        (
            "Activity",
            "note on another agency's lead",
            json!({ "tenantId": "t1", "type": "NOTE", "leadId": "t2-L-a1", "title": "Called" }),
            [NO, NO, NO, NO, NO, NO],
        ),
        (
            "File",
            "upload",
            json!({ "tenantId": "t1", "ownerType": "lead", "ownerId": "t1-L-a1", "name": "id.pdf",
                    "contentType": "application/pdf", "size": 10, "storageKey": "{u}" }),
            [Y, Y, Y, Y, NO, NO],
        ),
        (
            "File",
            "upload signed as someone else",
            json!({ "tenantId": "t1", "ownerType": "lead", "ownerId": "t1-L-a1", "name": "id.pdf",
                    "contentType": "application/pdf", "size": 10, "storageKey": "{u}", "createdById": "t1-a2" }),
            [Y, NO, NO, NO, NO, NO],
        ),
        (
            "AuditEvent",
            "forged audit event",
            json!({ "tenantId": "t1", "action": "delete", "model": "Lead", "recordId": "x" }),
            [NO, NO, NO, NO, NO, NO],
        ),
        (
            "RefreshToken",
            "session for the team agent",
            json!({ "tenantId": "t1", "userId": "t1-a1", "tokenHash": "{u}", "family": "f",
                    "expiresAt": "2030-01-01T00:00:00.000Z" }),
            [NO, NO, NO, NO, NO, NO],
        ),
    ]
}

async fn creates(r: &mut Run) {
    for (n, (model, what, data, expect)) in create_cases().into_iter().enumerate() {
        for (i, who) in WHO.iter().enumerate() {
            let id = format!("new-{n}-{i}");
            let mut row = fill(&data, &id);
            row["id"] = json!(id);
            let res = r.client(*who).create(model, json!({ "data": row })).await;
            let stored = snapshot(&r.sys, model, &id).await;
            let ctx = || format!("create {model} ({what}) as {who:?}");
            match outcome(&res) {
                Err(e) => r.check(false, || format!("{}: unexpected error {e}", ctx())),
                Ok(got) => {
                    r.check(got == expect[i], || format!("{}: got {got:?}, want {:?}", ctx(), expect[i]));
                    r.check(stored.is_null() == (got != Out::Done), || {
                        format!("{}: {got:?} but stored={stored}", ctx())
                    });
                }
            }
            if !stored.is_null() {
                r.sys.delete(model, json!({ "where": { "id": id } })).await.expect("cleanup");
            }
        }
    }
}

/// Defaults come from `auth()`: a row created without `tenantId` lands in the caller's agency, an
/// activity or file without `createdById` is signed by the caller; an anonymous caller gets nothing.
/// (caller, model, data, the defaulted field and its expected value — `None`: no row is written).
type DefaultCase = (Who, &'static str, Value, Option<(&'static str, &'static str)>);

async fn defaults(r: &mut Run) {
    let cases: [DefaultCase; 6] = [
        (Who::TeamAgent, "Lead", json!({ "name": "x", "assigneeId": "t1-a1" }), Some(("tenantId", "t1"))),
        (Who::OtherAdmin, "Lead", json!({ "name": "x" }), Some(("tenantId", "t2"))),
        (
            Who::TeamAgent,
            "Activity",
            json!({ "type": "CALL", "leadId": "t1-L-a1", "title": "x" }),
            Some(("createdById", "t1-a1")),
        ),
        (
            Who::Manager,
            "File",
            json!({ "ownerType": "lead", "ownerId": "x", "name": "x", "contentType": "x", "size": 1,
                                        "storageKey": "default-test" }),
            Some(("createdById", "t1-mgr")),
        ),
        (Who::Anon, "Lead", json!({ "name": "x" }), None),
        (
            Who::Anon,
            "File",
            json!({ "ownerType": "lead", "ownerId": "x", "name": "x", "contentType": "x", "size": 1,
                                     "storageKey": "default-anon" }),
            None,
        ),
    ];
    for (n, (who, model, mut data, want)) in cases.into_iter().enumerate() {
        let id = format!("default-{n}");
        data["id"] = json!(id);
        let res = r.client(who).create(model, json!({ "data": data })).await;
        let stored = snapshot(&r.sys, model, &id).await;
        match want {
            Some((field, value)) => {
                r.check(res.is_ok() && stored[field] == json!(value), || {
                    format!("default {model} as {who:?}: {res:?} stored {stored}")
                });
            }
            None => {
                // auth().tenantId is NULL: the required column has no value, so the engine refuses
                // the input before any rule runs (an explicit tenantId meets the wall instead).
                let kind = res.as_ref().err().map(StoreError::kind);
                r.check(kind == Some("invalid-input") && stored.is_null(), || {
                    format!("default {model} as {who:?}: {res:?}")
                });
            }
        }
        if !stored.is_null() {
            r.sys.delete(model, json!({ "where": { "id": id } })).await.expect("cleanup");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tests: one fresh database per (section, dialect)
// ---------------------------------------------------------------------------------------------

/// Three tests per section: SQLite, PostgreSQL, and PostgreSQL with RLS installed (the production
/// set-up: the same tables must hold under both walls at once).
macro_rules! section {
    ($sqlite:ident, $pg:ident, $rls:ident, $($step:ident),+) => {
        #[tokio::test]
        async fn $sqlite() {
            let mut r = Run::new(stringify!($sqlite), Site::Fresh(Fresh::sqlite(SCHEMA).await)).await;
            $($step(&mut r).await;)+
            r.finish().await;
        }

        #[tokio::test]
        async fn $pg() {
            let mut r = Run::new(stringify!($pg), Site::Fresh(Fresh::postgres(SCHEMA).await)).await;
            $($step(&mut r).await;)+
            r.finish().await;
        }

        #[tokio::test]
        async fn $rls() {
            let mut r = Run::new(stringify!($rls), Site::rls().await).await;
            $($step(&mut r).await;)+
            r.finish().await;
        }
    };
}

section!(sqlite_find_many, postgres_find_many, postgres_rls_find_many, reads);
section!(sqlite_field_level_reads, postgres_field_level_reads, postgres_rls_field_level_reads, field_reads);
section!(sqlite_updates, postgres_updates, postgres_rls_updates, updates, bulk_updates);
section!(sqlite_deletes, postgres_deletes, postgres_rls_deletes, deletes);
section!(sqlite_creates, postgres_creates, postgres_rls_creates, creates, defaults);

/// `manzil policy check` is clean, and `manzil policy rls` only relaxes rules that read another
/// table (the tenant wall compares the row's own column with auth(), so RLS enforces it exactly).
#[test]
fn schema_checks_clean_and_rls_relaxes_only_cross_table_rules() {
    let loaded = policy::load(SCHEMA).expect("schema.zmodel loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let set = policy::PolicySet::new(std::sync::Arc::new(loaded.schema));
    let rls = policy::rls::emit_rls(&set).expect("rls");
    for w in &rls.warnings {
        assert!(w.message.contains("reads a related table"), "{}", w.message);
        assert!(!w.message.contains("tenantId != auth().tenantId"), "the tenant wall must be exact: {}", w.message);
    }
    // 36 in the CRM core, 18 in the inbox (its rules follow the lead through `check()`).
    assert_eq!(rls.warnings.len(), 54, "{:#?}", rls.warnings.iter().map(|w| &w.message).collect::<Vec<_>>());
}

/// With the engine's audit hook on, a write through the API leaves an event in the writer's agency
/// that only an ADMIN of that agency reads, and nobody can alter.
#[tokio::test]
async fn audit_events_are_admin_only_and_append_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("audit.db").display());
    let opts = DbOptions { audit_model: Some("AuditEvent".to_owned()), ..DbOptions::default() };
    let db = Db::connect(&url, policy::load(SCHEMA).expect("schema").schema, opts).await.expect("connect");
    db.create_tables().await.expect("tables");
    seed(&db).await;
    let sys = db.as_system("test oracle");
    let seeded = sys.count("AuditEvent", json!({})).await.expect("count");

    let agent = db.for_auth(auth(Who::TeamAgent));
    agent
        .update("Lead", json!({ "where": { "id": "t1-L-a1" }, "data": { "status": "CONTACTED" } }))
        .await
        .expect("agent works their lead");
    let events = sys
        .find_many("AuditEvent", json!({ "where": { "recordId": "t1-L-a1", "actorId": "t1-a1" } }))
        .await
        .expect("events");
    let events = events.as_array().expect("rows").clone();
    assert_eq!(events.len(), 2, "the seeded event and the new one: {events:?}");
    let new = events.iter().find(|e| e["id"] != "t1-E1").expect("new event");
    assert_eq!(new["tenantId"], "t1");
    assert_eq!(new["action"], "update");
    assert_eq!(new["model"], "Lead");
    let total = sys.count("AuditEvent", json!({})).await.expect("count");
    assert_eq!(total, json!(seeded.as_u64().expect("n") + 1));

    let visible = |who: Who| {
        let c = db.for_auth(auth(who));
        async move { ids(&c.find_many("AuditEvent", json!({})).await.expect("events")) }
    };
    assert!(visible(Who::Admin).await.contains(&new["id"].as_str().expect("id").to_owned()));
    for who in [Who::Manager, Who::TeamAgent, Who::OtherAgent, Who::Anon] {
        assert_eq!(visible(who).await, Vec::<String>::new(), "{who:?} reads no audit events");
    }
    let t2 = ids(&sys.find_many("AuditEvent", json!({ "where": { "tenantId": "t2" } })).await.expect("events"));
    assert!(t2.contains(&"t2-E1".to_owned()));
    assert_eq!(visible(Who::OtherAdmin).await, t2, "t2's admin reads t2's events only");
    let admin = db.for_auth(auth(Who::Admin));
    let err = admin
        .update("AuditEvent", json!({ "where": { "id": new["id"] }, "data": { "action": "create" } }))
        .await
        .expect_err("append-only");
    assert_eq!(err.kind(), "not-found");
    let err = admin.delete("AuditEvent", json!({ "where": { "id": new["id"] } })).await.expect_err("append-only");
    assert_eq!(err.kind(), "not-found");
    // A user's password hash never reaches the log.
    sys.update("User", json!({ "where": { "id": "t1-a2" }, "data": { "passwordHash": "argon2-new" } }))
        .await
        .expect("password change");
    let log = sys.find_many("AuditEvent", json!({ "where": { "recordId": "t1-a2" } })).await.expect("events");
    assert!(!log.to_string().contains("argon2"), "{log}");
    db.close().await;
}
