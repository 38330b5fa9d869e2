# واجهة منزل — العربية. لكل رسالة هنا نظير إنجليزي في ../en/main.ftl (يتحقق منه اختبار).

skip-to-content = انتقل إلى المحتوى
switch-language = English
sign-out = تسجيل الخروج
nav-label = القائمة الرئيسية
nav-dashboard = لوحة المتابعة
nav-inbox = صندوق الرسائل
nav-leads = العملاء
nav-listings = العقارات
nav-pipeline = الصفقات
nav-tasks = المهام والمعاينات
nav-settings = الإعدادات
role-ADMIN = مدير النظام
role-MANAGER = مدير فريق
role-AGENT = وكيل

login-title = تسجيل الدخول إلى { $agency }
login-email = البريد الإلكتروني
login-password = كلمة المرور
login-submit = دخول
login-failed = البريد الإلكتروني أو كلمة المرور غير صحيحة.
login-rate-limited = محاولات كثيرة. حاول مجددًا بعد بضع دقائق.
login-error = تعذّر تسجيل الدخول. حاول مجددًا.
session-expired = انتهت جلستك. سجّل الدخول مجددًا.

leads-title = العملاء
search = بحث
leads-search-hint = الاسم، الهاتف، البريد…
lead-status = الحالة
lead-source = المصدر
lead-assignee = المسؤول
any = الكل
apply = تطبيق
columns = الأعمدة
columns-save = اعرض هذه الأعمدة
bulk-assign-to = إسناد المحدد إلى
bulk-assign = إسناد
select-all = تحديد الكل
select-lead = تحديد { $name }
actions = إجراءات
open = فتح
first-page = الصفحة الأولى
next-page = التالي
pages = الصفحات
leads-count = { $count ->
    [zero] لا عملاء
    [one] عميل واحد
    [two] عميلان
    [few] { $count } عملاء
    [many] { $count } عميلًا
   *[other] { $count } عميل
  }
leads-on-page = { $count ->
    [zero] لا يوجد عملاء مطابقون.
    [one] يُعرض عميل واحد.
    [two] يُعرض عميلان.
    [few] يُعرض { $count } عملاء.
    [many] يُعرض { $count } عميلًا.
   *[other] يُعرض { $count } عميل.
  }
bulk-assigned = { $count ->
    [zero] لم يُسند أي عميل.
    [one] أُسند عميل واحد.
    [two] أُسند عميلان.
    [few] أُسند { $count } عملاء.
    [many] أُسند { $count } عميلًا.
   *[other] أُسند { $count } عميل.
  }
bulk-none-selected = حدّد عميلًا واحدًا على الأقل أولًا.
assignee-mine = عملائي
assignee-unassigned = غير مسندين
assignee-all = الجميع
unassigned = غير مسند

col-name = الاسم
col-phone = الهاتف
col-email = البريد الإلكتروني
col-status = الحالة
col-source = المصدر
col-assignee = المسؤول
col-budget = الميزانية
col-intent = الغرض
col-cities = المدن
col-language = اللغة
col-created = تاريخ الإضافة
col-updated = آخر تحديث

status-NEW = جديد
status-CONTACTED = تم التواصل
status-QUALIFIED = مؤهل
status-VIEWING = معاينة
status-NEGOTIATION = تفاوض
status-WON = تمت الصفقة
status-LOST = مفقود

source-PROPERTY_FINDER = بروبرتي فايندر
source-BAYUT = بيوت
source-DUBIZZLE = دوبيزل
source-WEBSITE = الموقع الإلكتروني
source-WHATSAPP = واتساب
source-REFERRAL = توصية
source-WALK_IN = زيارة مباشرة
source-OTHER = أخرى

intent-SALE = شراء
intent-RENT = إيجار
language-ar = العربية
language-en = الإنجليزية

error-not-found = هذه الصفحة غير موجودة، أو لا تملك صلاحية عرضها.
error-server = حدث خطأ من جهتنا. حاول مجددًا.
coming-soon = هذه الصفحة قيد الإنشاء.

