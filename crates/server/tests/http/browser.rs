//! The web UI in a real browser: Debian's headless Chromium driven through chromedriver
//! (thirtyfour), against the real server on port 0. Checks what only a browser can tell: the
//! geometry of right-to-left layouts (pinned grid columns, mirrored arrows and chevrons), and live
//! updates without reload.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`test.sh` installs them with apt-get);
//! `MANZIL_CHROMIUM` / `MANZIL_CHROMEDRIVER` point elsewhere. Screenshots of the pages go to
//! `target/screenshots/`, and with `MANZIL_UPDATE_SCREENSHOTS=1` also to `docs/screenshots/`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use thirtyfour::prelude::*;

use crate::support::{PASSWORD, TestApp};

/// One Chromium session and the chromedriver that runs it (killed with its process group on drop).
pub struct Browser {
    session: Option<WebDriver>,
    chromedriver: Child,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium window of `width` × 900 CSS pixels.
    pub async fn start(width: u32) -> Browser {
        use std::os::unix::process::CommandExt as _;
        let driver_bin = std::env::var("MANZIL_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("MANZIL_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let chromedriver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("{driver_bin}: {e} (test.sh installs chromium-driver)"));
        let status = format!("http://127.0.0.1:{port}/status");
        let client = reqwest::Client::builder().no_proxy().build().expect("client");
        let mut ready = false;
        for _ in 0..200 {
            if client.get(&status).send().await.is_ok_and(|r| r.status().is_success()) {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(ready, "chromedriver did not start on port {port}");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chromium).expect("binary");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            &format!("--window-size={width},900"),
        ] {
            caps.add_arg(arg).expect("arg");
        }
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("a Chromium session");
        Browser { session: Some(driver), chromedriver }
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        self.session.as_ref().expect("an open session")
    }

    /// Ends the session, then chromedriver (see `Drop`).
    pub async fn close(mut self) {
        if let Some(d) = self.session.take() {
            let _ = d.quit().await;
        }
    }

    /// `http://{slug}.localhost:{port}{path}` of the test server (Chromium resolves `*.localhost`
    /// to the loopback address itself).
    pub fn url(app: &TestApp, slug: &str, path: &str) -> String {
        format!("http://{slug}.localhost:{}{path}", app.addr.port())
    }

    /// Signs in through the sign-in form of agency `slug`.
    pub async fn sign_in(&self, app: &TestApp, slug: &str, email: &str) {
        self.sign_in_at(&Self::url(app, slug, ""), email, PASSWORD).await;
    }

    /// Signs in through the sign-in form at `base` (`http://dar.localhost:1234`).
    pub async fn sign_in_at(&self, base: &str, email: &str, password: &str) {
        self.driver().goto(format!("{base}/login")).await.expect("login page");
        self.driver().find(By::Id("email")).await.expect("email").send_keys(email).await.expect("type");
        self.driver().find(By::Id("password")).await.expect("password").send_keys(password).await.expect("type");
        self.driver()
            .find(By::Css("form.login button[type=submit]"))
            .await
            .expect("submit")
            .click()
            .await
            .expect("click");
        self.wait_js("return location.pathname !== '/login' && document.readyState === 'complete'", 5).await;
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.driver().execute(script, Vec::new()).await.expect("script").json().clone()
    }

