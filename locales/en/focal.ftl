focal-hello = Hello { $name },
focal-digest-subject = Officials awaiting your approval: { $title }
focal-reminder-subject = Reminder: officials still awaiting your approval: { $title }
focal-digest-body = { $count ->
    [one] One official of { $name } has registered and awaits your approval:
   *[other] { $count } officials of { $name } have registered and await your approval:
}
focal-reminder-body = { $count ->
    [one] One official of { $name } still awaits your approval:
   *[other] { $count } officials of { $name } still await your approval:
}
focal-digest-deadline = Your private link lets you approve, decline or order them until the session starts. No account is needed; please do not forward it.
focal-digest-when = When
focal-digest-action = Review the registrations
focal-digest-why = You receive this message as your government's focal point for this network.
focal-page-title = Your government's officials
focal-page-for = As focal point of { $name }
focal-page-intro = Approve or decline each official who registered. Those you approve take a seat within your government's seats; when none is free they wait, in the order you set below.
focal-officials = Registrations for this session
focal-officials-none = Nobody from your government has registered for this session yet.
focal-approve = Approve { $name }
focal-decline = Decline { $name }
focal-move-up = Move { $name } up
focal-move-down = Move { $name } down
focal-order-note = The first in this list get the first free seats of your government.
focal-upcoming = Upcoming sessions of the network
focal-upcoming-empty = No session is planned at the moment.
focal-upcoming-none = Nobody from your government has registered yet.
focal-register-link = Registration page
focal-count-confirmed = seats confirmed
focal-count-waitlisted = on the waiting list
focal-count-awaiting_approval = awaiting approval
focal-status-pending = Has not confirmed their address yet
focal-status-awaiting_approval = Awaiting your approval
focal-status-confirmed = Seat confirmed
focal-status-waitlisted = On the waiting list
focal-status-declined = Declined
focal-status-cancelled = Cancelled
focal-status-erased = Data erased
focal-done-approved = Approved: the official has a seat and has been told by email.
focal-done-waitlisted = Approved: no seat is free within your government's seats or the session, so the official is on the waiting list and has been told.
focal-done-declined = Declined: the official has been told by email.
focal-done-moved = The order has been saved.
focal-done-unchanged = Nothing changed: this registration had already been decided.
focal-started-heading = This session has started
focal-started-body = Your link worked until the session began. Registrations can no longer be decided from it.
focal-not-yours-heading = This registration is not one of your government's
focal-not-yours-body = Your link lets you decide only on the officials of your own government for this session.
focal-nothing-changed = Nothing has been changed.
focal-registrant-awaiting = Your address is confirmed. Your government's focal point approves the registrations of its officials to this webinar (the organisers do, when your organisation has none); we will email you as soon as they have decided.
focal-privacy = When a session asks for the focal point's approval, the focal point of your government sees your name, position and registration status for that session, and the sessions of the network your government's officials registered for, through a private link sent to them alone, valid until the session starts. Their decisions are recorded in the organisers' log.
