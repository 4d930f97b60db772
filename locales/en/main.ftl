## Formats (chrono strftime patterns)
format-date = %A %-d %B %Y
format-time = %H:%M
# Between a label and its value ("Date: …"); French puts a no-break space before the colon.
format-colon = { ":" }

## Layout
skip-to-content = Skip to main content
language-switcher = Language
privacy-notice = Privacy notice
footer-tagline = Webinars of the network's member governments and partners.
breadcrumb = You are here
back-to-catalogue = Back to all webinars
optional = (optional)

## Languages
language-en = English
language-fr = French
language-es = Spanish
in-language-en = in English
in-language-fr = in French
in-language-es = in Spanish

## Catalogue
catalogue-title = Webinars
catalogue-intro = Sessions open to officials of member governments and partner organisations. Times are shown in each session's time zone.
catalogue-upcoming = Upcoming
catalogue-past = Past sessions
catalogue-none-upcoming = No upcoming sessions are announced yet.
demo-badge = Demo
demo-notice = Demo data drawn from a news item of the Metropolis network; times and links were chosen for the demonstration.
catalogue-none-past = No past sessions yet.

## Availability
availability-cancelled = Cancelled
availability-past = This session has taken place
availability-recording = Recording available
availability-waitlist = Full: you can join the waiting list
seats-left = { $count ->
    [one] { $count } seat left
   *[other] { $count } seats left
}
seats-left-of = { $count ->
    [one] { $count } of { $capacity } seats left
   *[other] { $count } of { $capacity } seats left
}
registration-closed = Registration is closed
registration-opens-on = Registration opens on { $date }

## Session page
session-cancelled = This session has been cancelled.
session-language = Language
session-when = Date and time
session-zone = Time zone: { $zone }
session-your-time = In your time zone:
session-duration = Duration
duration-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
session-seats = Seats
session-register = Register
session-about = About this session
session-panel = Speakers
session-documents = Documents
session-recording = Recording
session-watch-recording = Watch the recording
speaker-photo-alt = Photo of { $name }
role-host = Host
role-moderator = Moderator
role-keynote = Keynote
role-speaker = Speaker

## Registration form
register-title = Register: { $title }
register-heading = Register for this webinar
register-waitlist-note = This session is full. If you register, you join the waiting list and we email you as soon as a seat is yours.
register-submit = Register
field-name = Full name
field-email = Email address
field-email-hint = We send a link to this address to confirm your registration.
field-organisation = Your government or organisation
field-organisation-choose = Choose from the list
organisations-members = Member governments
organisations-partners = Partner organisations
field-organisation-other-option = My organisation is not in the list
field-organisation-other = Your organisation, if not in the list
field-organisation-other-hint = Only if you chose "My organisation is not in the list".
field-position = Position
field-country = Country
field-country-hint = Leave it empty if you chose your government or organisation from the list: we use its country.
field-language = Language for our emails
field-timezone = Your time zone
field-timezone-hint = For example Europe/Paris or America/Mexico_City. Our emails show the session time in your zone too.
field-needs = Accessibility or interpretation needs
field-needs-hint = Anything else that helps you take part, for example breaks or documents in advance.
field-honeypot = Leave this field empty
field-consent = I agree that my details are used to manage my registration to this webinar, as described in the
field-newsletter = Send me the network's newsletter

## Validation
error-summary-title = There is a problem
error-title-prefix = Error:
error-prefix = Error:
error-name-required = Enter your full name
error-email-required = Enter your email address
error-email = Enter an email address in the correct format, like name@city.gov
error-organisation-required = Choose your government or organisation, or "My organisation is not in the list"
error-organisation-other-required = Enter the name of your organisation
error-organisation-unknown = Choose an organisation from the list
error-country-required = Enter your country
error-language = Choose English, French or Spanish
error-timezone = Enter a time zone from the list, like Europe/Paris, or leave it empty
error-too-long = { $max ->
    [one] Use at most { $max } character
   *[other] Use at most { $max } characters
}
error-consent = Tick the box to agree to the use of your details, or we cannot register you
error-too-many-registrations = Too many registrations have come from your network in the last hour. Your answers are kept below: please try again later.
error-form-expired = Your form had expired, so it was not sent. Check your answers below and press Register again.

