admin-texts-series-language = Language of the title and description
admin-texts-series-translations = The series in other languages
admin-texts-series-translations-hint = Visitors reading another language see these texts; where one is missing, the series' own text is shown and marked as such. Leave the series' own language empty.
admin-texts-error-series-own-language = This is the series' own language: its texts go in the fields above.
admin-texts-error-series-translation-title = Give a title in this language, or leave its description empty too.
admin-texts-ann-languages-hint = Each registrant and focal point receives the text in the language they read; where that language is not written, they receive the text in the session's language, with a line saying so. The session's language is required, the others optional.
admin-texts-ann-own-language = { $language } (the session's language, required)
admin-texts-ann-other-language = { $language } (optional)
admin-texts-ann-readers = Among the chosen recipients, { $count ->
    [one] { $count } registrant
   *[other] { $count } registrants
   } and { $count2 ->
    [one] { $count2 } focal point
   *[other] { $count2 } focal points
   } read this language.
admin-texts-ann-error-subject = Enter the subject in this language, or leave its message empty too
admin-texts-ann-error-body = Enter the message in this language, or leave its subject empty too
admin-texts-ann-error-unknown-member = Choose member governments from the list: one of them has no focal point's address
admin-texts-ann-focal-legend = Focal points of member governments
admin-texts-ann-focal-hint = Focal points are not registrants: each receives the announcement in their language, with the session's registration link, and no link to manage a registration. With none chosen below, every organisation with a focal point's address receives it.
admin-texts-ann-to-focal-points = Focal points
admin-texts-ann-choose-members = Only the focal points of these organisations
admin-texts-ann-no-focal-points = No organisation has a focal point's address yet.
admin-texts-ann-preview-focal = { $count ->
    [one] It will also go to { $count } focal point.
   *[other] It will also go to { $count } focal points.
}
admin-texts-ann-preview-fallback = Readers of a language not written receive the text in the session's language, with a line in their own language saying so.
admin-message-kind-focal_point_announcement = Announcement to a focal point
