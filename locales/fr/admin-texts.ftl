admin-texts-series-language = Langue du titre et de la description
admin-texts-series-translations = La série dans d'autres langues
admin-texts-series-translations-hint = Les visiteurs qui lisent une autre langue voient ces textes ; s'il en manque un, le texte d'origine de la série est affiché et signalé comme tel. Laissez vide la langue d'origine de la série.
admin-texts-error-series-own-language = C'est la langue d'origine de la série : ses textes vont dans les champs ci-dessus.
admin-texts-error-series-translation-title = Donnez un titre dans cette langue, ou laissez aussi sa description vide.
admin-texts-ann-languages-hint = Chaque inscrit et chaque point focal reçoit le texte dans la langue qu'il lit ; si cette langue n'est pas rédigée, il reçoit le texte dans la langue de la session, avec une ligne qui le signale. La langue de la session est obligatoire, les autres facultatives.
admin-texts-ann-own-language = { $language } (langue de la session, obligatoire)
admin-texts-ann-other-language = { $language } (facultatif)
admin-texts-ann-readers = Parmi les destinataires choisis, { $count ->
    [one] { $count } inscrit
   *[other] { $count } inscrits
   } et { $count2 ->
    [one] { $count2 } point focal lisent
   *[other] { $count2 } points focaux lisent
   } cette langue.
admin-texts-ann-error-subject = Saisissez l'objet dans cette langue, ou laissez aussi son message vide
admin-texts-ann-error-body = Saisissez le message dans cette langue, ou laissez aussi son objet vide
admin-texts-ann-error-unknown-member = Choisissez les gouvernements membres dans la liste : l'un d'eux n'a pas d'adresse de point focal
admin-texts-ann-focal-legend = Points focaux des gouvernements membres
admin-texts-ann-focal-hint = Les points focaux ne sont pas des inscrits : chacun reçoit l'annonce dans sa langue, avec le lien d'inscription à la session et sans lien de gestion d'inscription. Si aucun n'est choisi ci-dessous, toutes les organisations ayant une adresse de point focal la reçoivent.
admin-texts-ann-to-focal-points = Points focaux
admin-texts-ann-choose-members = Seulement les points focaux de ces organisations
admin-texts-ann-no-focal-points = Aucune organisation n'a encore d'adresse de point focal.
admin-texts-ann-preview-focal = { $count ->
    [one] Il sera aussi envoyé à { $count } point focal.
   *[other] Il sera aussi envoyé à { $count } points focaux.
}
admin-texts-ann-preview-fallback = Les lecteurs d'une langue non rédigée reçoivent le texte dans la langue de la session, avec une ligne dans leur langue qui le signale.
admin-message-kind-focal_point_announcement = Annonce à un point focal
