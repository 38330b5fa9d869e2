//! Demo data for `manzil serve --demo`: two agencies — `dar` (Arabic, RTL) and `harbor` (English) —
//! each with an admin, a manager leading a team of two agents, a third agent outside the team,
//! ~200 leads, ~50 listings, deals and activities. Logins are predictable on purpose
//! (`admin@dar.demo` … / `demo1234`) so a visitor can try them. Never run without `--demo`.
//!
//! The data is generated from a fixed seed (the same demo every time) and written through the
//! engine as the named system actor, so the audit hook records it like any other write.
//!
//! Each agency also gets sandbox channels ([`DemoChannels`]: a WhatsApp number, an SMS number and
//! a mailbox, `sandbox = true`, random secrets sealed with the server's key) and a few WhatsApp
//! conversations of `agent1` (Arabic at `dar`, English at `harbor`), so the inbox is not empty and
//! `manzil simulate` has somewhere to deliver. Channels are added to a demo agency seeded before
//! they existed, once.

use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};
use store::{Client, Db, StoreError};

use crate::auth::password;
use crate::inbox::secrets::SecretBox;

/// The demo password of every demo user.
pub const DEMO_PASSWORD: &str = "demo1234";

/// One demo agency's logins, for printing.
#[derive(Debug, Clone)]
pub struct DemoAgency {
    pub slug: &'static str,
    pub name: &'static str,
    pub logins: Vec<String>,
    pub channels: DemoChannels,
}

/// The predictable addresses of a demo agency's sandbox channels (`n` = 1 for `dar`, 2 for
/// `harbor`): WhatsApp `phone_number_id` `99000000000000n` on `+9714555n001`, SMS `+9714555n002`
/// (account sid `AC…de0n`), mailbox `inbox@{slug}.demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoChannels {
    pub whatsapp_phone_number_id: String,
    pub whatsapp_number: String,
    pub sms_number: String,
    pub sms_account_sid: String,
    pub inbound_address: String,
}

