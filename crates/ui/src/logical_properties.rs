//! Fails when a physical left/right property, value or utility class appears in our stylesheet,
//! scripts or templates: the layout must come from logical properties so that it mirrors.

use regex::Regex;

/// `(file name, text)` of every file we author for the browser.
fn sources() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["templates", "assets"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for e in entries.flatten() {
            let path = e.path();
            let authored = matches!(path.extension().and_then(|x| x.to_str()), Some("html" | "css" | "js"));
            if authored && path.is_file() {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

/// The physical-direction patterns, with what to use instead.
fn rules() -> Vec<(Regex, &'static str)> {
    let r = |p: &str| Regex::new(p).expect("pattern");
    vec![
        (r(r"(?m)(^|[;{\s])(left|right)\s*:"), "inset-inline-start / inset-inline-end"),
        (r(r"[a-z]-(left|right)\b\s*:"), "the -inline-start / -inline-end property"),
        (r(r"(?i)(float|clear|text-align)\s*:\s*(left|right)"), "start / end / inline-start"),
        (
            r(r"\b(margin|padding|inset)\s*:\s*[^\s;{}]+\s+[^\s;{}]+\s+[^\s;{}]+\s+[^\s;{}]+\s*[;}]"),
            "margin-inline / margin-block pairs",
        ),
        (
            r(
                r#"class="[^"]*\b(ml|mr|pl|pr|left|right|text-left|text-right|float-left|float-right|rounded-l|rounded-r|border-l|border-r|space-x)-"#,
            ),
            "the logical utility (ms-, me-, ps-, pe-, start-, end-, text-start…)",
        ),
        (r(r#"\balign\s*=\s*"(left|right)""#), "a class with text-align: start/end"),
        (r(r"\.style\.(left|right|marginLeft|marginRight|paddingLeft|paddingRight)\b"), "logical style properties"),
        (r(r"scrollLeft\s*="), "scrollIntoView or logical scrolling"),
    ]
}

#[test]
fn only_logical_properties_in_our_styles_scripts_and_templates() {
    let files = sources();
    assert!(files.len() >= 4, "found only {} files", files.len());
    let mut found = Vec::new();
    for (name, text) in &files {
        for (line_no, line) in text.lines().enumerate() {
            for (re, instead) in rules() {
                if re.is_match(line) {
                    found.push(format!("{name}:{}: `{}` — use {instead}", line_no + 1, line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "physical left/right in the UI:\n{}", found.join("\n"));
}

#[test]
fn the_lint_catches_physical_properties() {
    let bad = [
        "a { margin-left: 1rem; }",
        "b { left: 0; }",
        "c { text-align: right; }",
        "d { padding: 0 1rem 0 2rem; }",
        r#"<div class="ml-2 p-1">"#,
        r#"<td align="left">"#,
        "el.style.left = '3px'",
        "td { border-right: 1px solid; }",
    ];
    for b in bad {
        assert!(rules().iter().any(|(re, _)| re.is_match(b)), "not caught: {b}");
    }
    let good = [
        "a { margin-inline-start: 1rem; }",
        "b { inset-inline-start: 0; }",
        "c { text-align: end; }",
        "d { padding: 0.5rem 1rem; }",
        r#"<div class="ms-2 ps-1 text-start">"#,
        "td { border-inline-end: 1px solid; }",
    ];
    for g in good {
        assert!(!rules().iter().any(|(re, _)| re.is_match(g)), "wrongly caught: {g}");
    }
}
