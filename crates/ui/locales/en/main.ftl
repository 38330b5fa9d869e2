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

# Inbox
inbox-title = Inbox
inbox-conversations = Conversations
inbox-filter-mine = Mine
inbox-filter-unassigned = Unassigned
inbox-filter-team = My team
inbox-filter-all = All
inbox-no-conversations = No conversations here.
inbox-more-conversations = More conversations
inbox-unread = { $count ->
    [0] No unread messages
    [one] { $count } unread message
   *[other] { $count } unread messages
  }
inbox-messages = Messages
inbox-no-messages = No messages yet.
inbox-pick = Choose a conversation from the list.
inbox-load-older = Load older messages
inbox-private-note = Private note
inbox-add-note = Add a private note
inbox-media-pending = The file is still being downloaded…
inbox-possible-duplicate = This message may have arrived twice.
inbox-status-queued = Waiting to be sent
inbox-status-sent = Sent
inbox-status-delivered = Delivered
inbox-status-read = Read
inbox-status-failed = Not sent
inbox-reply = Reply
inbox-message = Message
inbox-message-hint = Write a reply…
inbox-send = Send
inbox-template = Approved template
inbox-send-template = Send template
inbox-no-templates = No templates are set up for this WhatsApp number: an admin can add them to the channel.
inbox-window-hours = { $count ->
    [one] Free replies for { $count } more hour
   *[other] Free replies for { $count } more hours
  }
inbox-window-minutes = { $count ->
    [one] Free replies for { $count } more minute
   *[other] Free replies for { $count } more minutes
  }
inbox-window-closed = The customer's 24-hour window is closed: only approved templates can be sent.
inbox-live-lost = Connection lost. Reconnecting…
inbox-live-catching-up = Catching up on missed messages…
inbox-error-network = The message was not sent: there is no connection. Try again.
inbox-error-required = Write a message first.
inbox-template-label = Template: { $name }
inbox-file = File
inbox-kind-IMAGE = Photo
inbox-kind-AUDIO = Audio
inbox-kind-VIDEO = Video
inbox-kind-DOCUMENT = Document
inbox-kind-STICKER = Sticker
inbox-kind-LOCATION = Location
inbox-kind-CONTACTS = Contact card
inbox-kind-INTERACTIVE = Button reply
inbox-kind-REACTION = Reaction
inbox-kind-UNSUPPORTED = This kind of message cannot be shown here.
channel-WHATSAPP = WhatsApp
channel-SMS = SMS
channel-EMAIL = E-mail

# Lead page, listings, pipeline (pages/lead.rs, listings.rs, listing.rs, pipeline.rs)
lead-page-profile = Profile
lead-page-lost-reason = Lost reason
lead-page-change-status = Status
lead-page-lost-reason-if-lost = Lost reason (when lost)
lead-page-save-status = Change status
lead-page-assign-to = Assign to
lead-page-requirements = Requirements
lead-page-no-requirements = No requirements recorded yet.
lead-page-timeline = Timeline
lead-page-timeline-empty = Nothing has happened with this lead yet.
lead-page-done = Done
lead-page-due = Due
lead-page-quick-actions = Quick actions
lead-page-times-zone = Times are in the agency's time zone: { $name }.
lead-page-log-call = Log a call
lead-page-call-summary = What was said
lead-page-details = Details
lead-page-add-task = Add a task
lead-page-task-title = Task
lead-page-schedule-viewing = Schedule a viewing
lead-page-viewing-title = Viewing
lead-page-viewing-when = Date and time
lead-page-viewing-listing = Listing
lead-page-no-listing = No listing
lead-page-matches = Matching listings
lead-page-no-matches = No available listing fits yet.
match-score = { $count }% match
req-types = Property types
req-communities = Communities
req-bedrooms = Bedrooms (at least)
timeline-CALL = Call
timeline-TASK = Task
timeline-VIEWING = Viewing
timeline-NOTE = Note
timeline-MEETING = Meeting
timeline-status = Status changed
timeline-arrow = →
timeline-in = received
timeline-out = sent
timeline-private-note = private note
timeline-attachment = (attachment)
flash-status-changed = Status changed.
flash-assigned = Lead assigned.
flash-activity-added = Added to the timeline.
flash-deal-moved = Deal moved.
flash-lost-reason-required = A lost lead needs a reason.
flash-lost-reason-not-allowed = A reason is only kept for lost leads: clear it first.
flash-forbidden = You are not allowed to make this change.
flash-invalid-assignee = Choose an active user of the agency.
flash-title-required = Write a title first.
flash-invalid-date = The date is not valid.
flash-invalid-listing = That listing cannot be used.
flash-closed-final = This deal is closed: only a manager or an admin can move it again.
flash-invalid-stage = Choose a stage.
flash-invalid = Some of the input is not valid.

