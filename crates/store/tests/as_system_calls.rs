//! Every rule bypass is named and listed: each `as_system("reason")` in the product's source must
//! appear, reason word for word, in the bypass table of `docs/server.md`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The reasons passed to `as_system(` in `src` directories (tests and benches excluded).
fn reasons(root: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).expect("crates") {
        let src = krate.expect("crate").path().join("src");
        if src.is_dir() {
            rust_files(&src, &mut files);
        }
    }
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("as_system(") {
            rest = &rest[i + "as_system(".len()..];
            let trimmed = rest.trim_start();
            if let Some(lit) = trimmed.strip_prefix('"')
                && let Some(end) = lit.find('"')
            {
                out.push((lit[..end].to_owned(), f.clone()));
            }
        }
    }
    out
}

#[test]
fn every_bypass_is_listed_in_the_docs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let docs = std::fs::read_to_string(root.join("docs/server.md")).expect("docs/server.md");
    let found = reasons(&root);
    assert!(found.len() >= 5, "expected the product's bypasses, found {found:?}");
    let missing: Vec<String> = found
        .iter()
        .filter(|(r, _)| r != "reason" && !docs.contains(&format!("`{r}`")))
        .map(|(r, f)| format!("`{r}` ({})", f.display()))
        .collect();
    assert!(
        missing.is_empty(),
        "as_system reasons missing from docs/server.md's bypass table:\n{}",
        missing.join("\n")
    );
}
