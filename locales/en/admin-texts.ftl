admin-texts-series-language = Language of the title and description
admin-texts-series-translations = The series in other languages
admin-texts-series-translations-hint = Visitors reading another language see these texts; where one is missing, the series' own text is shown and marked as such. Leave the series' own language empty.
admin-texts-error-series-own-language = This is the series' own language: its texts go in the fields above.
admin-texts-error-series-translation-title = Give a title in this language, or leave its description empty too.