# صندوق الرسائل
inbox-title = صندوق الرسائل
inbox-conversations = المحادثات
inbox-filter-mine = محادثاتي
inbox-filter-unassigned = غير مُسندة
inbox-filter-team = فريقي
inbox-filter-all = الكل
inbox-no-conversations = لا توجد محادثات هنا.
inbox-more-conversations = مزيد من المحادثات
inbox-unread = { $count ->
    [zero] لا رسائل غير مقروءة
    [one] رسالة واحدة غير مقروءة
    [two] رسالتان غير مقروءتين
    [few] { $count } رسائل غير مقروءة
    [many] { $count } رسالة غير مقروءة
   *[other] { $count } رسالة غير مقروءة
  }
inbox-messages = الرسائل
inbox-no-messages = لا توجد رسائل بعد.
inbox-pick = اختر محادثة من القائمة.
inbox-load-older = تحميل الرسائل الأقدم
inbox-private-note = ملاحظة خاصة
inbox-add-note = أضف ملاحظة خاصة
inbox-media-pending = ما زال الملف قيد التنزيل…
inbox-possible-duplicate = ربما وصلت هذه الرسالة مرتين.
inbox-status-queued = بانتظار الإرسال
inbox-status-sent = أُرسلت
inbox-status-delivered = وصلت
inbox-status-read = قُرئت
inbox-status-failed = لم تُرسل
inbox-reply = الرد
inbox-message = الرسالة
inbox-message-hint = اكتب ردًا…
inbox-send = إرسال
inbox-template = قالب معتمد
inbox-send-template = إرسال القالب
inbox-no-templates = لا توجد قوالب لرقم واتساب هذا: يمكن للمسؤول إضافتها إلى القناة.
inbox-window-hours = { $count ->
    [zero] الرد الحر متاح لأقل من ساعة
    [one] الرد الحر متاح لساعة أخرى
    [two] الرد الحر متاح لساعتين أخريين
    [few] الرد الحر متاح لـ { $count } ساعات أخرى
    [many] الرد الحر متاح لـ { $count } ساعة أخرى
   *[other] الرد الحر متاح لـ { $count } ساعة أخرى
  }
inbox-window-minutes = { $count ->
    [zero] الرد الحر متاح لأقل من دقيقة
    [one] الرد الحر متاح لدقيقة أخرى
    [two] الرد الحر متاح لدقيقتين أخريين
    [few] الرد الحر متاح لـ { $count } دقائق أخرى
    [many] الرد الحر متاح لـ { $count } دقيقة أخرى
   *[other] الرد الحر متاح لـ { $count } دقيقة أخرى
  }
inbox-window-closed = انتهت نافذة الـ24 ساعة لهذا العميل: لا يمكن إرسال سوى القوالب المعتمدة.
inbox-live-lost = انقطع الاتصال. جارٍ إعادة الاتصال…
inbox-live-catching-up = جارٍ جلب ما فاتك من رسائل…
inbox-error-network = لم تُرسل الرسالة: لا يوجد اتصال. حاول مجددًا.
inbox-error-required = اكتب رسالة أولًا.
inbox-template-label = قالب: { $name }
inbox-file = ملف
inbox-kind-IMAGE = صورة
inbox-kind-AUDIO = مقطع صوتي
inbox-kind-VIDEO = فيديو
inbox-kind-DOCUMENT = مستند
inbox-kind-STICKER = ملصق
inbox-kind-LOCATION = موقع
inbox-kind-CONTACTS = بطاقة جهة اتصال
inbox-kind-INTERACTIVE = رد بزر
inbox-kind-REACTION = تفاعل
inbox-kind-UNSUPPORTED = لا يمكن عرض هذا النوع من الرسائل هنا.
channel-WHATSAPP = واتساب
channel-SMS = رسائل نصية
channel-EMAIL = البريد الإلكتروني

