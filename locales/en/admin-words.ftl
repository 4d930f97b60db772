# Words for organisers (helper `words`): organiser pages name registrants in the third person.

## A cancelled session's page
admin-hub-cancelled-told = { $count ->
    [one] One registrant is told of the cancellation by email.
   *[other] { $count } registrants are told of the cancellation by email.
}
admin-hub-cancelled-sent = cancellation emails sent
admin-hub-cancelled-queued = still to be sent
admin-hub-cancelled-failed = could not be delivered

## Administrators' pages refused to other organisers
admin-forbidden-title = This page is for administrators
admin-forbidden = Only administrators can open this page or do this. Ask an administrator if it is needed.
admin-forbidden-back = Back to the sessions

## A registration seen by an organiser
admin-person-email = Email address
admin-person-organisation = Government or organisation
admin-person-position = Position
admin-person-country = Country
admin-person-language = Language of the emails sent to them
admin-person-timezone = Their time zone
admin-person-needs = Accessibility or interpretation needs
admin-person-newsletter = Asked for the network's newsletter
admin-consent-given = Consent given on { $date } (privacy notice of { $version })

## Labels of the organiser area
admin-session-when = Date and time
admin-session-documents = Documents
admin-account-name = Full name
admin-account-email = Email address

## Attendance
admin-import-error-not-started = The session has not started yet: attendance can be imported once it has begun.

## Speakers from a panel
admin-speaker-back-to-panel = Back to the panel
admin-flash-speaker-ready = The speaker is in the directory and chosen below: add them to the panel.

## Removing the demo data
admin-demo-title = Remove the demo data
admin-demo-present = The list holds the demo sessions loaded at installation.
admin-demo-none = There is no demo data left.
admin-demo-explain = This removes, for good, the demonstration data loaded into the empty database:
admin-demo-sessions = { $count ->
    [one] one demo session, with its panel, documents and translations
   *[other] { $count } demo sessions, with their panels, documents and translations
}
admin-demo-registrations = { $count ->
    [one] one fictional registration, with its emails
   *[other] { $count } fictional registrations, with their emails
}
admin-demo-speakers = { $count ->
    [one] one demo speaker
   *[other] { $count } demo speakers
}
admin-demo-organisations = { $count ->
    [one] one demo organisation
   *[other] { $count } demo organisations
}
admin-demo-series = { $count ->
    [one] one demo series
   *[other] { $count } demo series
}
admin-demo-kept = A demo speaker now on a real panel, a demo organisation named by a real registration and a demo series holding a real session are kept.
admin-demo-confirm = Yes, remove the demo data for good
admin-demo-confirm-missing = Tick the box to confirm that the demo data is removed for good.
admin-demo-remove = Remove the demo data
admin-flash-demo-removed = The demo data is removed.

## Accounts
admin-error-account-name-required = Enter the person's full name
# The seats column of the sessions list for a cancelled session.
admin-sessions-no-seats = None: cancelled