## After registering
received-title = Check your email
received-body = We have sent you an email to confirm your registration to "{ $title }". Open it and follow the link: your registration counts only once it is confirmed.
received-earlier = We sent you the email to confirm your registration to "{ $title }" a few minutes ago, and its link still works: nothing more was sent. Open that email and follow the link.
confirm-page-title = Confirm your registration
confirm-page-body = One step left: press the button to confirm your registration to "{ $title }".
confirm-page-done-title = Your address is already confirmed
confirm-page-done-body = Your registration to "{ $title }" is already confirmed.
confirm-page-open = Open my registration
calendar-no-seat-title = No calendar entry yet
calendar-no-seat-body = A calendar entry comes with a seat. You will receive the invitation by email as soon as you have one.
received-spam = If nothing arrives within a few minutes, look in your spam folder. You can also register again with the same address: we will send the link again.
link-invalid-title = This link does not work
link-invalid-body = It may have expired or been copied incompletely. Open the most recent email we sent you, or register again to get a new link.
confirm-session-unavailable = This session has been cancelled or has already started, so the registration could not be confirmed.

## Manage page
manage-title = Your registration
manage-your-time = In your time zone: { $time }
manage-join = Join the webinar
manage-calendar = Add to my calendar (.ics)
manage-details = Your details
manage-cancel-explain = If you can no longer attend, cancel your registration so that someone on the waiting list gets your seat.
manage-cancel = Cancel my registration
manage-back-to-session = Back to the session
status-pending = Waiting for your confirmation: follow the link in our email.
status-awaiting_approval = Your address is confirmed. The organisers review each registration to this webinar: we will email you their answer.
status-declined = The organisers could not offer you a seat at this webinar.
flash-awaiting = Thank you: your address is confirmed. The organisers will review your registration and email you.
email-awaiting-subject = Registration received: { $title }
email-awaiting-body = Thank you for confirming your address. The organisers review each registration to this webinar; we will email you as soon as they have decided.
email-declined-subject = Registration not accepted: { $title }
email-declined-body = We are sorry: the organisers could not offer you a seat at this webinar. You will find other webinars of the network on our site.
status-confirmed = You are registered: your seat is confirmed.
status-waitlisted = You are on the waiting list. We will email you as soon as a seat is yours.
status-erased = Your data has been erased.
status-cancelled = Your registration is cancelled.
flash-confirmed = Thank you: your registration is confirmed. We have sent you an email with the calendar invitation.
flash-waitlisted = Thank you for confirming. The session is full, so you are on the waiting list.
flash-unchanged = Your registration was already confirmed: nothing has changed.
flash-cancelled = Your registration has been cancelled. We have sent you a confirmation by email.

## Privacy notice
privacy-version = Version { $version }
privacy-what = When you register for a webinar we keep your name, email address, organisation, position, country, preferred language and time zone, the language you will follow the session in, whether you need sign-language interpretation or live captions, any other accessibility or interpretation needs you tell us, your answers to the questions the organisers ask on the form, and when you agreed to this notice.
privacy-why = We use them to manage your registration: to confirm it, send you the joining link, reminders, changes, the organisers' announcements about the webinar and the recording (each reminder and announcement has a link that stops them), and to report how many members took part. Organisers of the network's secretariat can see them.
privacy-newsletter = We send you the newsletter only if you ticked that box; you can stop it at any time.
privacy-control = The link in each of our emails (your manage link) shows what we hold about you and lets you download it, change your details and choices, cancel your registration or erase your data at once; a new email address is used only once you confirm it from that mailbox, and the old one is then told.
privacy-retention = Your registration details are removed { $count } days after the webinar; we keep only anonymous counts of participation by member organisation and country.

