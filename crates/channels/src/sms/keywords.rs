//! Opt-out and opt-in keywords (STOP / START families).
//!
//! Twilio acts on the standard English keywords itself (it blocks further sends and answers 21610), and still
//! forwards the message, so the CRM mirrors the consent change. Only a message that is the keyword alone counts:
//! "STOP please" is a conversation, not an opt-out.
//!
//! Arabic: Twilio does not recognise Arabic keywords, so the carrier-side block never happens for them. We still
//! treat a handful of unambiguous Arabic opt-out words as an opt-out (respecting the contact's wish is always safe;
//! the CRM then blocks its own composer even though Twilio would deliver). We do **not** treat Arabic words as an
//! opt-in: "نعم" (yes) is an everyday answer, and since Twilio would keep its block, the CRM's consent flag would
//! disagree with what can actually be sent.

use serde::Serialize;

/// The consent change a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptKeyword {
    /// Stop messaging this contact (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, and Arabic equivalents).
    OptOut,
    /// The contact opted back in (START, YES, UNSTOP).
    OptIn,
}

/// Twilio's default English opt-out keywords.
const OPT_OUT: &[&str] = &["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"];
/// Twilio's default English opt-in keywords.
const OPT_IN: &[&str] = &["START", "YES", "UNSTOP"];
/// Arabic opt-out words after [`normalise`]: إيقاف (stop), أوقف (stop!), توقف (stop), إلغاء (cancel),
/// إلغاء الاشتراك (unsubscribe).
const ARABIC_OPT_OUT: &[&str] = &["ايقاف", "اوقف", "توقف", "الغاء", "الغاء الاشتراك"];

/// The keyword the whole message body is, ignoring case, surrounding whitespace and (for Arabic) diacritics,
/// tatweel and hamza forms of alef; `None` for anything else.
pub fn opt_keyword(body: &str) -> Option<OptKeyword> {
    let text = normalise(body);
    if OPT_OUT.contains(&text.as_str()) || ARABIC_OPT_OUT.contains(&text.as_str()) {
        Some(OptKeyword::OptOut)
    } else if OPT_IN.contains(&text.as_str()) {
        Some(OptKeyword::OptIn)
    } else {
        None
    }
}

/// Upper-cases ASCII, drops invisible direction marks, Arabic diacritics and tatweel, unifies alef forms, and
/// collapses whitespace.
fn normalise(body: &str) -> String {
    let folded: String = body
        .chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' | '\u{0640}'))
        .filter(|c| !matches!(c, '\u{064B}'..='\u{0652}' | '\u{0670}'))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            other => other.to_ascii_uppercase(),
        })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_keywords_ignore_case_and_whitespace() {
        for body in ["STOP", "stop", "  Stop\n", "StopAll", "unsubscribe", "CANCEL", "end", "quit"] {
            assert_eq!(opt_keyword(body), Some(OptKeyword::OptOut), "{body:?}");
        }
        for body in ["START", "yes", " Unstop "] {
            assert_eq!(opt_keyword(body), Some(OptKeyword::OptIn), "{body:?}");
        }
    }

    #[test]
    fn only_the_keyword_alone_counts() {
        for body in ["STOP PLEASE", "please stop", "stopped", "yes please", "", "HELP", "STOP."] {
            assert_eq!(opt_keyword(body), None, "{body:?}");
        }
    }

    #[test]
    fn arabic_opt_out_words_count_but_arabic_yes_does_not() {
        for body in [
            "إيقاف",
            "ايقاف",
            "إلغاء",
            "الغاء",
            "توقف",
            "أوقف",
            "إلغاء   الاشتراك",
            "\u{200F}إيقاف",
            "إيقـــاف",
            "إِيقَاف",
        ] {
            assert_eq!(opt_keyword(body), Some(OptKeyword::OptOut), "{body:?}");
        }
        assert_eq!(opt_keyword("نعم"), None);
        assert_eq!(opt_keyword("إيقاف التكييف"), None, "a sentence, not a keyword");
    }
}
