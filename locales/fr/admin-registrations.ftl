## Espace organisateurs : inscriptions d'une session, présence, annonces, rapports

admin-reg-title = Inscriptions
admin-reg-heading = Inscriptions : { $title }
admin-reg-back = Retour à la session
admin-reg-counts = Inscriptions par état
admin-reg-count-confirmed = confirmées / places
admin-reg-count-waitlisted = en liste d'attente
admin-reg-count-awaiting = en attente d'approbation
admin-reg-count-pending = adresse pas encore confirmée
admin-reg-count-cancelled = annulées
admin-reg-count-declined = refusées
admin-reg-count-attended = présents
admin-reg-announce = Écrire aux inscrits
admin-reg-report = Rapport de participation
admin-reg-search = Rechercher
admin-reg-status = État
admin-reg-organisation = Organisation
admin-reg-organisation-other = Autre (saisie par la personne inscrite)
admin-reg-country = Pays
admin-reg-any-status = Tous les états
admin-reg-any-organisation = Toutes les organisations
admin-reg-any-country = Tous les pays
admin-reg-filter = Filtrer
admin-reg-clear = Effacer les filtres
admin-reg-matches = { $count ->
    [one] { $count } inscription correspond.
   *[other] { $count } inscriptions correspondent.
}
admin-reg-empty = Aucune inscription ne correspond.
admin-reg-col-name = Nom
admin-reg-col-email = Adresse e-mail
admin-reg-col-language = Langue
admin-reg-col-registered = Inscription
admin-reg-col-attended = Présence
admin-reg-col-actions = Actions
admin-reg-attended-yes = Présent
admin-reg-attended-no = Absent
admin-reg-attended-unknown = Non renseignée
admin-reg-attendance-hint = Cochez des inscrits confirmés dans la liste, puis :
admin-reg-mark-attended = Marquer présents
admin-reg-mark-absent = Marquer absents
admin-reg-error-select = Cochez au moins un inscrit confirmé dans la liste
admin-reg-approve = Approuver
admin-reg-decline = Refuser
admin-reg-promote = Donner une place
admin-reg-cancel = Annuler
admin-reg-status-pending = N’a pas confirmé son adresse
admin-reg-status-awaiting-approval = Attend l’approbation d’un organisateur
admin-reg-status-confirmed = Confirmée
admin-reg-status-waitlisted = Sur la liste d’attente
admin-reg-status-declined = Refusée
admin-reg-status-erased = Effacée
admin-reg-status-cancelled = Annulée (par la personne ou un organisateur)
admin-flash-registration-confirmed = L'inscription est confirmée. Un e-mail est envoyé à la personne.
admin-flash-registration-waitlisted = La session est complète : la personne est en liste d'attente et en est informée par e-mail.
admin-flash-registration-declined = L'inscription est refusée. Un e-mail est envoyé à la personne.
admin-flash-registration-cancelled = L'inscription est annulée. Un e-mail est envoyé à la personne.
admin-flash-registration-unchanged = Rien n'a changé : l'inscription n'était plus dans un état où cette action s'applique.
admin-flash-attendance-saved = La présence a été enregistrée.

admin-import-title = Importer la présence
admin-import-intro = Téléversez la liste de présence exportée de la plateforme vidéo. Les inscrits sont retrouvés par leur adresse e-mail ; seules les inscriptions confirmées sont marquées.
admin-import-file = Liste de présence (fichier CSV)
admin-import-file-hint = Un fichier CSV de { $max } Mo au plus, avec une colonne nommée Email, E-mail, User Email, Attendee Email, Courriel ou Correo. Virgules et points-virgules sont acceptés.
admin-import-others-absent = Marquer absents tous les autres inscrits confirmés
admin-import-submit = Importer la présence
admin-import-error-no-file = Choisissez le fichier CSV à importer
admin-import-error-too-large = Le fichier dépasse { $max } Mo
admin-import-error-no-email-column = Aucune colonne du fichier ne porte un nom de colonne d'adresse e-mail (Email, E-mail, User Email, Attendee Email, Courriel, Correo)
admin-import-error-unreadable = Le fichier n'a pas pu être lu comme du texte CSV
admin-import-report-title = Présence importée
admin-import-heading = Présence importée : { $title }
admin-import-back = Retour aux inscriptions
admin-import-matched = Inscrits marqués présents : { $count } (lignes lues : { $total }).
admin-import-absent = { $count ->
    [one] { $count } autre inscrit confirmé marqué absent.
   *[other] { $count } autres inscrits confirmés marqués absents.
}
admin-import-all-matched = Chaque ligne du fichier correspond à une inscription confirmée.
admin-import-unmatched = { $count ->
    [one] { $count } ligne sans correspondance
   *[other] { $count } lignes sans correspondance
}
admin-import-unmatched-hint = Vérifiez ces adresses : une personne a pu se connecter avec une autre adresse que celle de son inscription. Elle peut être marquée à la main dans la liste.
admin-import-line = Ligne
admin-import-reason = Motif
admin-import-reason-unknown = Aucune inscription avec cette adresse
admin-import-reason-status = L'inscription n'est pas confirmée ({ $status })
admin-import-no-address = Pas d'adresse sur cette ligne

