//! Storage keys and safe file names: `{tenantId}/{resourceType}/{uuid}-{safe name}`, where the
//! safe name keeps letters of any script (Arabic included), digits, `.`, `-` and `_` and nothing
//! else, so no name can climb out of its folder.

/// The longest safe name kept, in characters.
const MAX_NAME_CHARS: usize = 100;

/// `name` reduced to letters, digits, `.`, `-` and `_`: every other character (slashes,
/// backslashes, control and bidi characters, spaces…) becomes `_`, runs of dots collapse to one,
/// leading dots go, and the result is at most 100 characters (the extension kept). Never empty,
/// never `.`/`..`, never holds `/`.
pub fn safe_name(name: &str) -> String {
    // Only the last path segment of what a browser sent (`C:\Users\…\plan.pdf`).
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut out = String::with_capacity(base.len());
    for c in base.chars() {
        let keep = c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
        let c = if keep && !c.is_control() { c } else { '_' };
        if c == '.' && out.ends_with('.') {
            continue;
        }
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_start_matches(['.', '_']).trim_end_matches(['.', '_']);
    let mut name: String = trimmed.to_owned();
    if name.chars().count() > MAX_NAME_CHARS {
        let ext: String = match name.rsplit_once('.') {
            Some((_, ext)) if ext.chars().count() <= 10 => format!(".{ext}"),
            _ => String::new(),
        };
        let stem: String = name.chars().take(MAX_NAME_CHARS - ext.chars().count()).collect();
        name = format!("{}{ext}", stem.trim_end_matches('.'));
    }
    if name.is_empty() { "file".to_owned() } else { name }
}

/// The object key of a new upload.
pub fn storage_key(tenant_id: &str, resource: &str, name: &str) -> String {
    format!("{tenant_id}/{resource}/{}-{}", uuid::Uuid::new_v4(), safe_name(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_cannot_escape() {
        for hostile in [
            "../../etc/passwd",
            "..\\..\\windows\\system32\\cmd.exe",
            "/absolute/path",
            "..",
            ".",
            "a/../../b",
            "name\u{0}with\u{1f}controls\n.pdf",
            "evil\u{202e}fdp.exe",
            "%2e%2e%2fetc",
            "....//....//x",
        ] {
            let safe = safe_name(hostile);
            assert!(!safe.is_empty() && safe != "." && safe != "..", "{hostile:?} → {safe:?}");
            assert!(!safe.contains('/') && !safe.contains('\\') && !safe.contains(".."), "{hostile:?} → {safe:?}");
            assert!(!safe.chars().any(char::is_control), "{hostile:?} → {safe:?}");
            assert!(!safe.starts_with('.'), "{hostile:?} → {safe:?}");
            assert!(object_store::path::Path::parse(storage_key("t1", "lead", hostile)).is_ok(), "{hostile:?}");
        }
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("evil\u{202e}fdp.exe"), "evil_fdp.exe");
    }

    #[test]
    fn arabic_and_ordinary_names_are_kept() {
        assert_eq!(safe_name("عقد الإيجار ٢٠٢٦.pdf"), "عقد_الإيجار_٢٠٢٦.pdf");
        assert_eq!(safe_name("floor-plan_v2.PNG"), "floor-plan_v2.PNG");
        let long = format!("{}.pdf", "x".repeat(300));
        let safe = safe_name(&long);
        assert_eq!(safe.chars().count(), 100);
        assert!(safe.ends_with(".pdf"));
        let key = storage_key("t1", "property", "صورة.jpg");
        assert!(key.starts_with("t1/property/") && key.ends_with("-صورة.jpg"), "{key}");
    }
}
