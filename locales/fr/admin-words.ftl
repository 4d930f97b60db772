# Mots des organisateurs (assistant `words`) : les pages des organisateurs parlent des inscrits à la troisième personne.

## La page d'une session annulée
admin-hub-cancelled-told = { $count ->
    [one] Une personne inscrite est informée de l’annulation par courriel.
   *[other] { $count } personnes inscrites sont informées de l’annulation par courriel.
}
admin-hub-cancelled-sent = courriels d’annulation envoyés
admin-hub-cancelled-queued = encore à envoyer
admin-hub-cancelled-failed = n’ont pas pu être remis

## Pages des administrateurs refusées aux autres organisateurs
admin-forbidden-title = Cette page est réservée aux administrateurs
admin-forbidden = Seuls les administrateurs peuvent ouvrir cette page ou faire cette action. Demandez-le à un administrateur si nécessaire.
admin-forbidden-back = Retour aux sessions

## Une inscription vue par un organisateur
admin-person-email = Adresse électronique
admin-person-organisation = Gouvernement ou organisation
admin-person-position = Fonction
admin-person-country = Pays
admin-person-language = Langue des courriels qui lui sont envoyés
admin-person-timezone = Son fuseau horaire
admin-person-needs = Besoins d’accessibilité ou d’interprétation
admin-person-newsletter = A demandé la lettre d’information du réseau
admin-consent-given = Consentement donné le { $date } (notice de confidentialité du { $version })

## Libellés de l'espace des organisateurs
admin-session-when = Date et heure
admin-session-documents = Documents
admin-account-name = Nom complet
admin-account-email = Adresse électronique

## Présence
admin-import-error-not-started = La session n’a pas encore commencé : la présence peut être importée une fois qu’elle a débuté.

## Intervenants depuis un panel
admin-speaker-back-to-panel = Retour au panel
admin-flash-speaker-ready = L’intervenant est dans l’annuaire et choisi ci-dessous : il reste à l’ajouter au panel.

## Retirer les données de démonstration
admin-demo-title = Retirer les données de démonstration
admin-demo-present = La liste contient les sessions de démonstration chargées à l’installation.
admin-demo-none = Il ne reste aucune donnée de démonstration.
admin-demo-explain = Cette action retire définitivement les données de démonstration chargées dans la base vide :
admin-demo-sessions = { $count ->
    [one] une session de démonstration, avec son panel, ses documents et ses traductions
   *[other] { $count } sessions de démonstration, avec leurs panels, documents et traductions
}
admin-demo-registrations = { $count ->
    [one] une inscription fictive, avec ses courriels
   *[other] { $count } inscriptions fictives, avec leurs courriels
}
admin-demo-speakers = { $count ->
    [one] un intervenant de démonstration
   *[other] { $count } intervenants de démonstration
}
admin-demo-organisations = { $count ->
    [one] une organisation de démonstration
   *[other] { $count } organisations de démonstration
}
admin-demo-series = { $count ->
    [one] une série de démonstration
   *[other] { $count } séries de démonstration
}
admin-demo-kept = Un intervenant de démonstration placé dans un vrai panel, une organisation de démonstration citée par une vraie inscription et une série de démonstration contenant une vraie session sont conservés.
admin-demo-confirm = Oui, retirer définitivement les données de démonstration
admin-demo-confirm-missing = Cochez la case pour confirmer le retrait définitif des données de démonstration.
admin-demo-remove = Retirer les données de démonstration
admin-flash-demo-removed = Les données de démonstration sont retirées.

## Comptes
admin-error-account-name-required = Indiquez le nom complet de la personne
# The seats column of the sessions list for a cancelled session.
admin-sessions-no-seats = Aucune : annulée
