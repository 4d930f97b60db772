## Organiser area: registrations of a session, attendance, announcements, reports

admin-reg-title = Registrations
admin-reg-heading = Registrations: { $title }
admin-reg-back = Back to the session
admin-reg-counts = Registrations by state
admin-reg-count-confirmed = confirmed / seats
admin-reg-count-waitlisted = on the waiting list
admin-reg-count-awaiting = awaiting approval
admin-reg-count-pending = email not confirmed yet
admin-reg-count-cancelled = cancelled
admin-reg-count-declined = declined
admin-reg-count-attended = attended
admin-reg-announce = Write to registrants
admin-reg-report = Participation report
admin-reg-search = Search
admin-reg-status = Status
admin-reg-organisation = Organisation
admin-reg-organisation-other = Other (typed in by the registrant)
admin-reg-country = Country
admin-reg-any-status = All statuses
admin-reg-any-organisation = All organisations
admin-reg-any-country = All countries
admin-reg-filter = Filter
admin-reg-clear = Clear the filters
admin-reg-matches = { $count ->
    [one] { $count } registration matches.
   *[other] { $count } registrations match.
}
admin-reg-empty = No registration matches.
admin-reg-col-name = Name
admin-reg-col-email = Email address
admin-reg-col-language = Language
admin-reg-col-registered = Registered at
admin-reg-col-attended = Attended
admin-reg-col-actions = Actions
admin-reg-attended-yes = Yes
admin-reg-attended-no = No
admin-reg-attended-unknown = Not recorded
admin-reg-attendance-hint = Tick confirmed registrants in the list, then:
admin-reg-mark-attended = Mark attended
admin-reg-mark-absent = Mark absent
admin-reg-error-select = Tick at least one confirmed registrant in the list
admin-reg-approve = Approve
admin-reg-decline = Decline
admin-reg-promote = Give a seat
admin-reg-cancel = Cancel
admin-reg-status-pending = Has not confirmed their address
admin-reg-status-awaiting-approval = Waiting for an organiser’s approval
admin-reg-status-confirmed = Confirmed
admin-reg-status-waitlisted = On the waiting list
admin-reg-status-declined = Declined
admin-reg-status-erased = Erased
admin-reg-status-cancelled = Cancelled (by them or an organiser)
admin-flash-registration-confirmed = The registration is confirmed. The registrant is being emailed.
admin-flash-registration-waitlisted = The session is full: the registrant is on the waiting list and is being emailed.
admin-flash-registration-declined = The registration is declined. The registrant is being emailed.
admin-flash-registration-cancelled = The registration is cancelled. The registrant is being emailed.
admin-flash-registration-unchanged = Nothing changed: the registration was no longer in a state this applies to.
admin-flash-attendance-saved = Attendance has been recorded.

admin-import-title = Import attendance
admin-import-intro = Upload the attendance list exported from the video platform. Registrants are found by their email address; only confirmed registrations are marked.
admin-import-file = Attendance list (CSV file)
admin-import-file-hint = A CSV file of at most { $max } MB, with a column named Email, E-mail, User Email, Attendee Email, Courriel or Correo. Commas or semicolons both work.
admin-import-others-absent = Mark every other confirmed registrant as absent
admin-import-submit = Import attendance
admin-import-error-no-file = Choose the CSV file to import
admin-import-error-too-large = The file is larger than { $max } MB
admin-import-error-no-email-column = No column of the file is named like an email address column (Email, E-mail, User Email, Attendee Email, Courriel, Correo)
admin-import-error-unreadable = The file could not be read as CSV text
admin-import-report-title = Attendance imported
admin-import-heading = Attendance imported: { $title }
admin-import-back = Back to the registrations
admin-import-matched = Registrants marked as attended: { $count } (lines read: { $total }).
admin-import-absent = { $count ->
    [one] { $count } other confirmed registrant marked as absent.
   *[other] { $count } other confirmed registrants marked as absent.
}
admin-import-all-matched = Every line of the file matched a confirmed registration.
admin-import-unmatched = { $count ->
    [one] { $count } line did not match
   *[other] { $count } lines did not match
}
admin-import-unmatched-hint = Check these addresses: someone may have joined with another address than the one they registered with. They can be marked by hand in the list.
admin-import-line = Line
admin-import-reason = Why
admin-import-reason-unknown = No registration with this address
admin-import-reason-status = The registration is not confirmed ({ $status })
admin-import-no-address = No address on this line

admin-ann-title = Announcements
admin-ann-heading = Announcements: { $title }
admin-ann-write = New announcement
admin-ann-subject = Subject
admin-ann-body = Message
admin-ann-body-hint = At most { $max } characters. Leave a blank line between paragraphs. Each email starts with a greeting by name.
admin-ann-recipients = Send to
admin-ann-to-confirmed = Confirmed registrants
admin-ann-to-waitlisted = Registrants on the waiting list
admin-ann-to-attended = Registrants who attended
admin-ann-to-absent = Registrants who were absent
admin-ann-preview = Preview
admin-ann-send = Send
admin-ann-preview-title = Preview
admin-ann-preview-recipients = { $count ->
    [one] This email will go to { $count } registrant.
   *[other] This email will go to { $count } registrants.
}
admin-ann-preview-subject = Subject:
admin-ann-preview-frame = Each email greets the registrant by name and ends with the session's details and the link to manage their registration. Press Send to queue it, or change the text and preview again.
admin-ann-error-subject = Enter a subject
admin-ann-error-body = Enter the message
admin-ann-error-recipients = Choose who receives the announcement
admin-ann-error-nobody = Nobody matches the chosen recipients yet
admin-ann-history = Sent announcements
admin-ann-none = No announcement has been sent for this session yet.
admin-ann-count-messages = messages
admin-ann-deliveries = Delivery of each message
admin-ann-delivery = Delivery
admin-ann-server-answer = Mail server's answer
admin-ann-delivery-queued = queued
admin-ann-delivery-sending = being sent
admin-ann-delivery-sent = sent
admin-ann-delivery-failed = failed
admin-ann-delivery-skipped = not sent (registration cancelled)
admin-ann-retry = Retry the failed messages
admin-flash-announcement-sent = The announcement is queued and is being sent.
admin-flash-announcement-retried = The failed messages are queued again.

admin-report-title = Participation report
admin-report-series = Series
admin-report-session = Session
admin-report-all-series = All series
admin-report-all-sessions = All sessions
admin-report-show = Show
admin-report-scope-hint = A chosen session takes precedence over a chosen series.
admin-report-everything = All sessions
admin-report-headline = { $count ->
    [one] Representatives of { $count } member took part
   *[other] Representatives of { $count } members took part
}
admin-report-no-attendance = No attendance was recorded here, so members with a confirmed registration are counted instead.
admin-report-members-of = { $count } of the network's { $total } members.
admin-report-col-registered = Registered
admin-report-col-confirmed = Confirmed
admin-report-col-attended = Attended
admin-report-registered = registered
admin-report-confirmed = confirmed
admin-report-attended = attended
admin-report-members = Member governments
admin-report-partners = Partners and others
admin-report-other = Other (typed in by registrants)
admin-report-countries = By country
admin-report-organisation = Organisation
admin-report-country = Country
admin-report-no-country = Not given
admin-report-total = Total
admin-report-empty = Nobody registered yet.
admin-reg-count-erased = erased (anonymous)
admin-report-unmatched = Country texts to fix
admin-report-unmatched-explain = These countries were typed before countries were chosen from a list, and name no country we recognise. They are counted here, not in the countries above, until the registrant picks a country from their manage link.
admin-report-unmatched-text = Text as typed