admin-ann-title = Annonces
admin-ann-heading = Annonces : { $title }
admin-ann-write = Nouvelle annonce
admin-ann-subject = Objet
admin-ann-body = Message
admin-ann-body-hint = { $max } caractères au plus. Laissez une ligne vide entre les paragraphes. Chaque e-mail commence par une salutation au nom de la personne.
admin-ann-recipients = Destinataires
admin-ann-to-confirmed = Inscrits confirmés
admin-ann-to-waitlisted = Inscrits en liste d'attente
admin-ann-to-attended = Inscrits présents
admin-ann-to-absent = Inscrits absents
admin-ann-preview = Prévisualiser
admin-ann-send = Envoyer
admin-ann-preview-title = Aperçu
admin-ann-preview-recipients = { $count ->
    [one] Cet e-mail sera envoyé à { $count } inscrit.
   *[other] Cet e-mail sera envoyé à { $count } inscrits.
}
admin-ann-preview-subject = Objet :
admin-ann-preview-frame = Chaque e-mail salue la personne par son nom et se termine par les informations de la session et le lien pour gérer son inscription. Appuyez sur Envoyer pour le mettre en file d'envoi, ou modifiez le texte et prévisualisez à nouveau.
admin-ann-error-subject = Saisissez un objet
admin-ann-error-body = Saisissez le message
admin-ann-error-recipients = Choisissez les destinataires de l'annonce
admin-ann-error-nobody = Personne ne correspond encore aux destinataires choisis
admin-ann-history = Annonces envoyées
admin-ann-none = Aucune annonce n'a encore été envoyée pour cette session.
admin-ann-count-messages = messages
admin-ann-deliveries = Distribution de chaque message
admin-ann-delivery = Distribution
admin-ann-server-answer = Réponse du serveur de messagerie
admin-ann-delivery-queued = en file d'envoi
admin-ann-delivery-sending = en cours d'envoi
admin-ann-delivery-sent = envoyé
admin-ann-delivery-failed = échec
admin-ann-delivery-skipped = non envoyé (inscription annulée)
admin-ann-retry = Renvoyer les messages en échec
admin-flash-announcement-sent = L'annonce est en file d'envoi et part maintenant.
admin-flash-announcement-retried = Les messages en échec sont de nouveau en file d'envoi.

admin-report-title = Rapport de participation
admin-report-series = Cycle
admin-report-session = Session
admin-report-all-series = Tous les cycles
admin-report-all-sessions = Toutes les sessions
admin-report-show = Afficher
admin-report-scope-hint = Une session choisie l'emporte sur un cycle choisi.
admin-report-everything = Toutes les sessions
admin-report-headline = { $count ->
    [one] Des représentants de { $count } membre ont participé
   *[other] Des représentants de { $count } membres ont participé
}
admin-report-no-attendance = Aucune présence n'a été enregistrée ici : ce sont les membres ayant une inscription confirmée qui sont comptés.
admin-report-members-of = { $count } des { $total } membres du réseau.
admin-report-col-registered = Inscrits
admin-report-col-confirmed = Confirmés
admin-report-col-attended = Présents
admin-report-registered = inscrits
admin-report-confirmed = confirmés
admin-report-attended = présents
admin-report-members = Gouvernements membres
admin-report-partners = Partenaires et autres
admin-report-other = Autres (saisis par les inscrits)
admin-report-countries = Par pays
admin-report-organisation = Organisation
admin-report-country = Pays
admin-report-no-country = Non renseigné
admin-report-total = Total
admin-report-empty = Personne n'est encore inscrit.
admin-reg-count-erased = effacées (anonymes)
admin-report-unmatched = Pays à corriger
admin-report-unmatched-explain = Ces pays ont été saisis avant que les pays ne soient choisis dans une liste, et ne correspondent à aucun pays reconnu. Ils sont comptés ici, pas dans les pays ci-dessus, jusqu'à ce que la personne choisisse un pays depuis son lien de gestion.
admin-report-unmatched-text = Texte saisi
