//! Demo data for `manzil serve --demo`: two agencies — `dar` (Arabic, RTL) and `harbor` (English) —
//! each with an admin, a manager leading a team of two agents, a third agent outside the team,
//! ~200 leads, ~50 listings, deals and activities. Logins are predictable on purpose
//! (`admin@dar.demo` … / `demo1234`) so a visitor can try them. Never run without `--demo`.
//!
//! The data is generated from a fixed seed (the same demo every time) and written through the
//! engine as the named system actor, so the audit hook records it like any other write.

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};
use store::{Client, Db, StoreError};

use crate::auth::password;

/// The demo password of every demo user.
pub const DEMO_PASSWORD: &str = "demo1234";

/// One demo agency's logins, for printing.
#[derive(Debug, Clone)]
pub struct DemoAgency {
    pub slug: &'static str,
    pub name: &'static str,
    pub logins: Vec<String>,
}

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

struct AgencySpec {
    slug: &'static str,
    name: &'static str,
    name_ar: &'static str,
    locale: &'static str,
    staff: [(&'static str, &'static str, &'static str); 5],
    first_names: &'static [&'static str],
    last_names: &'static [&'static str],
}

const DAR: AgencySpec = AgencySpec {
    slug: "dar",
    name: "Dar Real Estate",
    name_ar: "دار العقارية",
    locale: "ar",
    staff: [
        ("admin", "سارة المنصوري", "ADMIN"),
        ("manager", "خالد العتيبي", "MANAGER"),
        ("agent1", "أحمد الهاشمي", "AGENT"),
        ("agent2", "فاطمة الزهراء", "AGENT"),
        ("agent3", "يوسف الكعبي", "AGENT"),
    ],
    first_names: &[
        "محمد",
        "أحمد",
        "علي",
        "عمر",
        "خالد",
        "فاطمة",
        "مريم",
        "نورة",
        "عائشة",
        "سلمى",
        "يوسف",
        "ليلى",
        "حمدان",
        "شيخة",
        "راشد",
    ],
    last_names: &[
        "الشامسي",
        "المهيري",
        "النعيمي",
        "القاسمي",
        "الفلاسي",
        "الحمادي",
        "السويدي",
        "الظاهري",
        "المري",
        "الكتبي",
    ],
};

const HARBOR: AgencySpec = AgencySpec {
    slug: "harbor",
    name: "Harbor Homes",
    name_ar: "هاربر هومز",
    locale: "en",
    staff: [
        ("admin", "Emma Clarke", "ADMIN"),
        ("manager", "James Porter", "MANAGER"),
        ("agent1", "Olivia Reed", "AGENT"),
        ("agent2", "Noah Bennett", "AGENT"),
        ("agent3", "Liam Shah", "AGENT"),
    ],
    first_names: &[
        "John", "Sarah", "David", "Priya", "Omar", "Anna", "Michael", "Fatima", "Chen", "Elena", "Rahul", "Sophie",
        "Hassan", "Lucas", "Aisha",
    ],
    last_names: &["Smith", "Khan", "Patel", "Müller", "Rossi", "Ivanova", "Haddad", "Wong", "Silva", "O'Brien"],
};

/// City, community, and the community's Arabic name (for Arabic titles).
const COMMUNITIES: &[(&str, &str, &str)] = &[
    ("Dubai", "Dubai Marina", "دبي مارينا"),
    ("Dubai", "Jumeirah Village Circle", "قرية جميرا الدائرية"),
    ("Dubai", "Downtown Dubai", "وسط مدينة دبي"),
    ("Dubai", "Business Bay", "الخليج التجاري"),
    ("Dubai", "Arabian Ranches", "المرابع العربية"),
    ("Abu Dhabi", "Al Reem Island", "جزيرة الريم"),
    ("Abu Dhabi", "Saadiyat Island", "جزيرة السعديات"),
    ("Sharjah", "Al Majaz", "المجاز"),
];
const TYPES: &[(&str, &str, &str)] =
    &[("APARTMENT", "Apartment", "شقة"), ("VILLA", "Villa", "فيلا"), ("TOWNHOUSE", "Townhouse", "تاون هاوس")];
const SOURCES: &[&str] =
    &["PROPERTY_FINDER", "BAYUT", "DUBIZZLE", "WEBSITE", "WHATSAPP", "REFERRAL", "WALK_IN", "OTHER"];
const STATUSES: &[&str] = &["NEW", "NEW", "CONTACTED", "QUALIFIED", "VIEWING", "NEGOTIATION", "WON", "LOST"];
const MOBILE_PREFIXES: &[&str] = &["50", "52", "54", "55", "56", "58"];