# صفحة العميل، العقارات، الصفقات (pages/lead.rs, listings.rs, listing.rs, pipeline.rs)
lead-page-profile = الملف
lead-page-lost-reason = سبب الفقد
lead-page-change-status = الحالة
lead-page-lost-reason-if-lost = سبب الفقد (عند الفقد)
lead-page-save-status = تغيير الحالة
lead-page-assign-to = إسناد إلى
lead-page-requirements = المتطلبات
lead-page-no-requirements = لم تُسجَّل أي متطلبات بعد.
lead-page-timeline = السجل
lead-page-timeline-empty = لم يحدث شيء مع هذا العميل بعد.
lead-page-done = منجز
lead-page-due = الموعد
lead-page-quick-actions = إجراءات سريعة
lead-page-times-zone = الأوقات بتوقيت الوكالة: { $name }.
lead-page-log-call = تسجيل مكالمة
lead-page-call-summary = ما دار في المكالمة
lead-page-details = التفاصيل
lead-page-add-task = إضافة مهمة
lead-page-task-title = المهمة
lead-page-schedule-viewing = جدولة معاينة
lead-page-viewing-title = المعاينة
lead-page-viewing-when = التاريخ والوقت
lead-page-viewing-listing = العقار
lead-page-no-listing = بدون عقار
lead-page-matches = عقارات مطابقة
lead-page-no-matches = لا يوجد عقار متاح مناسب بعد.
match-score = تطابق { $count }٪
req-types = أنواع العقار
req-communities = المجتمعات
req-bedrooms = غرف النوم (على الأقل)
timeline-CALL = مكالمة
timeline-TASK = مهمة
timeline-VIEWING = معاينة
timeline-NOTE = ملاحظة
timeline-MEETING = اجتماع
timeline-status = تغيّرت الحالة
timeline-arrow = ←
timeline-in = واردة
timeline-out = مرسلة
timeline-private-note = ملاحظة خاصة
timeline-attachment = (مرفق)
flash-status-changed = تم تغيير الحالة.
flash-assigned = تم إسناد العميل.
flash-activity-added = أُضيف إلى السجل.
flash-deal-moved = نُقلت الصفقة.
flash-lost-reason-required = العميل المفقود يحتاج إلى سبب.
flash-lost-reason-not-allowed = يُحفظ السبب للعملاء المفقودين فقط: امسحه أولًا.
flash-forbidden = لا تملك صلاحية إجراء هذا التغيير.
flash-invalid-assignee = اختر مستخدمًا نشطًا في الوكالة.
flash-title-required = اكتب عنوانًا أولًا.
flash-invalid-date = التاريخ غير صالح.
flash-invalid-listing = لا يمكن استخدام هذا العقار.
flash-closed-final = هذه الصفقة مغلقة: لا يعيد نقلها إلا مدير فريق أو مدير النظام.
flash-invalid-stage = اختر مرحلة.
flash-invalid = بعض المدخلات غير صالحة.

listings-title = العقارات
listings-search-hint = المرجع، العنوان، المدينة…
listings-on-page = { $count ->
    [zero] لا توجد عقارات مطابقة.
    [one] يُعرض عقار واحد.
    [two] يُعرض عقاران.
    [few] يُعرض { $count } عقارات.
    [many] يُعرض { $count } عقارًا.
   *[other] يُعرض { $count } عقار.
  }
listing-title = العنوان
listing-reference = المرجع
listing-type = النوع
listing-purpose = الغرض
listing-city = المدينة
listing-community = المجتمع
listing-bedrooms = غرف النوم
listing-bathrooms = الحمّامات
listing-area = المساحة
listing-area-value = { $name } م²
listing-price = السعر
listing-agent = الوكيل المسؤول
listing-owner = المالك
listing-owner-phone = هاتف المالك
listing-photos = الصور
listing-no-photos = لا توجد صور بعد.
listing-photo-alt = صورة { $name }
listing-details = التفاصيل
listing-permit = رقم التصريح
listing-permit-expiry = انتهاء التصريح
listing-matches = عملاء مطابقون
listing-no-matches = لا يوجد عميل مفتوح يناسبه هذا العقار بعد.
listing-text-ar = العربية
listing-text-en = الإنجليزية
permit-expired = انتهى تصريح الإعلان: جدّده قبل الإعلان عن هذا العقار.
permit-expires-soon = { $count ->
    [zero] ينتهي تصريح الإعلان اليوم.
    [one] ينتهي تصريح الإعلان غدًا.
    [two] ينتهي تصريح الإعلان بعد يومين.
    [few] ينتهي تصريح الإعلان بعد { $count } أيام.
    [many] ينتهي تصريح الإعلان بعد { $count } يومًا.
   *[other] ينتهي تصريح الإعلان بعد { $count } يوم.
  }