## Emails
email-hello = Hello { $name },
email-hello-neutral = Hello,
email-confirm-subject = Please confirm your registration: { $title }
email-confirm-body = Thank you for registering. Please confirm that this is your email address by following the link below: your registration counts only once it is confirmed.
email-confirm-ignore = If you did not ask to register, ignore this message: nothing happens without your confirmation.
email-confirm-action = Confirm my registration
email-already-subject = You are already registered: { $title }
email-already-body = Someone, probably you, asked to register again with this email address. Nothing has changed. { $status }
email-registered-subject = You are registered: { $title }
email-registered-body = Your seat is confirmed. The link to join is below; please keep this email.
email-calendar-invitation = This email is also your calendar invitation: your mail or calendar program can add the session to your calendar (a copy is attached as invite.ics). Accepting or declining it there changes nothing in your registration: to cancel, use "View or cancel my registration" in this email.
email-calendar-removed = This email also removes the session from your calendar.
email-promoted-subject = A seat is yours: { $title }
email-promoted-body = Good news: a seat has become free and it is now yours. The link to join is below.
email-waitlisted-subject = You are on the waiting list: { $title }
email-waitlisted-body = Thank you for confirming. The session is full, so you are on the waiting list. If a seat becomes free we give it to the next person on the list and email you at once.
email-cancelled-subject = Registration cancelled: { $title }
email-cancelled-body = Your registration has been cancelled. If this is a mistake, you can register again while registration is open.
email-session-label = Webinar
email-when-label = When
email-your-time-label = In your time zone
email-join-label = Join
email-details-label = Details
email-manage-label = Manage your registration
email-manage-action = View or cancel my registration
email-online = Online
email-footer-manage = See, change or cancel your registration: { $link }
email-footer-why = You receive this email because this address was used to register for a webinar.

## Error pages
error-not-found-title = Page not found
error-not-found = The page you asked for does not exist. It may have moved, or the address may be mistyped.
error-forbidden-title = Not allowed
error-forbidden = This action was refused. If you were sending a form, go back, reload the page and try again.
error-bad-request-title = Something was wrong with the request
error-bad-request = The request could not be understood. Go back and try again.
error-too-large = What you sent is too large.
error-too-many-title = Too many requests
error-too-many = Please wait a moment before trying again.
error-unavailable-title = Temporarily unavailable
error-unavailable = The service is busy or under maintenance. Please try again in a few minutes.
error-internal-title = Something went wrong
error-internal = An unexpected error occurred on our side. It has been recorded; please try again later.

## Email engine
time-in-days = { $count ->
    [one] in { $count } day
   *[other] in { $count } days
}
time-in-hours = { $count ->
    [one] in { $count } hour
   *[other] in { $count } hours
}
time-in-minutes = { $count ->
    [one] in { $count } minute
   *[other] in { $count } minutes
}
email-reminder-subject = Reminder: { $title } starts { $when }
email-reminder-body = This is a reminder: "{ $title }" starts { $when }. The link to join is below.
email-footer-reminders-off = Stop reminders for this webinar: { $link }
email-updated-subject = New time: { $title }
email-updated-body = The time of this webinar has changed. The new date and time are below.
email-updated-calendar = This email also updates the session in your calendar.
email-changed-subject = Updated: { $title }
email-changed-body = The details of this webinar have changed. The title and the joining information, as they are now, are below.
email-session-cancelled-subject = Cancelled: { $title }
email-session-cancelled-body = We are sorry: this webinar has been cancelled. Your registration ends with it.
calendar-replies-note = Replies from your calendar (accept, decline) change nothing in your registration. To cancel it, use the link in your registration email.
calendar-cancelled-note = Cancelled: this session is no longer in your calendar.
email-catalogue-action = See the webinars
email-follow-up-subject = Recording and documents: { $title }
email-follow-up-attended = Thank you for taking part. The recording and the documents of the webinar are below.
email-follow-up-absent = We missed you at the webinar. You can watch the recording and read the documents below.
email-follow-up-body = The recording and the documents of the webinar are now available below.
manage-reminders-on = We send you reminders before the webinar.
manage-reminders-off = You have stopped reminders for this webinar.
manage-reminders-stop = Stop reminders
manage-reminders-start = Send me reminders again
reminders-off-title = Stop reminders
reminders-off-body = Stop the reminder emails for "{ $title }"? You stay registered, and we still tell you if the webinar changes.
reminders-off-confirm = Stop reminders
flash-reminders-off = Reminders stopped. You are still registered.
flash-reminders-on = Reminders are on again.