/// A small deterministic generator (xorshift64*), so the demo is the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn at(days_ago: i64, hours: i64) -> String {
    (Utc::now() - Duration::days(days_ago) + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Seeds both demo agencies unless they exist already; returns their logins.
pub async fn seed(db: &Db) -> Result<Vec<DemoAgency>, DemoError> {
    let system = db.as_system("demo seed (--demo)");
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await.map_err(DemoError::Hashing)?;
    let mut out = Vec::new();
    for (i, spec) in [DAR, HARBOR].iter().enumerate() {
        let exists = system.run("Tenant", "findUnique", &json!({ "where": { "slug": spec.slug } })).await?;
        if exists.is_null() {
            seed_agency(&system, spec, &hash, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)).await?;
        }
        out.push(DemoAgency {
            slug: spec.slug,
            name: spec.name,
            logins: spec.staff.iter().map(|(login, _, _)| format!("{login}@{}.demo", spec.slug)).collect(),
        });
    }
    Ok(out)
}

async fn seed_agency(system: &Client, spec: &AgencySpec, hash: &str, seed: u64) -> Result<(), DemoError> {
    let mut dice = Dice(seed);
    let tenant = system
        .create(
            "Tenant",
            json!({ "data": { "slug": spec.slug, "name": spec.name, "nameAr": spec.name_ar, "defaultLocale": spec.locale,
                               "currency": "AED", "country": "AE", "timeZone": "Asia/Dubai" } }),
        )
        .await?;
    let tid = tenant["id"].as_str().unwrap_or_default().to_owned();
    let team = system.create("Team", json!({ "data": { "tenantId": tid, "name": "Team A" } })).await?;
    let team_id = team["id"].as_str().unwrap_or_default().to_owned();
    let mut staff = Vec::new();
    for (login, name, role) in spec.staff {
        let in_team = matches!(login, "manager" | "agent1" | "agent2");
        let user = system
            .create(
                "User",
                json!({ "data": {
                    "tenantId": tid, "email": format!("{login}@{}.demo", spec.slug), "name": name, "role": role,
                    "locale": spec.locale, "languages": if spec.locale == "ar" { json!(["ar", "en"]) } else { json!(["en"]) },
                    "teamId": if in_team { Value::String(team_id.clone()) } else { Value::Null },
                    "passwordHash": hash,
                } }),
            )
            .await?;
        staff.push((login, user["id"].as_str().unwrap_or_default().to_owned()));
    }
    let id_of = |login: &str| staff.iter().find(|(l, _)| *l == login).map(|(_, id)| id.clone());
    if let Some(manager) = id_of("manager") {
        system.update("Team", json!({ "where": { "id": team_id }, "data": { "managerId": manager } })).await?;
    }
    let agents: Vec<String> = ["agent1", "agent2", "agent3"].iter().filter_map(|l| id_of(l)).collect();

    let mut listings = Vec::new();
    for n in 1..=50 {
        let (city, community, community_ar) = *dice.pick(COMMUNITIES);
        let (ty, ty_en, ty_ar) = *dice.pick(TYPES);
        let beds = 1 + dice.below(5) as i64;
        let rent = dice.below(3) == 0;
        let price = if rent { 60_000 + 10_000 * dice.below(20) } else { 900_000 + 50_000 * dice.below(80) };
        let agent = agents[dice.below(agents.len())].clone();
        let status = if n % 11 == 0 {
            "RESERVED"
        } else if n % 17 == 0 {
            "DRAFT"
        } else {
            "AVAILABLE"
        };
        let reference = format!("{}-{n:04}", spec.slug.to_uppercase());
        let title_en = format!("{beds}-bedroom {ty_en} in {community}");
        let title_ar = format!("{ty_ar} من {beds} غرف نوم في {community_ar}");
        let search = crate::properties::search_text(&reference, &title_en, &title_ar, city, Some(community));
        let row = system
            .create(
                "Property",
                json!({ "data": {
                    "tenantId": tid, "reference": reference, "searchText": search,
                    "titleEn": title_en, "titleAr": title_ar,
                    "purpose": if rent { "RENT" } else { "SALE" }, "type": ty, "city": city, "community": community,
                    "bedrooms": beds, "bathrooms": beds.max(1), "areaSqm": 60.0 + 35.0 * beds as f64,
                    "price": price.to_string(), "currency": "AED", "status": status, "listingAgentId": agent,
                    "ownerName": format!("{} {}", dice.pick(spec.first_names), dice.pick(spec.last_names)),
                    "ownerPhone": phone(&mut dice),
                    "permitNumber": format!("{}", 7_100_000 + n * 37),
                    "permitExpiresAt": if n % 9 == 0 { at(10, 0) } else { at(-200, 0) },
                } }),
            )
            .await?;
        listings.push((row["id"].as_str().unwrap_or_default().to_owned(), price));
    }

    let mut assigned_leads = Vec::new();
    for n in 0..200 {
        let name = format!("{} {}", dice.pick(spec.first_names), dice.pick(spec.last_names));
        let phone = phone(&mut dice);
        let email = format!("lead{n}@example.com");
        let assignee = if n % 9 == 0 { None } else { Some(agents[dice.below(agents.len())].clone()) };
        let status = *dice.pick(STATUSES);
        let (city, community, _) = *dice.pick(COMMUNITIES);
        let budget = 800_000 + 100_000 * dice.below(40);
        let notes = if spec.locale == "ar" {
            "يبحث عن عقار قريب من المدارس"
        } else {
            "Looking for something near schools"
        };
        let lead = system
            .create(
                "Lead",
                json!({ "data": {
                    "tenantId": tid, "name": name, "phones": [phone], "primaryPhone": phone,
                    "email": email, "emailNormalized": email, "preferredLanguage": spec.locale,
                    "source": *dice.pick(SOURCES), "status": status,
                    "lostReason": if status == "LOST" { Value::from("budget") } else { Value::Null },
                    "intent": if n % 3 == 0 { "RENT" } else { "SALE" },
                    "propertyTypes": [dice.pick(TYPES).0], "cities": [city], "communities": [community],
                    "minBedrooms": 1 + dice.below(4) as i64, "budgetMin": (budget / 2).to_string(),
                    "budgetMax": budget.to_string(), "budgetCurrency": "AED",
                    "assigneeId": assignee.clone(), "tags": if n % 7 == 0 { json!(["vip"]) } else { json!([]) },
                    "notes": notes,
                    "searchText": domain::search_key(&[&name, &phone, &email, notes]),
                    "createdAt": at(dice.below(60) as i64, -(dice.below(12) as i64)),
                } }),
            )
            .await?;
        if let Some(agent) = assignee {
            assigned_leads.push((lead["id"].as_str().unwrap_or_default().to_owned(), agent));
        }
    }

    const STAGES: &[&str] = &["OFFER", "RESERVATION", "CONTRACT", "CLOSED_WON", "CLOSED_LOST"];
    for (i, (lead, agent)) in assigned_leads.iter().enumerate().step_by(8) {
        let (property, price) = &listings[i % listings.len()];
        system
            .create(
                "Deal",
                json!({ "data": {
                    "tenantId": tid, "leadId": lead, "propertyId": property, "agentId": agent,
                    "stage": STAGES[i % STAGES.len()], "value": price.to_string(), "currency": "AED",
                    "commission": (price / 50).to_string(), "expectedCloseAt": at(-(dice.below(60) as i64), 0),
                } }),
            )
            .await?;
    }

    const KINDS: &[(&str, &str, &str)] = &[
        ("CALL", "Call back about the budget", "معاودة الاتصال بخصوص الميزانية"),
        ("TASK", "Send the floor plans", "إرسال المخططات"),
        ("VIEWING", "Viewing", "معاينة"),
        ("NOTE", "Prefers a high floor", "يفضل طابقاً مرتفعاً"),
    ];
    for (i, (lead, agent)) in assigned_leads.iter().enumerate().take(100) {
        let (kind, title_en, title_ar) = KINDS[i % KINDS.len()];
        let due = (kind != "NOTE").then(|| at(3 - (i % 7) as i64, 10));
        system
            .create(
                "Activity",
                json!({ "data": {
                    "tenantId": tid, "type": kind, "leadId": lead, "assigneeId": agent, "createdById": agent,
                    "title": if spec.locale == "ar" { title_ar } else { title_en },
                    "dueAt": due, "doneAt": if i % 5 == 0 { Value::from(at(1, 0)) } else { Value::Null },
                    "propertyId": if kind == "VIEWING" { Value::from(listings[i % listings.len()].0.clone()) } else { Value::Null },
                } }),
            )
            .await?;
    }
    Ok(())
}

/// A valid UAE mobile number in E.164.
fn phone(dice: &mut Dice) -> String {
    format!("+971{}{:07}", dice.pick(MOBILE_PREFIXES), dice.below(10_000_000))
}