impl DemoChannels {
    /// The channels of the `n`th demo agency `slug`.
    pub fn of(slug: &str, n: u8) -> DemoChannels {
        DemoChannels {
            whatsapp_phone_number_id: format!("99000000000000{n}"),
            whatsapp_number: format!("+9714555{n}001"),
            sms_number: format!("+9714555{n}002"),
            sms_account_sid: format!("AC{:0>32}", format!("de{n:02}")),
            inbound_address: format!("inbox@{slug}.demo"),
        }
    }
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

/// Seeds both demo agencies unless they exist already, and their sandbox channels (secrets
/// sealed with `secrets`) unless they have some; returns their logins.
pub async fn seed(db: &Db, secrets: &SecretBox) -> Result<Vec<DemoAgency>, DemoError> {
    let system = db.as_system("demo seed (--demo)");
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await.map_err(DemoError::Hashing)?;
    let mut out = Vec::new();
    for (i, spec) in [DAR, HARBOR].iter().enumerate() {
        let exists = system.run("Tenant", "findUnique", &json!({ "where": { "slug": spec.slug } })).await?;
        if exists.is_null() {
            seed_agency(&system, spec, &hash, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1)).await?;
        }
        let tenant = system.run("Tenant", "findUnique", &json!({ "where": { "slug": spec.slug } })).await?;
        let channels = DemoChannels::of(spec.slug, i as u8 + 1);
        if let Some(tid) = tenant["id"].as_str()
            && let Some(whatsapp) = sandbox_channels(db, secrets, tid, &channels).await?
        {
            conversations(&system, tid, spec, &whatsapp).await?;
        }
        out.push(DemoAgency {
            slug: spec.slug,
            name: spec.name,
            logins: spec.staff.iter().map(|(login, _, _)| format!("{login}@{}.demo", spec.slug)).collect(),
            channels,
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

/// Creates the sandbox channels of agency `tenant_id` (WhatsApp, SMS, e-mail; random secrets
/// sealed with `secrets`) unless it has a sandbox channel already; returns the WhatsApp account's
/// id when it created them.
pub async fn sandbox_channels(
    db: &Db,
    secrets: &SecretBox,
    tenant_id: &str,
    channels: &DemoChannels,
) -> Result<Option<String>, DemoError> {
    let system = db.as_system("demo seed (--demo)");
    let existing =
        system.count("ChannelAccount", json!({ "where": { "tenantId": tenant_id, "sandbox": true } })).await?;
    if existing.as_i64().unwrap_or(0) > 0 {
        return Ok(None);
    }
    let secret = || uuid::Uuid::new_v4().simple().to_string();
    let seal = |column: &str| secrets.seal(column, &secret());
    let whatsapp = system
        .create(
            "ChannelAccount",
            json!({ "data": {
                "tenantId": tenant_id, "kind": "WHATSAPP", "name": "WhatsApp (sandbox)", "sandbox": true,
                "phoneNumberId": channels.whatsapp_phone_number_id, "address": channels.whatsapp_number,
                "accessTokenEnc": seal("accessTokenEnc"), "appSecretEnc": seal("appSecretEnc"),
                "verifyTokenEnc": seal("verifyTokenEnc"),
                // What the inbox offers once a customer's 24-hour window has closed.
                "templates": [
                    {"name": "viewing_reminder", "languages": ["ar", "en"]},
                    {"name": "follow_up", "languages": ["ar", "en"]},
                ],
            } }),
        )
        .await?;
    system
        .create(
            "ChannelAccount",
            json!({ "data": {
                "tenantId": tenant_id, "kind": "SMS", "name": "SMS (sandbox)", "sandbox": true,
                "address": channels.sms_number, "smsAccountSid": channels.sms_account_sid,
                "authTokenEnc": seal("authTokenEnc"),
            } }),
        )
        .await?;
    system
        .create(
            "ChannelAccount",
            json!({ "data": {
                "tenantId": tenant_id, "kind": "EMAIL", "name": "E-mail (sandbox)", "sandbox": true,
                "address": channels.inbound_address, "inboundAddress": channels.inbound_address,
                "inboundSecretEnc": seal("inboundSecretEnc"),
            } }),
        )
        .await?;
    Ok(whatsapp["id"].as_str().map(str::to_owned))
}

/// A few WhatsApp conversations of `agent1`'s leads: `(customer?, text)` turns, oldest first.
async fn conversations(system: &Client, tid: &str, spec: &AgencySpec, account: &str) -> Result<(), DemoError> {
    let threads: [&[(bool, &str)]; 3] = if spec.locale == "ar" {
        [
            &[
                (true, "السلام عليكم، هل الشقة في دبي مارينا ما زالت متاحة؟"),
                (false, "وعليكم السلام! نعم، ما زالت متاحة. هل تود ترتيب معاينة هذا الأسبوع؟"),
                (true, "نعم، يوم الخميس مساءً إذا أمكن."),
            ],
            &[(true, "مرحباً، أبحث عن فيلا بثلاث غرف في المرابع العربية بميزانية ثلاثة ملايين درهم.")],
            &[(false, "أرسلت لك المخططات كما طلبت."), (true, "شكراً جزيلاً، سأراجعها مع عائلتي وأعود إليك.")],
        ]
    } else {
        [
            &[
                (true, "Hi, is the 2-bedroom in Dubai Marina still available?"),
                (false, "Hello! Yes, it is. Would you like to view it this week?"),
                (true, "Yes please, Thursday evening if possible."),
            ],
            &[(true, "Hello, I'm looking for a 3-bedroom villa in Arabian Ranches, budget around AED 3M.")],
            &[
                (false, "I've sent you the floor plans as promised."),
                (true, "Thanks, I'll go through them with my family."),
            ],
        ]
    };
    let agent = system
        .run(
            "User",
            "findFirst",
            &json!({ "where": { "tenantId": tid, "email": format!("agent1@{}.demo", spec.slug) } }),
        )
        .await?;
    let Some(agent) = agent["id"].as_str() else { return Ok(()) };
    let leads = system
        .run(
            "Lead",
            "findMany",
            &json!({ "where": { "tenantId": tid, "assigneeId": agent, "primaryPhone": { "not": null } },
                     "orderBy": { "createdAt": "desc" }, "take": threads.len() }),
        )
        .await?;
    let minutes_ago = |m: i64| (Utc::now() - Duration::minutes(m)).to_rfc3339_opts(SecondsFormat::Millis, true);
    for (t, (lead, turns)) in leads.as_array().into_iter().flatten().zip(threads).enumerate() {
        let (Some(lead_id), Some(phone)) = (lead["id"].as_str(), lead["primaryPhone"].as_str()) else { continue };
        let wa_id = phone.trim_start_matches('+');
        let identity = system
            .create(
                "ChannelIdentity",
                json!({ "data": { "tenantId": tid, "channelAccountId": account, "kind": "WHATSAPP", "addressType": "WA_ID",
                                  "address": wa_id, "displayName": lead["name"], "leadId": lead_id } }),
            )
            .await?;
        let start = 90 * (t as i64 + 1);
        let last = start - 7 * (turns.len() as i64 - 1);
        let (last_in, last_text) = turns.iter().rev().find(|(inbound, _)| *inbound).copied().unwrap_or((true, ""));
        let last_in_at = Utc::now() - Duration::minutes(if last_in { last } else { start });
        let conversation = system
            .create(
                "Conversation",
                json!({ "data": {
                    "tenantId": tid, "leadId": lead_id, "channelAccountId": account, "identityId": identity["id"],
                    "assigneeId": agent, "status": "OPEN", "lastMessageAt": minutes_ago(last),
                    "lastMessagePreview": turns.last().map(|(_, text)| *text).unwrap_or(last_text),
                    "windowClosesAt": (last_in_at + Duration::hours(24)).to_rfc3339_opts(SecondsFormat::Millis, true),
                } }),
            )
            .await?;
        for (n, (inbound, text)) in turns.iter().enumerate() {
            let at = minutes_ago(start - 7 * n as i64);
            let wamid = format!("wamid.DEMO{}", uuid::Uuid::new_v4().simple());
            system
                .create(
                    "Message",
                    json!({ "data": {
                        "tenantId": tid, "conversationId": conversation["id"], "channelAccountId": account,
                        "channel": "WHATSAPP", "direction": if *inbound { "IN" } else { "OUT" }, "type": "TEXT",
                        "body": text, "providerMessageId": wamid,
                        "status": if *inbound { "RECEIVED" } else { "READ" },
                        "authorId": if *inbound { Value::Null } else { Value::from(agent) },
                        "sentAt": at, "createdAt": at,
                        "deliveredAt": if *inbound { Value::Null } else { Value::from(at.clone()) },
                        "readAt": if *inbound { Value::Null } else { Value::from(at.clone()) },
                    } }),
                )
                .await?;
        }
    }
    Ok(())
}
