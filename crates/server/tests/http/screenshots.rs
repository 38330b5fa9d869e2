//! Screenshots of the main pages in Arabic and English, taken in headless Chromium from the real
//! `manzil serve --demo` (the binary, its demo data, its sandbox channels): what a new user sees.
//! On every page, the accessibility basics are checked in the browser: every form control has a
//! label (or an ARIA name), and all visible text meets WCAG AA contrast against its background.
//! Written to `target/screenshots/`; with `MANZIL_UPDATE_SCREENSHOTS=1` also to
//! `docs/screenshots/`, whose copies the README shows. Each page must render in the agency's
//! direction with its main landmark.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::browser::Browser;

/// `manzil serve --demo` on a fresh data directory and a free port.
async fn demo_server(dir: &std::path::Path) -> (tokio::process::Child, SocketAddr) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_manzil"));
    cmd.arg("--data-dir").arg(dir).args(["serve", "--demo", "--port", &port.to_string()]);
    for var in ["MANZIL__DATABASE__URL", "MANZIL_CONFIG", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.env("MANZIL__SERVER__HOST", "127.0.0.1")
        .env("MANZIL__LOG__FILTER", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("start manzil serve --demo");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // The banner ends with the API docs line, once the demo's channels exist.
    let addr = tokio::time::timeout(Duration::from_secs(120), async {
        let mut addr = None;
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(a) = line.strip_prefix("Manzil is listening on http://") {
                addr = Some(a.trim().parse::<SocketAddr>().unwrap());
            }
            if line.trim_start().starts_with("API docs:")
                && let Some(a) = addr
            {
                return a;
            }
        }
        panic!("manzil serve --demo ended before its banner");
    })
    .await
    .expect("the demo listens within two minutes");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}

/// A customer's WhatsApp message through `manzil simulate`, so the inbox has a conversation.
async fn simulate(dir: &std::path::Path, addr: SocketAddr, tenant: &str, text: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_manzil"))
        .arg("--data-dir")
        .arg(dir)
        .env_remove("MANZIL__DATABASE__URL")
        .args(["simulate", "whatsapp", "--tenant", tenant, "--from", "+971501234567", "--name", "مريم", "--text", text])
        .args(["--server", &format!("http://{addr}")])
        .output()
        .await
        .expect("manzil simulate");
    assert!(out.status.success(), "simulate: {}", String::from_utf8_lossy(&out.stderr));
}

/// Finds unlabelled controls and text below WCAG AA contrast (4.5:1; 3:1 for large text), with the
/// effective background found up the ancestors. Returns a list of findings.
const A11Y: &str = r#"
const out = [];
const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(x => parseFloat(x)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const bg = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
  if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0.1; };
for (const el of document.querySelectorAll('input, select, textarea')) {
  if (el.type === 'hidden' || !visible(el)) continue;
  const named = (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.closest('label')
    || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.title;
  if (!named) out.push('unlabelled ' + el.outerHTML.slice(0, 120));
}
for (const el of document.querySelectorAll('body *')) {
  if (!visible(el) || el.closest('svg')) continue;
  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join('');
  if (!text) continue;
  const s = getComputedStyle(el); const fg = parse(s.color); if (!fg) continue;
  const b = bg(el); const l1 = lum(fg), l2 = lum(b);
  const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
  const size = parseFloat(s.fontSize); const bold = parseInt(s.fontWeight, 10) >= 700;
  const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
  if (ratio < need) out.push(`contrast ${ratio.toFixed(2)} < ${need}: "${text.slice(0, 40)}" (${s.color} on rgb(${b.r},${b.g},${b.b}))`);
}
return [...new Set(out)];
"#;

#[tokio::test]
async fn screenshots_of_the_main_pages_in_arabic_and_english() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, addr) = demo_server(dir.path()).await;
    simulate(dir.path(), addr, "dar", "مرحبا، هل الشقة في دبي مارينا متاحة؟").await;
    simulate(dir.path(), addr, "harbor", "Hello, is the Marina apartment still available?").await;
    for (slug, lang, dir_attr) in [("dar", "ar", "rtl"), ("harbor", "en", "ltr")] {
        let base = format!("http://{slug}.localhost:{}", addr.port());
        let b = Browser::start(1280).await;
        b.sign_in_at(&base, &format!("admin@{slug}.demo"), app::demo::DEMO_PASSWORD).await;
        for (name, path) in [
            ("dashboard", "/"),
            ("leads", "/leads"),
            ("listings", "/listings"),
            ("pipeline", "/pipeline"),
            ("tasks", "/tasks"),
            ("inbox", "/inbox"),
            ("settings", "/settings"),
        ] {
            b.driver().goto(format!("{base}{path}")).await.expect("page");
            b.wait_js("return document.readyState === 'complete' && !!document.querySelector('main h1')", 10).await;
            assert_eq!(b.js("return document.documentElement.dir").await, dir_attr, "{slug}{path}");
            if name == "inbox" {
                // Open the first conversation, so the thread shows.
                b.js("const c = document.querySelector('[data-testid=conversation]'); if (c) c.click(); return 0")
                    .await;
                b.wait_js("return document.querySelectorAll('[data-testid=message]').length > 0", 10).await;
            }
            b.screenshot(&format!("{name}-{lang}")).await;
            let findings = b.js(A11Y).await;
            assert_eq!(findings, serde_json::json!([]), "accessibility on {slug}{path}");
        }
        // The checker itself finds a pale text and an unlabelled input.
        let plant = "document.querySelector('main').insertAdjacentHTML('beforeend', '<p style=\"color:#bbb\">pale</p><input id=\"nolabel\">');";
        let planted = b
            .js(&format!(
                "{plant}{}",
                A11Y.replace("return [...new Set(out)];", "return [...new Set(out)].join(' | ');")
            ))
            .await;
        let planted = planted.as_str().unwrap_or_default();
        assert!(planted.contains("\"pale\"") && planted.contains("unlabelled <input id=\"nolabel\""), "{planted}");
        // The first lead's page.
        b.driver().goto(format!("{base}/leads")).await.expect("grid");
        b.wait_js("return document.readyState === 'complete'", 10).await;
        b.js("document.querySelector('tr[data-lead-id] th a').click(); return 0").await;
        b.wait_js("return !!document.querySelector('[data-testid=lead-profile]')", 10).await;
        b.screenshot(&format!("lead-{lang}")).await;
        assert_eq!(b.js(A11Y).await, serde_json::json!([]), "accessibility on {slug}'s lead page");
        b.close().await;
    }
}