listings-title = Listings
listings-search-hint = Reference, title, city…
listings-on-page = { $count ->
    [0] No listings match.
    [one] Showing { $count } listing.
   *[other] Showing { $count } listings.
  }
listing-title = Title
listing-reference = Reference
listing-type = Type
listing-purpose = Purpose
listing-city = City
listing-community = Community
listing-bedrooms = Bedrooms
listing-bathrooms = Bathrooms
listing-area = Area
listing-area-value = { $name } m²
listing-price = Price
listing-agent = Listing agent
listing-owner = Owner
listing-owner-phone = Owner's phone
listing-photos = Photos
listing-no-photos = No photos yet.
listing-photo-alt = Photo of { $name }
listing-details = Details
listing-permit = Permit number
listing-permit-expiry = Permit expires
listing-matches = Matching leads
listing-no-matches = No open lead fits this listing yet.
listing-text-ar = Arabic
listing-text-en = English
permit-expired = The advertising permit has expired: renew it before advertising this listing.
permit-expires-soon = { $count ->
    [0] The advertising permit expires today.
    [one] The advertising permit expires tomorrow.
   *[other] The advertising permit expires in { $count } days.
  }
purpose-SALE = For sale
purpose-RENT = For rent
ptype-APARTMENT = Apartment
ptype-VILLA = Villa
ptype-TOWNHOUSE = Townhouse
ptype-PENTHOUSE = Penthouse
ptype-OFFICE = Office
ptype-SHOP = Shop
ptype-WAREHOUSE = Warehouse
ptype-LAND = Land
listing-status-DRAFT = Draft
listing-status-AVAILABLE = Available
listing-status-RESERVED = Reserved
listing-status-SOLD = Sold
listing-status-RENTED = Rented
listing-status-WITHDRAWN = Withdrawn

pipeline-title = Pipeline
pipeline-help = Drag a deal to another stage, or choose the stage in its menu and press Move.
pipeline-hidden-lead = A lead you cannot see
pipeline-closed-final = Closed: final for agents.
pipeline-move-to = Stage
pipeline-move = Move
pipeline-empty-stage = No deals.
deals-count = { $count ->
    [0] no deals
    [one] { $count } deal
   *[other] { $count } deals
  }
stage-OFFER = Offer
stage-RESERVATION = Reservation
stage-CONTRACT = Contract
stage-CLOSED_WON = Won
stage-CLOSED_LOST = Lost

# Dashboard, tasks and viewings, settings (pages/dashboard.rs, tasks.rs, settings.rs)
dashboard-title = Dashboard
dashboard-scope-ADMIN = Counted over the whole agency.
dashboard-scope-MANAGER = Counted over your team's leads and deals, and the unassigned leads.
dashboard-scope-AGENT = Counted over your own leads and deals.
stat-new-today = New leads today
stat-new-week = New leads in the last 7 days
chart-sources = Leads by source
chart-funnel = Deals by stage
chart-response = Median time to first response, per agent (leads of the last 30 days)
chart-listings = Listings by status
chart-no-data = Nothing to show yet.
duration-under-minute = under a minute
duration-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
  }
duration-hours = { $count ->
    [one] { $count } hour
   *[other] { $count } hours
  }
duration-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
  }

tasks-title = Tasks & viewings
tasks-scope = Show
tasks-scope-all = Everything I may see
tasks-scope-mine = Assigned to me
tasks-overdue = Overdue
tasks-today = Today
tasks-upcoming = Next 14 days
tasks-count = { $count ->
    [0] none
    [one] { $count } item
   *[other] { $count } items
  }