purpose-SALE = للبيع
purpose-RENT = للإيجار
ptype-APARTMENT = شقة
ptype-VILLA = فيلا
ptype-TOWNHOUSE = تاون هاوس
ptype-PENTHOUSE = بنتهاوس
ptype-OFFICE = مكتب
ptype-SHOP = محل
ptype-WAREHOUSE = مستودع
ptype-LAND = أرض
listing-status-DRAFT = مسودة
listing-status-AVAILABLE = متاح
listing-status-RESERVED = محجوز
listing-status-SOLD = مباع
listing-status-RENTED = مؤجَّر
listing-status-WITHDRAWN = مسحوب

pipeline-title = الصفقات
pipeline-help = اسحب الصفقة إلى مرحلة أخرى، أو اختر المرحلة من قائمتها واضغط «نقل».
pipeline-hidden-lead = عميل لا يمكنك رؤيته
pipeline-closed-final = مغلقة: نهائية للوكلاء.
pipeline-move-to = المرحلة
pipeline-move = نقل
pipeline-empty-stage = لا صفقات.
deals-count = { $count ->
    [zero] لا صفقات
    [one] صفقة واحدة
    [two] صفقتان
    [few] { $count } صفقات
    [many] { $count } صفقة
   *[other] { $count } صفقة
  }
stage-OFFER = عرض
stage-RESERVATION = حجز
stage-CONTRACT = عقد
stage-CLOSED_WON = مكسوبة
stage-CLOSED_LOST = خاسرة

# لوحة المتابعة، المهام والمعاينات، الإعدادات (pages/dashboard.rs, tasks.rs, settings.rs)
dashboard-title = لوحة المتابعة
dashboard-scope-ADMIN = الأرقام على مستوى الوكالة كلها.
dashboard-scope-MANAGER = الأرقام لعملاء فريقك وصفقاته، وللعملاء غير المسندين.
dashboard-scope-AGENT = الأرقام لعملائك وصفقاتك فقط.
stat-new-today = عملاء جدد اليوم
stat-new-week = عملاء جدد في آخر 7 أيام
chart-sources = العملاء حسب المصدر
chart-funnel = الصفقات حسب المرحلة
chart-response = الوسيط لزمن الرد الأول لكل وكيل (عملاء آخر 30 يومًا)
chart-listings = العقارات حسب الحالة
chart-no-data = لا بيانات بعد.
duration-under-minute = أقل من دقيقة
duration-minutes = { $count ->
    [zero] { $count } دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $count } دقائق
    [many] { $count } دقيقة
   *[other] { $count } دقيقة
  }
duration-hours = { $count ->
    [zero] { $count } ساعة
    [one] ساعة واحدة
    [two] ساعتان
    [few] { $count } ساعات
    [many] { $count } ساعة
   *[other] { $count } ساعة
  }
duration-days = { $count ->
    [zero] { $count } يوم
    [one] يوم واحد
    [two] يومان
    [few] { $count } أيام
    [many] { $count } يومًا
   *[other] { $count } يوم
  }

tasks-title = المهام والمعاينات
tasks-scope = العرض
tasks-scope-all = كل ما يمكنني رؤيته
tasks-scope-mine = المسندة إليّ
tasks-overdue = متأخرة
tasks-today = اليوم
tasks-upcoming = الأيام الـ14 القادمة
tasks-count = { $count ->
    [zero] لا شيء
    [one] عنصر واحد
    [two] عنصران
    [few] { $count } عناصر
    [many] { $count } عنصرًا
   *[other] { $count } عنصر
  }