## Privacy: a person's own data
privacy-your-data = Your data
privacy-download = Download what we hold about you (JSON)
privacy-erase-explain = You can erase your details at any time. Your registration ends, and we keep only anonymous counts (which organisation and country took part).
privacy-erase-confirm = I understand that this cannot be undone
privacy-erase = Erase my data
flash-erase-unconfirmed = To erase your data, tick the box to confirm, then press the button again.
erased-title = Your data has been erased
erased-body = We no longer hold your name, email address or other details for this webinar, and the links in our emails no longer work.

# Consent per purpose
field-listed = List my name and organisation among the participants on the session page
manage-choices = Your choices
manage-choices-save = Save my choices
flash-choices-saved = Your choices are saved.
privacy-purposes = What you agree to
privacy-purpose-registration = Your registration (required): we use your details to run it, as described above.
privacy-purpose-listed = Being listed (optional): if you tick that box, your name and organisation appear among the participants on the session's public page. You can withdraw at any time from your manage link.
privacy-consent-record = We record each consent and withdrawal with the time and the version of this notice you were shown; the download from your manage link includes that record.
session-participants = Participants
session-participants-explain = Registered participants who chose to be listed.
session-content-fallback = This text is not available in your language; it is shown { $language }.

## Announcements: stopping and restarting them
email-footer-announcements-off = Stop the organisers' announcements for this webinar: { $link }
manage-announcements-on = The organisers may send you announcements about this webinar.
manage-announcements-off = You have stopped the organisers' announcements for this webinar.
manage-announcements-stop = Stop announcements
manage-announcements-start = Send me announcements again
announcements-off-title = Stop announcements
announcements-off-body = Stop the organisers' announcements for "{ $title }"? You stay registered, and we still send you the confirmation, reminders and any change to the webinar.
announcements-off-confirm = Stop announcements
privacy-organiser-security = Organisers' accounts: each signed-in session keeps when it began and was last used, the browser's name and the address it came from, shown to the organiser on their own list and removed when the session ends or expires; the security log keeps sign-ins, failed attempts and account changes with the organiser's email and the address of the sign-in, for administrators. Registrants' addresses are never kept there. A password reset link is stored only as a hash, works once for 30 minutes, and is deleted once expired or when the account goes.

# convoca mail-test
email-test-subject = Convoca test message
email-test-body = This message was queued by `convoca mail-test` and sent by the email worker of { $link }: mail from this instance reaches this mailbox.


# The privacy notice, generated from the settings
privacy-who = Who is responsible
privacy-controller = The data controller is { $name }.
privacy-contact = Questions and requests about your data:
privacy-how-long = How long we keep what
privacy-retention-kept = Your registration details are kept until you erase them: this service is set up to keep them, with no automatic removal. Anonymous counts of participation by member organisation and country are kept in any case.
privacy-retention-newsletter = If you asked for the newsletter, we keep only your address, name, language and when you agreed (with the version of this notice) until you withdraw, also after your registration details are removed.
privacy-retention-mail = Copies of the emails we send you are deleted { $count } days after sending.
privacy-retention-mail-kept = Copies of the emails we send you are kept until your data is erased.
privacy-retention-logs = The record of what organisers did with your registration, and the delivery record of our emails to you, stop naming you when your data is erased or removed.
privacy-rights-title = Your rights and how to use them
privacy-rights = You may see the data we hold about you and download it, have it corrected, withdraw any consent, object to its use and have it erased; you may also complain to your data protection authority.
privacy-rights-contact = For anything else (all your registrations at once, a lost link, a correction), write to:


## Countries, time zones, changing one's details (self-service)
field-country-choose = Choose a country
error-country-unknown = Choose a country from the list
field-timezone-pick-hint = Pick your zone among these, or search for another one below. Our emails show the session time in your zone too.
field-timezone-none = No time zone (show times in the session's zone)
field-timezone-search = Search another time zone
field-timezone-search-hint = A city or region, for example Nairobi or Buenos Aires
field-timezone-search-button = Find time zones
timezone-search-found = { $count ->
    [one] One zone found: it is now in the list above.
   *[other] { $count } zones found: they are now in the list above.
}
timezone-search-none = No time zone matches this search. Try the name of a large city near you.
details-title = Change your details
details-explain = Your seat and your registration's status do not change. A new email address is used only once you confirm it from that mailbox.
details-email-hint = If you change it, we send a link to the new address; until you follow it, we keep writing to the current one.
details-submit = Save my details
details-pending-email = A link was sent to { $email }: the address changes when you follow it.
manage-details-change = Change your details
error-email-taken = This address is already registered for this webinar
flash-details-saved = Your details are saved.
flash-details-email-pending = Your details are saved. We sent a link to your new address: follow it to use that address.
flash-details-unchanged = Nothing changed.
flash-email-changed = Your new email address is confirmed: we write to it from now on.
flash-email-taken = This address was registered for this webinar in the meantime: your address did not change.
email-change-title = Confirm your new email address
email-change-body = Confirm that this mailbox is yours: we will then use it for your registration to { $title }.
email-change-button = Confirm this address
email-details-changed-subject = Your details were changed: { $title }
email-details-changed-body = The details of your registration were changed from your manage link. Your seat and your registration's status are unchanged.
email-details-changed-not-you = If you did not make this change, open your registration with the button below and correct it.
email-change-request-subject = Confirm your new email address: { $title }
email-change-request-body = Someone asked to use this address for a registration to this webinar. Follow the link below to confirm that this mailbox is yours.
email-change-request-ignore = If you did not ask for this, ignore this message: nothing changes without your confirmation.
email-change-request-action = Confirm this address
email-address-changed-subject = Your email address was changed: { $title }
email-address-changed-body = Your registration now uses another email address, confirmed from that mailbox. We will not write to this address about it again.
email-address-changed-not-you = If you did not ask for this, reply to this message so that the organisers can help.

# Organiser password reset
email-password-reset-subject = Reset your Convoca password
email-password-reset-body = Someone (we hope you) asked to reset the password of your organiser account. The button below lets you choose a new one; it works once, for { $minutes } minutes.
email-password-reset-ignore = If you did not ask for this, ignore this message: your password stays as it is.
email-password-reset-action = Choose a new password
reset-link-again-body = Password reset links work once, for 30 minutes, and a newer link ends the older ones. Ask for a new one.
reset-link-again = Ask for a new link

privacy-bounces = If our mail to your address fails, we note the mail server's answer with your registration so that organisers can correct the address. If it bounces for good, we keep the address and that answer on a list so that no more mail is sent to it, until an organiser clears it, your data is erased, or the time registrations are kept has passed.

# The privacy notice (public).
privacy-retention-attendance-files = When organisers upload the video platform's attendance list of a webinar, the file is deleted as soon as it is recorded; lines of it that matched no confirmed registration (an address with a line number) are kept { $count } days for the organisers to check, and those naming you go when your data is erased. Lists of registrants that organisers export in the background are deleted { $count } days after they were made.