    /// Waits up to `secs` seconds for the script's value to be `true`.
    pub async fn wait_js(&self, script: &str, secs: u64) {
        let deadline = std::time::Instant::now() + Duration::from_secs(secs);
        while std::time::Instant::now() < deadline {
            if self.js(script).await == Value::Bool(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("`{script}` not true within {secs} s at {:?}", self.driver().current_url().await.map(|u| u.to_string()));
    }

    /// Saves a screenshot as `{name}.png` (see the module docs for where).
    pub async fn screenshot(&self, name: &str) {
        let png = self.driver().screenshot_as_png().await.expect("screenshot");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs = vec![root.join("target/screenshots")];
        if std::env::var("MANZIL_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            dirs.push(root.join("docs/screenshots"));
        }
        for dir in dirs {
            std::fs::create_dir_all(&dir).expect("screenshot dir");
            std::fs::write(dir.join(format!("{name}.png")), &png).expect("screenshot written");
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // A session still open (a test failed before `close`) would be quit synchronously by
        // thirtyfour against a chromedriver killed below, blocking for minutes: skip that.
        if let Some(d) = self.session.take() {
            std::mem::forget(d);
        }
        // chromedriver leads its own process group: end it and the Chromium it started.
        let _ = Command::new("kill").args(["-9", "--", &format!("-{}", self.chromedriver.id())]).status();
        let _ = self.chromedriver.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The leads grid, right to left and left to right

/// Every optional column, so the grid is wider than the window and scrolls.
const ALL_COLUMNS: &str = "/leads?cols=phone&cols=email&cols=status&cols=source&cols=assignee&cols=budget&cols=intent&cols=cities&cols=language&cols=created&cols=updated";

/// Geometry of the grid, read in the page: the viewport's and the first row's pinned cells'
/// inline edges, a scrolled cell, the sort arrow and its label, and the pager chevron's transform.
const GEOMETRY: &str = r#"
const vp = document.querySelector('[data-testid=grid-viewport]').getBoundingClientRect();
const vpEl = document.querySelector('[data-testid=grid-viewport]');
const row = document.querySelector('tbody tr');
const name = row.querySelector('.pin-start').getBoundingClientRect();
const actions = row.querySelector('.pin-end').getBoundingClientRect();
const email = row.querySelector('td').getBoundingClientRect();
const arrow = document.querySelector('[data-testid=sort-arrow]');
const label = arrow && arrow.parentElement.querySelector('.label').getBoundingClientRect();
const a = arrow && arrow.getBoundingClientRect();
const phone = row.querySelector('bdi');
return {
  dir: document.documentElement.dir, lang: document.documentElement.lang,
  vpLeft: vp.left, vpRight: vp.right, clientWidth: vpEl.clientWidth, scrollWidth: vpEl.scrollWidth,
  scrollLeft: vpEl.scrollLeft,
  nameLeft: name.left, nameRight: name.right, actionsLeft: actions.left, actionsRight: actions.right,
  firstCellLeft: email.left,
  arrowLeft: a && a.left, arrowRight: a && a.right, labelLeft: label && label.left, labelRight: label && label.right,
  phoneDir: phone && getComputedStyle(phone).direction,
  chevron: (document.querySelector('[data-testid=next-chevron]') || {}).tagName
    ? getComputedStyle(document.querySelector('[data-testid=next-chevron]')).transform : null,
};"#;

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} missing in {v}"))
}

/// Seeds `n` leads of `agency` assigned to its agent, with budgets and e-mails (wide rows).
async fn seed_leads(app: &TestApp, tenant_id: &str, agent_id: &str, n: usize) {
    for i in 0..n {
        let name = format!("Lead number {i:03} with a long name");
        app.app
            .db
            .as_system("test: seed a lead")
            .create(
                "Lead",
                serde_json::json!({"data": {"tenantId": tenant_id, "name": name, "assigneeId": agent_id,
                    "source": "WEBSITE", "phones": ["+971501234567"], "primaryPhone": "+971501234567",
                    "email": format!("lead{i}@example.com"), "budgetMin": "1000000", "budgetMax": "2500000",
                    "budgetCurrency": "AED", "cities": ["Dubai", "Abu Dhabi"], "intent": "SALE",
                    "searchText": domain::fold_search(&name)}}),
            )
            .await
            .expect("lead");
    }
}

/// In Arabic the page is right to left: the pinned name column stays on the right edge of the grid
/// while it scrolls, the actions column on the left; the sort arrow sits to the left of its label;
/// the "next" chevron is mirrored; phone numbers stay left to right. In English, the mirror image.
#[tokio::test]
async fn the_leads_grid_mirrors_for_arabic_and_english() {
    let app = TestApp::sqlite().await;
    seed_leads(&app, &app.dar.tenant.id, &app.dar.agent.id, 60).await;
    seed_leads(&app, &app.harbor.tenant.id, &app.harbor.agent.id, 60).await;

    for (slug, email, rtl) in
        [("dar", app.dar.agent.email.clone(), true), ("harbor", app.harbor.agent.email.clone(), false)]
    {
        let b = Browser::start(1000).await;
        b.sign_in(&app, slug, &email).await;
        b.driver().goto(Browser::url(&app, slug, ALL_COLUMNS)).await.expect("grid");
        // Sort by name: the arrow appears on the name header.
        b.driver()
            .find(By::Css("th[data-col=name] a.sort-link"))
            .await
            .expect("name header")
            .click()
            .await
            .expect("sort");
        b.wait_js(
            "return !!document.querySelector('[data-testid=sort-arrow]') && document.readyState === 'complete'",
            5,
        )
        .await;
        b.screenshot(&format!("grid-sorted-{}", if rtl { "ar" } else { "en" })).await;
        let g = b.js(GEOMETRY).await;
        assert_eq!(g["dir"], if rtl { "rtl" } else { "ltr" }, "{g}");
        assert!(f(&g, "scrollWidth") > f(&g, "clientWidth") + 200.0, "the grid must overflow to scroll: {g}");
        assert_eq!(g["phoneDir"], "ltr", "phone numbers stay left to right");
        let near = |a: f64, b: f64| (a - b).abs() <= 2.0;
        if rtl {
            assert!(near(f(&g, "nameRight"), f(&g, "vpRight")), "name pinned right: {g}");
            assert!(near(f(&g, "actionsLeft"), f(&g, "vpLeft")), "actions pinned left: {g}");
            assert!(f(&g, "arrowRight") <= f(&g, "labelLeft") + 1.0, "arrow left of its label: {g}");
            assert!(g["chevron"].as_str().is_some_and(|t| t.starts_with("matrix(-1")), "chevron mirrored: {g}");
        } else {
            assert!(near(f(&g, "nameLeft"), f(&g, "vpLeft")), "name pinned left: {g}");
            assert!(near(f(&g, "actionsRight"), f(&g, "vpRight")), "actions pinned right: {g}");
            assert!(f(&g, "arrowLeft") >= f(&g, "labelRight") - 1.0, "arrow right of its label: {g}");
            assert!(g["chevron"].as_str().is_some_and(|t| t == "none"), "chevron as drawn: {g}");
        }

        // Scroll the grid towards its inline end: the pinned columns stay put, the others move.
        let before = f(&g, "firstCellLeft");
        b.js(if rtl {
            "document.querySelector('[data-testid=grid-viewport]').scrollBy({left: -500}); return 0"
        } else {
            "document.querySelector('[data-testid=grid-viewport]').scrollBy({left: 500}); return 0"
        })
        .await;
        let s = b.js(GEOMETRY).await;
        assert!(f(&s, "scrollLeft").abs() >= 400.0, "the grid scrolled: {s}");
        assert!((f(&s, "firstCellLeft") - before).abs() >= 400.0, "unpinned cells moved: {s}");
        if rtl {
            assert!(near(f(&s, "nameRight"), f(&s, "vpRight")), "name still pinned right: {s}");
            assert!(near(f(&s, "actionsLeft"), f(&s, "vpLeft")), "actions still pinned left: {s}");
        } else {
            assert!(near(f(&s, "nameLeft"), f(&s, "vpLeft")), "name still pinned left: {s}");
            assert!(near(f(&s, "actionsRight"), f(&s, "vpRight")), "actions still pinned right: {s}");
        }
        b.close().await;
    }
    app.stop().await;
}

/// The lead ids of the grid on the page, sorted.
async fn grid_ids(b: &Browser) -> Vec<String> {
    let v = b.js("return [...document.querySelectorAll('tr[data-lead-id]')].map(r => r.dataset.leadId)").await;
    let mut ids: Vec<String> = v.as_array().expect("ids").iter().map(|x| x.as_str().unwrap().to_owned()).collect();
    ids.sort();
    ids
}

/// The grid in the browser holds exactly what the rules let its reader see.
#[tokio::test]
async fn an_agent_sees_only_their_leads_and_a_manager_the_teams() {
    let app = TestApp::sqlite().await;
    let t = app.dar.tenant.id.clone();
    let manager = crate::pages::user(&app, "dar", "manager", domain::Role::Manager).await;
    let member = crate::pages::user(&app, "dar", "member", domain::Role::Agent).await;
    let team = app
        .app
        .db
        .as_system("test: create a team")
        .create("Team", serde_json::json!({"data": {"tenantId": t, "name": "Marina", "managerId": manager.id}}))
        .await
        .expect("team");
    for u in [&manager, &member] {
        app.update_user(u, serde_json::json!({"teamId": team["id"]})).await;
    }
    let own = crate::pages::lead(&app, &t, "Agent's own", Some(&app.dar.agent.id)).await;
    let members = crate::pages::lead(&app, &t, "Member's", Some(&member.id)).await;
    let pool = crate::pages::lead(&app, &t, "Nobody's", None).await;

    let b = Browser::start(1200).await;
    b.sign_in(&app, "dar", &app.dar.agent.email).await;
    b.driver().goto(Browser::url(&app, "dar", "/leads")).await.expect("grid");
    assert_eq!(grid_ids(&b).await, vec![own.clone()]);
    b.close().await;

    let b = Browser::start(1200).await;
    b.sign_in(&app, "dar", &manager.email).await;
    b.driver().goto(Browser::url(&app, "dar", "/leads")).await.expect("grid");
    let mut expected = vec![members, pool];
    expected.sort();
    assert_eq!(grid_ids(&b).await, expected);
    b.close().await;
    app.stop().await;
}

/// Switching the language flips the whole page (text, `lang`, `dir`) without a full reload: a
/// value the page's script holds survives the switch.
#[tokio::test]
async fn switching_language_flips_the_page_without_a_reload() {
    let app = TestApp::sqlite().await;
    crate::pages::lead(&app, &app.dar.tenant.id, "Switch", Some(&app.dar.agent.id)).await;
    let b = Browser::start(1200).await;
    b.sign_in(&app, "dar", &app.dar.agent.email).await;
    b.driver().goto(Browser::url(&app, "dar", "/leads?sort=name")).await.expect("grid");
    b.wait_js("return document.readyState === 'complete' && !!window.htmx", 5).await;
    assert_eq!(b.js("return document.documentElement.dir").await, "rtl");
    b.js("window.__stillHere = 42; return 0").await;
    b.driver().find(By::Css("[data-testid=language-switch]")).await.expect("switch").click().await.expect("click");
    b.wait_js("return document.documentElement.dir === 'ltr' && document.documentElement.lang === 'en'", 5).await;
    assert_eq!(b.js("return document.querySelector('main h1').textContent").await, "Leads");
    assert_eq!(b.js("return window.__stillHere").await, 42, "the page was not reloaded");
    assert_eq!(b.js("return location.pathname + location.search").await, "/leads?sort=name", "same page");
    // And back.
    b.driver().find(By::Css("[data-testid=language-switch]")).await.expect("switch").click().await.expect("click");
    b.wait_js("return document.documentElement.dir === 'rtl'", 5).await;
    assert_eq!(b.js("return document.querySelector('main h1').textContent").await, "العملاء");
    b.close().await;
    app.stop().await;
}

// ---------------------------------------------------------------------------------------------
// The live inbox

/// The conversation of the first inbound message with `body`, once stored.
async fn conversation_of(app: &TestApp, body: &str) -> String {
    for _ in 0..200 {
        let rows =
            crate::webhooks_support::rows(app, "Message", serde_json::json!({"direction": "IN", "body": body})).await;
        if let Some(m) = rows.first() {
            return m["conversationId"].as_str().expect("conversation").to_owned();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the inbound message {body:?} was not stored");
}

/// With the inbox open (demo sandbox on): a customer's WhatsApp message posted as a signed webhook
/// appears in the thread within 2 s without a reload; the agent's reply typed in the composer goes
/// to the sandbox provider and its ticks move to delivered (a reply to a chosen message, picked by
/// keyboard, quotes it; a photo attached in the composer goes out as media); once the 24-hour window
/// has closed the composer offers templates only.
#[tokio::test]
async fn the_inbox_is_live_and_the_composer_follows_the_window() {
    use app::inbox::sandbox::simulate::Inbound;
    let app = TestApp::sqlite_with(crate::sandbox::configure).await;
    crate::sandbox::sandbox_channels(&app).await;
    let first = "مرحبا، هل الشقة متاحة؟";
    let customer =
        |text: &str| Inbound::Whatsapp {
            from: "+971501112233".into(), text: text.into(), name: Some("مريم".into())
        };
    assert_eq!(crate::sandbox::simulate(&app, "dar", &customer(first)).await.status, 200);
    let conversation = conversation_of(&app, first).await;

    // The admin reads every conversation of the agency.
    let b = Browser::start(1200).await;
    b.sign_in(&app, "dar", &app.dar.admin.email).await;
    b.driver().goto(Browser::url(&app, "dar", &format!("/inbox/{conversation}"))).await.expect("inbox");
    b.wait_js(
        "return document.readyState === 'complete' && document.querySelectorAll('[data-testid=message]').length === 1",
        5,
    )
    .await;
    assert_eq!(b.js("return document.documentElement.dir").await, "rtl");
    // Wait for the live connection before the next delivery.
    b.wait_js("return !!window.ManzilInbox && window.ManzilInbox.isLive() === true", 10).await;
    b.js("window.__stillHere = 1; return 0").await;

    let second = "وهل يمكن المعاينة غدًا؟";
    let posted_at = std::time::Instant::now();
    assert_eq!(crate::sandbox::simulate(&app, "dar", &customer(second)).await.status, 200);
    b.wait_js(
        &format!("return [...document.querySelectorAll('[data-testid=message][data-direction=IN]')].some(m => m.textContent.includes('{second}'))"),
        5,
    )
    .await;
    let took = posted_at.elapsed();
    assert!(took < Duration::from_secs(2), "the message took {took:?} to appear");
    assert_eq!(b.js("return window.__stillHere").await, 1, "no reload");
    b.screenshot("inbox-ar").await;

    // The reply, to the second message: its reply link (by keyboard) quotes it in the composer.
    let answered = crate::webhooks_support::rows(&app, "Message", serde_json::json!({"body": second})).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    b.driver()
        .find(By::Css(format!("[data-message-id='{answered}'] [data-testid=reply-button]")))
        .await
        .expect("reply link")
        .send_keys(Key::Enter)
        .await
        .expect("press");
    b.wait_js("return !document.querySelector('[data-testid=composer-reply]').hidden", 5).await;
    assert_eq!(b.js("return document.querySelector('[data-testid=composer-quote]').textContent").await, second);
    assert_eq!(b.js("return document.querySelector('[data-testid=composer-reply-to]').value").await, answered.as_str());
    assert_eq!(b.js("return document.activeElement.id").await, "composer-text", "the text is next");
    assert_eq!(b.js("return window.__stillHere").await, 1, "no navigation");

    // Typed, sent, its ticks follow the sandbox's status webhooks; it quotes what it answers.
    let reply = "أهلًا مريم، نعم.";
    b.driver()
        .find(By::Css("[data-testid=composer-text]"))
        .await
        .expect("composer")
        .send_keys(reply)
        .await
        .expect("type");
    b.driver().find(By::Css("[data-testid=composer-send]")).await.expect("send").click().await.expect("click");
    b.wait_js(
        &format!("return [...document.querySelectorAll('[data-testid=message][data-direction=OUT]')].some(m => m.textContent.includes('{reply}') && ['DELIVERED','READ'].includes(m.dataset.status) && (m.querySelector('blockquote.quote') || {{}}).textContent === '{second}')"),
        10,
    )
    .await;
    assert_eq!(b.js("return window.__stillHere").await, 1, "no reload");
    assert_eq!(b.js("return document.querySelector('[data-testid=composer-reply]').hidden").await, true);

    // A photo with a caption: uploaded with the form, sent as media through the sandbox.
    let dir = tempfile::tempdir().expect("temp dir");
    let photo = dir.path().join("salon.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89")
        .expect("photo");
    b.driver()
        .find(By::Css("[data-testid=composer-file]"))
        .await
        .expect("file input")
        .send_keys(photo.to_str().expect("path"))
        .await
        .expect("choose");
    b.driver()
        .find(By::Css("[data-testid=composer-text]"))
        .await
        .expect("composer")
        .send_keys("الصالة")
        .await
        .expect("type");
    b.driver().find(By::Css("[data-testid=composer-send]")).await.expect("send").click().await.expect("click");
    b.wait_js(
        "return [...document.querySelectorAll('[data-testid=message][data-direction=OUT]')].some(m => !!m.querySelector('[data-testid=message-image]') && m.textContent.includes('الصالة') && ['DELIVERED','READ'].includes(m.dataset.status))",
        10,
    )
    .await;
    assert_eq!(b.js("return document.querySelector('[data-testid=composer-file]').value").await, "", "emptied");
    assert_eq!(b.js("return window.__stillHere").await, 1, "no reload");

    // The window closes: the composer offers templates only.
    app.app
        .db
        .as_system("test: close the 24-hour window")
        .update(
            "Conversation",
            serde_json::json!({"where": {"id": conversation}, "data": {"windowClosesAt": "2020-01-01T00:00:00.000Z"}}),
        )
        .await
        .expect("window closed");
    b.driver().goto(Browser::url(&app, "dar", &format!("/inbox/{conversation}"))).await.expect("inbox");
    b.wait_js("return document.readyState === 'complete'", 5).await;
    assert_eq!(b.js("return !!document.querySelector('[data-testid=template-picker]')").await, true);
    assert_eq!(b.js("return !!document.querySelector('[data-testid=composer-text]')").await, false);
    b.close().await;
    app.stop().await;
}