tasks-none-overdue = لا شيء متأخر.
tasks-none-today = لا شيء مستحق اليوم.
tasks-none-upcoming = لا شيء مستحق في الأيام الـ14 القادمة.
tasks-more = المستحق أكثر مما يُعرض: تظهر أول 100.
tasks-lead-hidden = عميل لا يمكنك رؤيته
tasks-done = تم الإنجاز
tasks-reopen = إعادة فتح
tasks-done-named = تعليم «{ $name }» كمنجزة
tasks-reopen-named = إعادة فتح «{ $name }»
tasks-times-zone = الأوقات بتوقيت الوكالة: { $name }.
activity-TASK = مهمة
activity-VIEWING = معاينة
tasks-flash-done = عُلّمت كمنجزة.
tasks-flash-reopened = أُعيد فتحها.
tasks-forbidden = لا يمكنك تعديل هذه المهمة.

save = حفظ
settings-title = الإعدادات
settings-profile = ملفك الشخصي
settings-name = الاسم
settings-language = لغة الواجهة
settings-current-password = كلمة المرور الحالية
settings-new-password = كلمة المرور الجديدة
settings-password-hint = 10 أحرف على الأقل. سيُسجَّل خروجك من أجهزتك الأخرى.
settings-change-password = تغيير كلمة المرور
settings-users = المستخدمون
settings-role = الدور
settings-team = الفريق
settings-active = نشط
settings-inactive = موقوف
settings-deactivate = إيقاف
settings-activate = تفعيل
settings-deactivate-named = إيقاف { $name }
settings-activate-named = تفعيل { $name }
settings-invite = دعوة مستخدم
settings-invite-submit = دعوة
settings-no-team = بلا فريق
settings-teams = الفرق
settings-no-teams = لا فرق بعد.
settings-no-manager = بلا مدير
settings-team-name = اسم الفريق
settings-team-manager = المدير
settings-team-create = إنشاء الفريق
settings-members = { $count ->
    [zero] لا أعضاء
    [one] عضو واحد
    [two] عضوان
    [few] { $count } أعضاء
    [many] { $count } عضوًا
   *[other] { $count } عضو
  }
settings-channels = حسابات القنوات
settings-no-channels = لا حسابات قنوات بعد.
settings-secrets-note = لا يُعرض السر المحفوظ مرة أخرى أبدًا: يُذكر فقط إن كان مضبوطًا.
settings-secret-keep = اترك حقل السر فارغًا للإبقاء على المحفوظ.
settings-secret-set = مضبوط
settings-secret-not-set = غير مضبوط
settings-sandbox = بيئة تجريبية
settings-channel-name = الاسم
field-address = الرقم أو العنوان الظاهر للعملاء
field-phoneNumberId = معرّف رقم الهاتف
field-wabaId = معرّف حساب واتساب للأعمال
field-smsAccountSid = معرّف الحساب (SID)
field-inboundAddress = عنوان البريد الوارد
field-smtpHost = خادم SMTP
field-smtpPort = منفذ SMTP
field-smtpUsername = اسم مستخدم SMTP
field-accessToken = رمز الوصول
field-appSecret = سر التطبيق
field-verifyToken = رمز التحقق
field-authToken = رمز المصادقة
field-inboundSecret = سر البريد الوارد
field-smtpPassword = كلمة مرور SMTP
settings-saved-profile = حُفظ الملف الشخصي.
settings-saved-password = تغيّرت كلمة المرور، وسُجّل خروجك من أجهزتك الأخرى.
settings-saved-invited = أُرسلت الدعوة للمستخدم.
settings-saved-deactivated = أُوقف المستخدم.
settings-saved-activated = فُعّل المستخدم.
settings-saved-team = أُنشئ الفريق.
settings-saved-channel = حُفظ حساب القناة.
settings-error-invalid = تحقّق من «{ $name }»: القيمة غير صالحة.
settings-error-taken = «{ $name }» مستخدم من قبل.
settings-error-wrong-password = كلمة المرور الحالية غير صحيحة.
settings-error-weak-password = كلمة المرور الجديدة قصيرة: استخدم 10 أحرف على الأقل.
settings-error-rate-limited = محاولات كثيرة. حاول مجددًا بعد بضع دقائق.
settings-error-last-admin = يجب أن يبقى في الوكالة مدير نظام نشط واحد على الأقل.
settings-forbidden = هذا التغيير لمدير النظام فقط.

