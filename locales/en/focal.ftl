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
