//! Search folding for Arabic and English text: the stored search column and the query are both
//! folded the same way, so spelling variants, diacritics and digit scripts still match.

use unicode_normalization::UnicodeNormalization;

use crate::phone::PhoneE164;
use crate::script::{ascii_digit, is_invisible};

/// Joins the fields of a [`search_key`]; a folded query cannot span two fields through it.
pub const SEARCH_KEY_SEPARATOR: &str = " | ";

/// How many digits a run needs before it is treated as a phone number.
const MIN_PHONE_DIGITS: usize = 7;

/// Folds text for matching: NFKC; alef forms (أ إ آ ٱ) to ا, ة to ه, ى to ي, ؤ to و, ئ to ي,
/// Persian ی/ک to ي/ك; tashkeel, Quranic marks and tatweel removed; Arabic-Indic and Persian
/// digits to ASCII; lower case; invisible marks dropped; whitespace collapsed to single spaces.
pub fn fold_search(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space_pending = false;
    for c in text.nfkc() {
        if c.is_whitespace() {
            space_pending = !out.is_empty();
        } else if !(is_invisible(c) || is_diacritic(c)) {
            if space_pending {
                out.push(' ');
                space_pending = false;
            }
            match fold_letter(c) {
                Some(folded) => out.push(folded),
                None => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// Builds the stored search column for a record from its fields (name, phones, e-mail, notes…):
/// each field folded with [`fold_search`], empty and repeated fields skipped, joined with
/// [`SEARCH_KEY_SEPARATOR`]. For every phone-like run of 7+ digits it also adds the digits alone,
/// and for an international number its national digits (`+971 50 123 4567` also yields
/// `971501234567` and `0501234567`), so a query typed either way finds it.
pub fn search_key(parts: &[&str]) -> String {
    let mut pieces: Vec<String> = Vec::new();
    for part in parts {
        let folded = fold_search(part);
        if folded.is_empty() {
            continue;
        }
        let phone_forms = phone_forms(&folded);
        add_piece(&mut pieces, folded);
        for form in phone_forms {
            add_piece(&mut pieces, form);
        }
    }
    pieces.join(SEARCH_KEY_SEPARATOR)
}

/// Adds `piece` unless an earlier piece already contains it (a substring query would match there).
fn add_piece(pieces: &mut Vec<String>, piece: String) {
    if !pieces.iter().any(|p| p.contains(piece.as_str())) {
        pieces.push(piece);
    }
}

/// Digits-only (and, for international numbers, national) forms of the phone-like runs in
/// already-folded text.
fn phone_forms(folded: &str) -> Vec<String> {
    let is_phone_char = |c: char| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '.' | '(' | ')' | '/');
    let mut forms = Vec::new();
    for run in folded.split(|c: char| !is_phone_char(c)) {
        let digits: String = run.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < MIN_PHONE_DIGITS {
            continue;
        }
        if let Ok(phone) = PhoneE164::parse_international(run) {
            forms.push(phone.digits().to_owned());
            forms.push(phone.national_format().chars().filter(char::is_ascii_digit).collect());
        }
        forms.push(digits);
    }
    forms
}

/// Harakat and other Arabic marks (U+064B–065F, U+0670, U+06D6–06ED) and tatweel (U+0640).
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// The folded form of an Arabic letter or digit, `None` for everything else.
fn folded_arabic(c: char) -> Option<char> {
    match c {
        // أ إ آ ٱ and the rarer wavy-hamza alefs
        '\u{0622}' | '\u{0623}' | '\u{0625}' | '\u{0671}' | '\u{0672}' | '\u{0673}' | '\u{0675}' => Some('\u{0627}'),
        '\u{0629}' => Some('\u{0647}'),              // ة → ه
        '\u{0649}' | '\u{0626}' => Some('\u{064A}'), // ى ئ → ي
        '\u{06CC}' => Some('\u{064A}'),              // Persian yeh, typed on Persian keyboards
        '\u{06A9}' => Some('\u{0643}'),              // Persian keheh → ك
        '\u{0624}' => Some('\u{0648}'),              // ؤ → و
        _ => None,
    }
}

fn fold_letter(c: char) -> Option<char> {
    folded_arabic(c).or_else(|| ascii_digit(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(stored: &str, query: &str) -> bool {
        search_key(&[stored]).contains(&fold_search(query))
    }

    #[test]
    fn arabic_spelling_variants_match() {
        assert!(matches("أحمد", "احمد"));
        assert!(matches("إبراهيم", "ابراهيم"));
        assert!(matches("آمنة", "امنه"));
        assert!(matches("مدرسة", "مدرسه"));
        assert!(matches("مدرسه", "مدرسة"));
        assert!(matches("مصطفى", "مصطفي"));
        assert!(matches("مسؤول", "مسوول"));
        assert!(matches("هيئة", "هييه"));
        assert!(!matches("أحمد", "محمد"));
    }

    #[test]
    fn diacritics_and_tatweel_are_ignored() {
        assert_eq!(fold_search("مُحَمَّد"), "محمد");
        assert_eq!(fold_search("محـــمد"), "محمد");
        assert!(matches("محمد", "مُحَمَّد"));
        assert_eq!(fold_search("ٱلرَّحْمَٰن"), "الرحمن");
    }

    #[test]
    fn presentation_forms_fold_through_nfkc() {
        // U+FE83 is the isolated presentation form of أ; U+FEFB is the lam-alef ligature.
        assert_eq!(fold_search("\u{FE83}حمد"), "احمد");
        assert_eq!(fold_search("\u{FEFB}"), "لا");
    }

    #[test]
    fn digits_and_latin_case_fold() {
        assert_eq!(fold_search("٠٥٠"), "050");
        assert_eq!(fold_search("۰۵۰"), "050");
        assert!(matches("050", "٠٥٠"));
        assert!(matches("JOHN Smith", "john"));
        assert_eq!(fold_search("JOHN"), fold_search("john"));
    }

    #[test]
    fn whitespace_collapses_and_marks_vanish() {
        assert_eq!(fold_search("  سارة \u{00A0}\t حداد \n"), "ساره حداد");
        assert_eq!(fold_search("\u{200F}أحمد\u{200E}"), "احمد");
        assert_eq!(fold_search(""), "");
    }

    #[test]
    fn search_key_joins_fields_and_adds_phone_digits() {
        let key = search_key(&["مُحَمَّد أحمد", "+971 50 123 4567", "", "Sara@Example.com", "call ٠٥٥ ٧٦٥ ٤٣٢١"]);
        assert_eq!(
            key,
            "محمد احمد | +971 50 123 4567 | 971501234567 | 0501234567 | sara@example.com | call 055 765 4321 | 0557654321"
        );
        for query in ["محمد", "احمد", "971501234567", "0501234567", "+971 50", "sara@example", "0557654321"] {
            assert!(key.contains(&fold_search(query)), "{query}");
        }
    }

    #[test]
    fn search_key_skips_repeats_and_short_numbers() {
        assert_eq!(search_key(&["Villa 12", "villa 12", "+971501234567"]), "villa 12 | +971501234567 | 0501234567");
        assert_eq!(search_key(&[]), "");
    }
}