tasks-none-overdue = Nothing is overdue.
tasks-none-today = Nothing is due today.
tasks-none-upcoming = Nothing is due in the next 14 days.
tasks-more = More are due than listed: the first 100 are shown.
tasks-lead-hidden = A lead you cannot see
tasks-done = Mark done
tasks-reopen = Reopen
tasks-done-named = Mark “{ $name }” done
tasks-reopen-named = Reopen “{ $name }”
tasks-times-zone = Times are in the agency's time zone: { $name }.
activity-TASK = Task
activity-VIEWING = Viewing
tasks-flash-done = Marked done.
tasks-flash-reopened = Open again.
tasks-forbidden = You may not change this task.

save = Save
settings-title = Settings
settings-profile = Your profile
settings-name = Name
settings-language = Interface language
settings-current-password = Current password
settings-new-password = New password
settings-password-hint = At least 10 characters. Your other devices will be signed out.
settings-change-password = Change password
settings-users = Users
settings-role = Role
settings-team = Team
settings-active = Active
settings-inactive = Deactivated
settings-deactivate = Deactivate
settings-activate = Activate
settings-deactivate-named = Deactivate { $name }
settings-activate-named = Activate { $name }
settings-invite = Invite a user
settings-invite-submit = Invite
settings-no-team = No team
settings-teams = Teams
settings-no-teams = No teams yet.
settings-no-manager = No manager
settings-team-name = Team name
settings-team-manager = Manager
settings-team-create = Create the team
settings-members = { $count ->
    [0] no members
    [one] { $count } member
   *[other] { $count } members
  }
settings-channels = Channel accounts
settings-no-channels = No channel accounts yet.
settings-secrets-note = A saved secret is never shown again: each says only whether it is set.
settings-secret-keep = Leave a secret empty to keep the stored one.
settings-secret-set = set
settings-secret-not-set = not set
settings-sandbox = sandbox
settings-channel-name = Name
field-address = Number or address customers see
field-phoneNumberId = Phone number ID
field-wabaId = WhatsApp Business Account ID
field-smsAccountSid = Account SID
field-inboundAddress = Inbound address
field-smtpHost = SMTP host
field-smtpPort = SMTP port
field-smtpUsername = SMTP user name
field-accessToken = Access token
field-appSecret = App secret
field-verifyToken = Verify token
field-authToken = Auth token
field-inboundSecret = Inbound secret
field-smtpPassword = SMTP password
settings-saved-profile = Profile saved.
settings-saved-password = Password changed. Your other devices were signed out.
settings-saved-invited = User invited.
settings-saved-deactivated = User deactivated.
settings-saved-activated = User activated.
settings-saved-team = Team created.
settings-saved-channel = Channel account saved.
settings-error-invalid = Check “{ $name }”: the value is not valid.
settings-error-taken = “{ $name }” is already used.
settings-error-wrong-password = The current password is wrong.
settings-error-weak-password = The new password is too short: use at least 10 characters.
settings-error-rate-limited = Too many attempts. Try again in a few minutes.
settings-error-last-admin = The agency must keep at least one active admin.
settings-forbidden = Only an admin may make this change.

## walkthrough
lead-page-deals = Deals
lead-page-no-deals = No deals yet.
lead-page-deal-pipeline = Open the pipeline
lead-page-new-deal = New deal
lead-page-deal-listing = Listing
lead-page-deal-value = Value ({ $name })
lead-page-deal-stage = Stage
flash-deal-created = Deal created.
flash-invalid-value = Write the value as a number, such as 1850000.
inbox-open-lead = Open the lead

## composer
# In the file messages, { $name } is a size such as “10 MB”.
inbox-reply-button = Reply
inbox-reply-to-this = Reply to this message
inbox-replying-to = Replying to
inbox-reply-cancel = Cancel reply
inbox-subject = Subject
inbox-attach = Attach a file
inbox-attach-photos = JPEG or PNG photos up to { $name }.
inbox-attach-files = PDF or audio up to { $name }.
inbox-attach-any = Photos, PDF, Office documents or audio, up to { $name }.
inbox-error-file-too-large = The file is too large: at most { $name }. Nothing was sent.
inbox-error-file-type = This type of file cannot be sent, or its content does not match its type. Nothing was sent.
inbox-error-note-file = A private note cannot carry a file. Nothing was saved.
inbox-error-choose-again = Choose the file again before sending.
inbox-error-unreadable = The form could not be read. Try again.

