//! The schemas shown in the README and under `examples/` load without errors or warnings.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and benchmarks fail loudly on broken fixtures"
)]

#[test]
fn example_schemas_load_cleanly() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("examples dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "zmodel") {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read");
        match policy::load(&src) {
            Ok(l) => assert!(l.warnings.is_empty(), "{}: {:?}", path.display(), l.warnings),
            Err(d) => panic!("{}: {d:?}", path.display()),
        }
        seen += 1;
    }
    assert!(seen > 0, "no example schemas found");
}

#[test]
fn readme_example_matches_examples_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let example = std::fs::read_to_string(root.join("examples/leads.zmodel")).expect("example");
    assert!(readme.contains(&example), "the README's schema block must equal examples/leads.zmodel");
}