## walkthrough
lead-page-deals = الصفقات
lead-page-no-deals = لا صفقات بعد.
lead-page-deal-pipeline = افتح لوحة الصفقات
lead-page-new-deal = صفقة جديدة
lead-page-deal-listing = العقار
lead-page-deal-value = القيمة ({ $name })
lead-page-deal-stage = المرحلة
flash-deal-created = أُنشئت الصفقة.
flash-invalid-value = اكتب القيمة رقمًا، مثل 1850000.
inbox-open-lead = افتح صفحة العميل

## composer
# In the file messages, { $name } is a size such as “10 MB”.
inbox-reply-button = رد
inbox-reply-to-this = الرد على هذه الرسالة
inbox-replying-to = رداً على
inbox-reply-cancel = إلغاء الرد
inbox-subject = الموضوع
inbox-attach = إرفاق ملف
inbox-attach-photos = صور JPEG أو PNG حتى { $name }.
inbox-attach-files = ملفات PDF أو صوت حتى { $name }.
inbox-attach-any = صور أو PDF أو مستندات Office أو صوت، حتى { $name }.
inbox-error-file-too-large = الملف كبير جدًا: الحد الأقصى { $name }. لم يُرسل شيء.
inbox-error-file-type = لا يمكن إرسال هذا النوع من الملفات، أو أن محتواه لا يطابق نوعه. لم يُرسل شيء.
inbox-error-note-file = لا يمكن إرفاق ملف بملاحظة خاصة. لم يُحفظ شيء.
inbox-error-choose-again = اختر الملف مرة أخرى قبل الإرسال.
inbox-error-unreadable = تعذّرت قراءة النموذج. حاول مرة أخرى.

## time zone
settings-agency = الوكالة
settings-time-zone = المنطقة الزمنية
settings-time-zone-hint = تُعرض كل الأوقات في التطبيق بتوقيت هذه المنطقة، وتُحسب «اليوم» و«المتأخرة» و«هذا الأسبوع» بأيامها.
settings-time-zone-now = الوقت الآن في الوكالة:
settings-time-zones-common = الخليج والشرق الأوسط والمناطق الشائعة
settings-time-zones-all = كل المناطق الزمنية
settings-saved-agency = حُفظت إعدادات الوكالة.

## sessions and lists
pipeline-show-more = عرض المزيد
timeline-older = إدخالات أقدم

