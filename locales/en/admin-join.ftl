# join: the organiser's view of joins through personal links.
admin-join-heading = Joins through personal links
admin-join-counts = { $count } of { $total } confirmed registrants have joined through their personal link.
admin-join-explain = A join is evidence, not attendance: registrants are marked as attended only when an organiser chooses to, here or with the platform's attendance file.
admin-join-mark = Mark those who joined as attended
admin-flash-joined-attended = Those who joined are marked as attended.