## time zone
settings-agency = Agency
settings-time-zone = Time zone
settings-time-zone-hint = Every time in the app is shown in this zone, and “today”, “overdue” and “this week” follow its days.
settings-time-zone-now = The agency's clock now:
settings-time-zones-common = Gulf, Middle East and common
settings-time-zones-all = All time zones
settings-saved-agency = Agency settings saved.

## sessions and lists
pipeline-show-more = Show more
timeline-older = Older entries

## settings
settings-new-channel = Add a channel account
settings-new-channel-kind = Add a { $name } account
settings-new-channel-submit = Create the account
settings-required = required
settings-webhooks = Set up at the provider
settings-webhook-whatsapp = Callback URL
settings-webhook-whatsapp-note = In your Meta app: WhatsApp → Configuration → Webhook. Use this account's verify token (or the server's) and subscribe to the “messages” field; deliveries are signed with the app secret.
settings-webhook-sms = Incoming messages (HTTP POST)
settings-webhook-sms-note = In Twilio: the number's “A message comes in” webhook. Requests are signed with the auth token.
settings-webhook-sms-status = Status callback (HTTP POST)
settings-webhook-sms-status-note = Twilio posts delivery statuses here; set it as the messaging service's or the number's status callback.
settings-webhook-email = Inbound mail (raw MIME, HTTP POST)
settings-webhook-email-note = Your mail provider forwards each message as message/rfc822 with the header “Authorization: Bearer” followed by the inbound secret.
settings-webhook-no-public-url = The server has no public address (server.public_url): SMS webhooks are refused until it is set, and the addresses below use this page's host.
settings-delete-channel = Delete this account…
settings-delete-channel-confirm = I understand that its conversations and messages are deleted too.
settings-delete-channel-submit = Delete the account
settings-templates = Message templates
settings-templates-note = WhatsApp only lets a business start a conversation, or answer after 24 hours, with a template approved at Meta. List here the approved ones the inbox may send, exactly as named at Meta.
settings-no-templates = No templates yet: outside the 24-hour window the inbox has nothing to send.
settings-template-name = Name
settings-template-name-hint = As approved at Meta: lower-case letters, digits and _.
settings-template-language = Language
settings-template-category = Category
settings-template-body = Text
settings-template-body-hint = The approved text; write {"{{1}}"}, {"{{2}}"}… where the parameters go.
settings-template-add = Add the template
settings-template-remove = Remove
settings-template-remove-named = Remove { $name }
settings-template-params = { $count ->
    [0] no parameters
    [one] { $count } parameter
   *[other] { $count } parameters
  }
template-category-MARKETING = Marketing
template-category-UTILITY = Utility
template-category-AUTHENTICATION = Authentication
settings-saved-channel-created = Channel account created. Set up the addresses below at the provider.
settings-saved-channel-deleted = Channel account deleted.
settings-saved-template-added = Template added.
settings-saved-template-removed = Template removed.
settings-error-confirm-delete = Tick the confirmation to delete the account.
settings-error-template-name = The template name may only hold lower-case letters, digits and _, and must not be listed twice.
settings-error-template-language = Choose the template's language.
settings-error-template-category = Choose one category per template (the same in every language).
settings-error-template-body = Write the template's text.
settings-error-template-params = Number the parameters {"{{1}}"}, {"{{2}}"}… without gaps, and use as many in every language.
settings-error-template-exists = This template already exists in this language.
settings-error-link-unavailable = No link can be made for this user (deactivated, or not of this agency).
settings-link = Set-password link
settings-link-for = Link for { $name }
settings-link-note = Anyone with this link can set the password and sign in as this user: send it to them only. It works once, until { $name }.
settings-link-copy = Copy
settings-link-copied = Copied
settings-link-make = Set-password link
settings-link-make-named = Make a set-password link for { $name }
invite-title = Set your password for { $agency }
invite-password = New password
invite-confirm = The password again
invite-submit = Set the password and sign in
invite-error-mismatch = The two passwords differ.
invite-error-weak = The password is too short: use at least 10 characters.
invite-invalid-title = This link does not work
invite-invalid = The link is wrong, has expired or has already been used. Ask your agency's admin for a new one.
