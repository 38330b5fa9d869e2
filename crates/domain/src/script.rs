//! Character classes shared by the parsers: Arabic-Indic digits and the invisible marks that
//! right-to-left text pastes carry along.

/// The ASCII digit for an ASCII, Arabic-Indic (U+0660–0669) or Eastern Arabic-Indic/Persian
/// (U+06F0–06F9) digit.
pub(crate) fn ascii_digit(c: char) -> Option<char> {
    let offset = match c {
        '0'..='9' => return Some(c),
        '\u{0660}'..='\u{0669}' => u32::from(c) - 0x0660,
        '\u{06F0}'..='\u{06F9}' => u32::from(c) - 0x06F0,
        _ => return None,
    };
    char::from_digit(offset, 10)
}

/// Bidi controls: LRM, RLM, the embeddings and overrides (U+202A–202E) and the isolates
/// (U+2066–2069), plus the Arabic letter mark (U+061C).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that render as nothing: bidi controls, zero-width space/joiners and the BOM.
pub(crate) fn is_invisible(c: char) -> bool {
    is_bidi_control(c) || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')
}

/// `text` without surrounding whitespace (incl. NBSP) or invisible marks.
pub(crate) fn trim_invisible(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_all_three_digit_sets() {
        assert_eq!(ascii_digit('7'), Some('7'));
        assert_eq!(ascii_digit('٧'), Some('7'));
        assert_eq!(ascii_digit('۷'), Some('7'));
        assert_eq!(ascii_digit('٠'), Some('0'));
        assert_eq!(ascii_digit('۹'), Some('9'));
        assert_eq!(ascii_digit('a'), None);
    }

    #[test]
    fn trims_marks_and_nbsp() {
        assert_eq!(trim_invisible("\u{200F}\u{00A0} abc \u{2069}\u{200E}"), "abc");
        assert!(is_bidi_control('\u{202B}'));
        assert!(!is_bidi_control('a'));
    }
}
