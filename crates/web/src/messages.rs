//! The human-readable text of every error code, in Arabic and English. The UI translates codes
//! itself (Fluent, later); these messages serve API clients and logs of failed calls.

use domain::Locale;

/// The message for `code` in `locale`. Codes ending in `.not_found` that are not listed share
/// one generic text.
pub fn message(code: &str, locale: Locale) -> &'static str {
    let (en, ar) = match code {
        "tenant.not_found" => ("No agency works at this address.", "لا توجد وكالة على هذا العنوان."),
        "auth.invalid_credentials" => {
            ("The e-mail or the password is wrong.", "البريد الإلكتروني أو كلمة المرور غير صحيحة.")
        }
        "auth.invalid_token" => {
            ("Your session is invalid or has expired. Sign in again.", "جلستك غير صالحة أو منتهية. سجّل الدخول مجددًا.")
        }
        "auth.rate_limited" => {
            ("Too many failed sign-in attempts. Try again later.", "محاولات دخول فاشلة كثيرة. حاول مرة أخرى لاحقًا.")
        }
        "auth.csrf" => ("The request lacks a valid CSRF token.", "الطلب لا يحمل رمز حماية (CSRF) صالحًا."),
        "policy.denied" => ("You are not allowed to do this.", "غير مسموح لك بهذا الإجراء."),
        "request.invalid" => ("The request is not valid.", "الطلب غير صالح."),
        "request.malformed_json" => ("The request body is not valid JSON.", "نص الطلب ليس JSON صالحًا."),
        "request.too_large" => ("The request body is too large.", "نص الطلب كبير جدًا."),
        "request.unsupported_media_type" => {
            ("Send the body as application/json.", "أرسل نص الطلب بصيغة application/json.")
        }
        "route.not_found" => ("There is nothing at this address.", "لا يوجد شيء على هذا العنوان."),
        "route.method_not_allowed" => ("This method is not allowed here.", "هذه الطريقة غير مسموحة هنا."),
        "conflict" => ("This conflicts with an existing record.", "هذا يتعارض مع سجل موجود."),
        "internal" => ("Something went wrong on our side. Try again.", "حدث خطأ من جهتنا. حاول مرة أخرى."),
        c if c.ends_with(".not_found") => ("The record was not found.", "لم يتم العثور على السجل."),
        _ => ("The request failed.", "تعذّر تنفيذ الطلب."),
    };
    match locale {
        Locale::En => en,
        Locale::Ar => ar,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_has_both_languages() {
        for code in ["tenant.not_found", "auth.invalid_token", "lead.not_found", "internal", "unknown"] {
            assert_ne!(message(code, Locale::En), message(code, Locale::Ar), "{code}");
        }
    }
}
