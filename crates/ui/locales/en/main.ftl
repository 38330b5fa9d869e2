# Manzil web UI — English. Every message here has its Arabic twin in ../ar/main.ftl (a test checks).

skip-to-content = Skip to content
switch-language = العربية
sign-out = Sign out
nav-label = Main
nav-dashboard = Dashboard
nav-inbox = Inbox
nav-leads = Leads
nav-listings = Listings
nav-pipeline = Pipeline
nav-tasks = Tasks & viewings
nav-settings = Settings
role-ADMIN = Admin
role-MANAGER = Manager
role-AGENT = Agent

login-title = Sign in to { $agency }
login-email = E-mail
login-password = Password
login-submit = Sign in
login-failed = Wrong e-mail or password.
login-rate-limited = Too many attempts. Try again in a few minutes.
login-error = Signing in failed. Try again.
session-expired = Your session ended. Sign in again.

leads-title = Leads
search = Search
leads-search-hint = Name, phone, e-mail…
lead-status = Status
lead-source = Source
lead-assignee = Assignee
any = Any
apply = Apply
columns = Columns
columns-save = Show these columns
bulk-assign-to = Assign selected to
bulk-assign = Assign
select-all = Select all
select-lead = Select { $name }
actions = Actions
open = Open
first-page = First page
next-page = Next
pages = Pages
leads-count = { $count ->
    [0] No leads
    [one] { $count } lead
   *[other] { $count } leads
  }
leads-on-page = { $count ->
    [0] No leads match.
    [one] Showing { $count } lead.
   *[other] Showing { $count } leads.
  }
bulk-assigned = { $count ->
    [0] No lead was assigned.
    [one] { $count } lead assigned.
   *[other] { $count } leads assigned.
  }
bulk-none-selected = Select at least one lead first.
assignee-mine = My leads
assignee-unassigned = Unassigned
assignee-all = Everyone's
unassigned = Unassigned

col-name = Name
col-phone = Phone
col-email = E-mail
col-status = Status
col-source = Source
col-assignee = Assignee
col-budget = Budget
col-intent = Intent
col-cities = Cities
col-language = Language
col-created = Created
col-updated = Updated

status-NEW = New
status-CONTACTED = Contacted
status-QUALIFIED = Qualified
status-VIEWING = Viewing
status-NEGOTIATION = Negotiation
status-WON = Won
status-LOST = Lost

source-PROPERTY_FINDER = Property Finder
source-BAYUT = Bayut
source-DUBIZZLE = Dubizzle
source-WEBSITE = Website
source-WHATSAPP = WhatsApp
source-REFERRAL = Referral
source-WALK_IN = Walk-in
source-OTHER = Other

intent-SALE = Buy
intent-RENT = Rent
language-ar = Arabic
language-en = English

error-not-found = This page does not exist, or you may not see it.
error-server = Something went wrong on our side. Try again.
coming-soon = This page is being built.
