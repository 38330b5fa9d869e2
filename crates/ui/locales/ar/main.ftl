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