## settings
settings-new-channel = إضافة حساب قناة
settings-new-channel-kind = إضافة حساب { $name }
settings-new-channel-submit = إنشاء الحساب
settings-required = مطلوب
settings-webhooks = الإعداد لدى المزوّد
settings-webhook-whatsapp = رابط الاستدعاء (Callback URL)
settings-webhook-whatsapp-note = في تطبيق Meta: ‏WhatsApp ← Configuration ← Webhook. استخدم رمز التحقق لهذا الحساب (أو رمز الخادم) واشترك في حقل «messages»؛ تُوقَّع الرسائل بسرّ التطبيق.
settings-webhook-sms = الرسائل الواردة (HTTP POST)
settings-webhook-sms-note = في Twilio: خانة «A message comes in» للرقم. تُوقَّع الطلبات برمز المصادقة.
settings-webhook-sms-status = رابط حالات التسليم (HTTP POST)
settings-webhook-sms-status-note = يرسل Twilio حالات التسليم إلى هنا؛ اضبطه رابطًا لحالات خدمة الرسائل أو الرقم.
settings-webhook-email = البريد الوارد (MIME خام، HTTP POST)
settings-webhook-email-note = يمرّر مزوّد البريد كل رسالة بصيغة message/rfc822 مع الترويسة «Authorization: Bearer» متبوعة بالسرّ الوارد.
settings-webhook-no-public-url = ليس للخادم عنوان عام (server.public_url): تُرفض روابط SMS حتى يُضبط، والعناوين أدناه تستخدم مضيف هذه الصفحة.
settings-delete-channel = حذف هذا الحساب…
settings-delete-channel-confirm = أفهم أن محادثاته ورسائله ستُحذف أيضًا.
settings-delete-channel-submit = حذف الحساب
settings-templates = قوالب الرسائل
settings-templates-note = لا يسمح واتساب للنشاط التجاري ببدء محادثة أو الرد بعد 24 ساعة إلا بقالب معتمد لدى Meta. أدرج هنا القوالب المعتمدة التي يمكن لصندوق الوارد إرسالها، بأسمائها كما هي لدى Meta.
settings-no-templates = لا توجد قوالب بعد: خارج نافذة الـ24 ساعة لن يجد صندوق الوارد ما يرسله.
settings-template-name = الاسم
settings-template-name-hint = كما اعتُمد لدى Meta: حروف لاتينية صغيرة وأرقام و_.
settings-template-language = اللغة
settings-template-category = الفئة
settings-template-body = النص
settings-template-body-hint = النص المعتمد؛ اكتب {"{{1}}"}، {"{{2}}"}… في مواضع المعاملات.
settings-template-add = إضافة القالب
settings-template-remove = إزالة
settings-template-remove-named = إزالة { $name }
settings-template-params = { $count ->
    [zero] بلا معاملات
    [one] معامل واحد
    [two] معاملان
    [few] { $count } معاملات
    [many] { $count } معاملًا
   *[other] { $count } معامل
  }
template-category-MARKETING = تسويق
template-category-UTILITY = خدمي
template-category-AUTHENTICATION = مصادقة
settings-saved-channel-created = أُنشئ حساب القناة. اضبط العناوين أدناه لدى المزوّد.
settings-saved-channel-deleted = حُذف حساب القناة.
settings-saved-template-added = أُضيف القالب.
settings-saved-template-removed = أُزيل القالب.
settings-error-confirm-delete = ضع علامة التأكيد لحذف الحساب.
settings-error-template-name = اسم القالب لا يحوي إلا حروفًا لاتينية صغيرة وأرقامًا و_، ولا يتكرر.
settings-error-template-language = اختر لغة القالب.
settings-error-template-category = اختر فئة واحدة لكل قالب (نفسها في كل لغة).
settings-error-template-body = اكتب نص القالب.
settings-error-template-params = رقّم المعاملات {"{{1}}"}، {"{{2}}"}… دون فجوات، وبالعدد نفسه في كل لغة.
settings-error-template-exists = هذا القالب موجود بالفعل بهذه اللغة.
settings-error-link-unavailable = لا يمكن إنشاء رابط لهذا المستخدم (معطَّل، أو ليس من هذه الوكالة).
settings-link = رابط تعيين كلمة المرور
settings-link-for = رابط لـ{ $name }
settings-link-note = من يملك هذا الرابط يستطيع تعيين كلمة المرور والدخول باسم هذا المستخدم: أرسله إليه وحده. يعمل مرة واحدة، حتى { $name }.
settings-link-copy = نسخ
settings-link-copied = نُسخ
settings-link-make = رابط تعيين كلمة المرور
settings-link-make-named = إنشاء رابط تعيين كلمة المرور لـ{ $name }
invite-title = عيّن كلمة مرورك في { $agency }
invite-password = كلمة المرور الجديدة
invite-confirm = كلمة المرور مرة أخرى
invite-submit = تعيين كلمة المرور والدخول
invite-error-mismatch = كلمتا المرور مختلفتان.
invite-error-weak = كلمة المرور قصيرة جدًا: استخدم 10 أحرف على الأقل.
invite-invalid-title = هذا الرابط لا يعمل
invite-invalid = الرابط خاطئ أو منتهي الصلاحية أو استُخدم من قبل. اطلب رابطًا جديدًا من مدير وكالتك.
