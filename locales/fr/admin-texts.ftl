admin-texts-series-language = Langue du titre et de la description
admin-texts-series-translations = La série dans d'autres langues
admin-texts-series-translations-hint = Les visiteurs qui lisent une autre langue voient ces textes ; s'il en manque un, le texte d'origine de la série est affiché et signalé comme tel. Laissez vide la langue d'origine de la série.
admin-texts-error-series-own-language = C'est la langue d'origine de la série : ses textes vont dans les champs ci-dessus.
admin-texts-error-series-translation-title = Donnez un titre dans cette langue, ou laissez aussi sa description vide.
