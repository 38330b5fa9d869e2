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
        "job.not_failed" => ("Only a failed job can be retried.", "لا يمكن إعادة تشغيل إلا مهمة فاشلة."),
        "import.not_utf8" => ("Save the file as CSV UTF-8.", "احفظ الملف بصيغة CSV UTF-8."),
        "import.malformed" => ("The file is not a readable CSV table.", "الملف ليس جدول CSV مقروءًا."),
        "import.missing_column" => ("A required column is missing.", "عمود مطلوب غير موجود."),
        "import.too_many_rows" => ("The file has too many rows.", "الملف يحتوي على صفوف كثيرة جدًا."),
        "upload.file_missing" => ("Attach the file in the `file` field.", "أرفق الملف في الحقل `file`."),
        "file.too_large" => ("The file is too large.", "الملف كبير جدًا."),
        "file.unsupported_type" => ("This type of file is not accepted.", "هذا النوع من الملفات غير مقبول."),
        "file.owner_not_found" => {
            ("The record to attach the file to was not found.", "لم يتم العثور على السجل المراد إرفاق الملف به.")
        }
        "request.invalid_query" => {
            ("A query parameter is missing or not valid.", "أحد معاملات الاستعلام مفقود أو غير صالح.")
        }
        "request.invalid_cursor" => (
            "The page cursor is not valid for this list. Start again from the first page.",
            "مؤشر الصفحة غير صالح لهذه القائمة. ابدأ من الصفحة الأولى.",
        ),
        "lead.not_found" => ("The lead was not found.", "لم يتم العثور على العميل المحتمل."),
        "conversation.not_found" => ("The conversation was not found.", "لم يتم العثور على المحادثة."),
        "conversation.invalid_assignee" => {
            ("The assignee must be an active user of this agency.", "يجب أن يكون المسؤول مستخدمًا نشطًا في هذه الوكالة.")
        }
        "conversation.invalid_snooze" => (
            "Snoozing needs `snoozedUntil`, a time in the future (and only snoozing takes one).",
            "التأجيل يتطلب `snoozedUntil` بوقت في المستقبل (ولا يُقبل إلا مع التأجيل).",
        ),
        "message.body_required" => ("Write a message, or choose a template.", "اكتب رسالة أو اختر قالبًا."),
        "message.unknown_template" => (
            "This template is not configured on the channel in this language.",
            "هذا القالب غير مُعدّ على القناة بهذه اللغة.",
        ),
        "message.template_not_supported" => ("Templates are sent on WhatsApp only.", "القوالب تُرسل عبر واتساب فقط."),
        "message.invalid_media" => (
            "The file is not one you can send here (it does not exist, you may not read it, or it goes with a template).",
            "لا يمكن إرسال هذا الملف هنا (غير موجود، أو لا تملك صلاحية قراءته، أو أُرفق بقالب).",
        ),
        "sms.media_unsupported" => (
            "SMS cannot carry files: send a link instead, or use WhatsApp or e-mail.",
            "لا يمكن إرسال الملفات عبر الرسائل النصية: أرسل رابطًا بدلًا من ذلك أو استخدم واتساب أو البريد الإلكتروني.",
        ),
        "message.media_too_large" => (
            "The file is larger than the channel accepts (WhatsApp: photos 5 MB, audio and video 16 MB, documents 100 MB).",
            "الملف أكبر مما تقبله القناة (واتساب: الصور 5 ميغابايت، الصوت والفيديو 16 ميغابايت، المستندات 100 ميغابايت).",
        ),
        "message.invalid_reply_to" => (
            "The message to reply to is not a sent or received message of this conversation.",
            "الرسالة المراد الرد عليها ليست رسالة مرسلة أو مستلمة في هذه المحادثة.",
        ),
        "whatsapp.window_closed" => (
            "More than 24 hours have passed since the customer last wrote: WhatsApp only accepts an approved template now.",
            "مرّت أكثر من 24 ساعة منذ آخر رسالة من العميل: واتساب يقبل الآن قالبًا معتمدًا فقط.",
        ),
        "channel.opted_out" => (
            "The customer has opted out of this channel and cannot be messaged.",
            "ألغى العميل اشتراكه في هذه القناة ولا يمكن مراسلته.",
        ),
        "channel.inactive" => ("This channel is switched off.", "هذه القناة متوقفة."),
        "lead.name_required" => ("A lead needs a name.", "يجب إدخال اسم العميل المحتمل."),
        "lead.invalid_phone" => ("This phone number is not valid.", "رقم الهاتف هذا غير صالح."),
        "lead.invalid_email" => ("This e-mail address is not valid.", "عنوان البريد الإلكتروني هذا غير صالح."),
        "lead.invalid_assignee" => {
            ("The assignee must be an active user of this agency.", "يجب أن يكون المسؤول مستخدمًا نشطًا في هذه الوكالة.")
        }
        "lead.duplicate" => (
            "A lead with this phone number or e-mail already exists in this agency.",
            "يوجد عميل محتمل بنفس رقم الهاتف أو البريد الإلكتروني في هذه الوكالة.",
        ),
        "lead.lost_reason_required" => {
            ("Give a reason when marking a lead as lost.", "اذكر سبب الخسارة عند تحويل العميل المحتمل إلى خاسر.")
        }
        "lead.lost_reason_not_allowed" => {
            ("A lost reason is only given with the LOST status.", "يُذكر سبب الخسارة مع الحالة LOST فقط.")
        }
        "property.not_found" => ("The listing was not found.", "لم يتم العثور على العقار."),
        "property.required" => ("This field of the listing is required.", "هذا الحقل من العقار مطلوب."),
        "property.invalid_price" => ("The price must be a non-negative amount.", "يجب أن يكون السعر مبلغًا غير سالب."),
        "property.invalid_currency" => (
            "The currency must be a code of three capital letters, e.g. AED.",
            "يجب أن تكون العملة رمزًا من ثلاثة أحرف كبيرة، مثل AED.",
        ),
        "property.invalid_number" => (
            "Bedrooms and bathrooms must be zero or more, and the area more than zero.",
            "يجب أن يكون عدد الغرف ودورات المياه صفرًا أو أكثر، والمساحة أكبر من صفر.",
        ),
        "property.invalid_date" => ("This date is not valid.", "هذا التاريخ غير صالح."),
        "property.invalid_phone" => ("The owner's phone number is not valid.", "رقم هاتف المالك غير صالح."),
        "property.invalid_agent" => (
            "The listing agent must be an active user of this agency.",
            "يجب أن يكون وكيل العقار مستخدمًا نشطًا في هذه الوكالة.",
        ),
        "property.invalid_photo" => (
            "A photo is not a file of this agency that you can open.",
            "إحدى الصور ليست ملفًا من ملفات هذه الوكالة يمكنك فتحه.",
        ),
        "property.reference_taken" => {
            ("Another listing of this agency has this reference.", "يوجد عقار آخر في هذه الوكالة بنفس الرقم المرجعي.")
        }
        "team.not_found" => ("The team was not found.", "لم يتم العثور على الفريق."),
        "team.name_required" => ("A team needs a name.", "يجب إدخال اسم الفريق."),
        "team.invalid_manager" => (
            "The team's manager must be an active manager or admin of this agency.",
            "يجب أن يكون مدير الفريق مديرًا أو مسؤولًا نشطًا في هذه الوكالة.",
        ),
        "user.not_found" => ("The user was not found.", "لم يتم العثور على المستخدم."),
        "user.name_required" => ("A user needs a name.", "يجب إدخال اسم المستخدم."),
        "user.invalid_email" => ("This e-mail address is not valid.", "عنوان البريد الإلكتروني هذا غير صالح."),
        "user.email_taken" => (
            "A user with this e-mail address already exists in this agency.",
            "يوجد مستخدم بهذا البريد الإلكتروني في هذه الوكالة.",
        ),
        "user.invalid_team" => ("The team must be a team of this agency.", "يجب أن يكون الفريق من فرق هذه الوكالة."),
        "user.invalid_language" => (
            "Languages are ISO codes of two or three letters, e.g. ar, en, hi.",
            "اللغات رموز ISO من حرفين أو ثلاثة، مثل ar وen وhi.",
        ),
        "user.weak_password" => {
            ("The password must have at least 10 characters.", "يجب أن تتكون كلمة المرور من 10 أحرف على الأقل.")
        }
        "user.wrong_password" => ("The current password is wrong.", "كلمة المرور الحالية غير صحيحة."),
        "user.last_admin" => {
            ("The agency must keep at least one active admin.", "يجب أن يبقى في الوكالة مسؤول نشط واحد على الأقل.")
        }
        "deal.not_found" => ("The deal was not found.", "لم يتم العثور على الصفقة."),
        "deal.invalid_lead" => (
            "The lead was not found, or you cannot open a deal on it.",
            "لم يتم العثور على العميل المحتمل، أو لا يمكنك فتح صفقة عليه.",
        ),
        "deal.invalid_property" => ("The listing was not found.", "لم يتم العثور على العقار."),
        "deal.invalid_agent" => {
            ("The agent must be an active user of this agency.", "يجب أن يكون الوكيل مستخدمًا نشطًا في هذه الوكالة.")
        }
        "deal.invalid_currency" => (
            "The currency must be a code of three letters, e.g. AED.",
            "يجب أن تكون العملة رمزًا من ثلاثة أحرف، مثل AED.",
        ),
        "deal.invalid_date" => {
            ("The expected closing date is not a valid date or time.", "تاريخ الإغلاق المتوقع ليس تاريخًا أو وقتًا صالحًا.")
        }
        "activity.not_found" => ("The activity was not found.", "لم يتم العثور على النشاط."),
        "activity.invalid_lead" => (
            "The lead was not found, or you cannot add an activity to it.",
            "لم يتم العثور على العميل المحتمل، أو لا يمكنك إضافة نشاط إليه.",
        ),
        "activity.invalid_property" => ("The listing was not found.", "لم يتم العثور على العقار."),
        "activity.invalid_deal" => (
            "The deal was not found among this lead's deals.",
            "لم يتم العثور على الصفقة ضمن صفقات هذا العميل المحتمل.",
        ),
        "activity.invalid_assignee" => {
            ("The assignee must be an active user of this agency.", "يجب أن يكون المسؤول مستخدمًا نشطًا في هذه الوكالة.")
        }
        "activity.title_required" => ("An activity needs a title.", "يجب إدخال عنوان للنشاط."),
        "activity.invalid_date" => {
            ("The due time is not a valid date or time.", "موعد الاستحقاق ليس تاريخًا أو وقتًا صالحًا.")
        }
        "channel.required" => ("This channel needs this field.", "هذه القناة تحتاج إلى هذا الحقل."),
        "channel.field_not_for_kind" => {
            ("This field does not apply to this kind of channel.", "هذا الحقل لا ينطبق على هذا النوع من القنوات.")
        }
        "channel.invalid_address" => ("This address is not valid.", "هذا العنوان غير صالح."),
        "channel.invalid_phone_number_id" => {
            ("The phone number id must be digits only.", "يجب أن يتكون معرّف رقم الهاتف من أرقام فقط.")
        }
        "channel.invalid_port" => ("The SMTP port must be between 1 and 65535.", "يجب أن يكون منفذ SMTP بين 1 و65535."),
        "channel.invalid_templates" => (
            "A template is not valid: a name of a-z, 0-9 and _, its languages, and a non-empty text whose parameters are numbered {{1}}, {{2}}….",
            "أحد القوالب غير صالح: اسم من a-z و0-9 و_، ولغاته، ونص غير فارغ مرقّمة معاملاته {{1}}، {{2}}….",
        ),
        "channel.template_exists" => {
            ("This template already exists in this language.", "هذا القالب موجود بالفعل بهذه اللغة.")
        }
        "channel.phone_number_id_taken" => {
            ("Another channel already uses this WhatsApp number.", "قناة أخرى تستخدم رقم واتساب هذا بالفعل.")
        }
        "channel.address_taken" => ("Another channel already uses this number.", "قناة أخرى تستخدم هذا الرقم بالفعل."),
        "channel.inbound_address_taken" => (
            "Another channel already receives mail at this address.",
            "قناة أخرى تستقبل البريد على هذا العنوان بالفعل.",
        ),
        "channel_account.not_found" => ("The channel was not found.", "لم يتم العثور على القناة."),
        "webhook.unauthorized" => {
            ("The delivery's signature or secret is missing or wrong.", "توقيع التسليم أو السر مفقود أو غير صحيح.")
        }
        "webhook.handshake_refused" => ("The verify token does not match.", "رمز التحقق غير مطابق."),
        "webhook.malformed" => ("The delivery cannot be read.", "تعذّرت قراءة التسليم."),
        "webhook.unknown_account" => ("No channel receives this delivery.", "لا توجد قناة تستقبل هذا التسليم."),
        "webhook.too_large" => ("The delivery is too large.", "التسليم كبير جدًا."),
        "webhook.not_configured" => {
            ("The server's public address is not configured.", "لم يتم ضبط العنوان العام للخادم.")
        }
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
        for code in [
            "tenant.not_found",
            "auth.invalid_token",
            "lead.not_found",
            "lead.duplicate",
            "lead.invalid_phone",
            "lead.lost_reason_required",
            "team.invalid_manager",
            "user.email_taken",
            "user.weak_password",
            "user.wrong_password",
            "user.last_admin",
            "property.not_found",
            "property.required",
            "property.invalid_price",
            "property.invalid_currency",
            "property.invalid_number",
            "property.invalid_date",
            "property.invalid_phone",
            "property.invalid_agent",
            "property.invalid_photo",
            "property.reference_taken",
            "deal.not_found",
            "deal.invalid_lead",
            "deal.invalid_property",
            "deal.invalid_agent",
            "deal.invalid_currency",
            "deal.invalid_date",
            "activity.not_found",
            "activity.invalid_lead",
            "activity.invalid_property",
            "activity.invalid_deal",
            "activity.invalid_assignee",
            "activity.title_required",
            "activity.invalid_date",
            "channel.required",
            "channel.field_not_for_kind",
            "channel.invalid_address",
            "channel.invalid_phone_number_id",
            "channel.invalid_port",
            "channel.invalid_templates",
            "channel.template_exists",
            "channel.phone_number_id_taken",
            "channel.address_taken",
            "channel.inbound_address_taken",
            "channel_account.not_found",
            "webhook.unauthorized",
            "webhook.handshake_refused",
            "webhook.malformed",
            "webhook.unknown_account",
            "webhook.too_large",
            "webhook.not_configured",
            "request.invalid_query",
            "request.invalid_cursor",
            "conversation.not_found",
            "conversation.invalid_assignee",
            "conversation.invalid_snooze",
            "message.body_required",
            "message.unknown_template",
            "message.template_not_supported",
            "message.invalid_reply_to",
            "message.media_too_large",
            "message.invalid_media",
            "sms.media_unsupported",
            "whatsapp.window_closed",
            "channel.opted_out",
            "channel.inactive",
            "internal",
            "unknown",
        ] {
            assert_ne!(message(code, Locale::En), message(code, Locale::Ar), "{code}");
        }
    }
}
