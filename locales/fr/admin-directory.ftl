## Espace organisateurs : annuaire des intervenants, panels des sessions, organisations
admin-dir-optional = (facultatif)
admin-dir-demo = Démo

admin-speakers-title = Intervenants
admin-speakers-new = Nouvel intervenant
admin-speakers-search-label = Rechercher par nom ou organisation
admin-speakers-search = Rechercher
admin-speakers-show-all = Afficher tous les intervenants
admin-speakers-found = { $count ->
    [one] { $count } intervenant correspond à « { $name } ».
   *[other] { $count } intervenants correspondent à « { $name } ».
}
admin-speakers-none = L'annuaire est vide. Ajoutez le premier intervenant avec « Nouvel intervenant ».
admin-speakers-no-match = Aucun intervenant ne correspond à « { $name } ».
admin-speaker-photo = Photo
admin-speaker-no-photo = Pas de photo
admin-speaker-name = Nom
admin-speaker-name-required = Saisissez le nom de l'intervenant
admin-speaker-honorific = Titre
admin-speaker-honorific-hint = Par exemple Dr, Maire ou Conseillère. Il s'affiche avant le nom.
admin-speaker-position = Fonction
admin-speaker-organisation = Organisation
admin-speaker-bio = Biographie
admin-speaker-bio-hint = Affichée sur la page publique de la session. { $max } caractères au plus ; les retours à la ligne sont conservés.
admin-speaker-panels = Panels
admin-speaker-no-panels = Cet intervenant ne figure encore dans aucun panel.
admin-speaker-back = Retour aux intervenants
admin-speaker-edit-title = Modifier { $name }
admin-speaker-create = Ajouter l'intervenant
admin-speaker-save = Enregistrer les modifications
admin-speaker-photo-file = Fichier image
admin-speaker-photo-hint = JPEG, PNG ou WebP, { $max } Mo au plus. Une image carrée donne le meilleur résultat.
admin-speaker-photo-upload = Envoyer la photo
admin-speaker-photo-remove = Retirer la photo
admin-speaker-photo-current = Photo actuelle de { $name }
admin-speaker-photo-missing = Choisissez un fichier image à envoyer
admin-speaker-photo-type = Le fichier n'est pas une image JPEG, PNG ou WebP
admin-speaker-photo-too-large = Le fichier dépasse { $max } Mo : choisissez une image plus légère
admin-speaker-delete-title = Supprimer cet intervenant
admin-speaker-delete-hint = Seul un intervenant qui ne figure dans aucun panel peut être supprimé.
admin-speaker-delete = Supprimer l'intervenant
admin-speaker-on-panels = { $count ->
    [one] Cet intervenant figure dans le panel de { $count } session ({ $title }). Retirez-le d'abord de ce panel.
   *[other] Cet intervenant figure dans les panels de { $count } sessions ({ $title }). Retirez-le d'abord de ces panels.
}
admin-flash-speaker-created = L'intervenant a été ajouté à l'annuaire. Une photo peut maintenant être ajoutée.
admin-flash-speaker-updated = L'intervenant a été modifié.
admin-flash-speaker-deleted = L'intervenant a été supprimé.
admin-flash-photo-saved = La photo a été enregistrée.
admin-flash-photo-removed = La photo a été retirée.

admin-panel-title = Panel : { $title }
admin-panel-back = Retour à la session
admin-panel-public-page = Voir la page publique de la session
admin-panel-order = Ordre
admin-panel-role = Rôle
admin-panel-role-of = Rôle de { $name }
admin-panel-empty = Personne ne figure encore dans ce panel.
admin-panel-move-up = Monter
admin-panel-move-down = Descendre
admin-panel-change-role = Changer le rôle
admin-panel-remove = Retirer du panel
admin-panel-add-title = Ajouter un intervenant
admin-panel-speaker = Intervenant
admin-panel-speaker-hint = Choisissez dans l'annuaire des intervenants. La personne n'y figure pas encore ?
admin-panel-choose-speaker = Choisissez un intervenant
admin-panel-no-choices = Tous les intervenants de l'annuaire figurent déjà dans ce panel.
admin-panel-add = Ajouter au panel
admin-panel-speaker-required = Choisissez un intervenant dans l'annuaire
admin-panel-role-invalid = Choisissez un rôle dans la liste
admin-panel-already = Cet intervenant figure déjà dans ce panel
admin-panel-unknown-speaker = Cet intervenant ne figure plus dans l'annuaire
admin-flash-panel-added = L'intervenant a été ajouté au panel.
admin-flash-panel-moved = L'ordre du panel a été modifié.
admin-flash-panel-role = Le rôle a été modifié.
admin-flash-panel-removed = L'intervenant a été retiré du panel.

admin-org-members = Gouvernements membres
admin-org-partners = Organisations partenaires
admin-org-admin-only = Seuls les administrateurs peuvent ajouter, modifier ou fusionner des organisations.
admin-org-name = Nom
admin-org-kind = Type
admin-org-kind-member = Gouvernement membre
admin-org-kind-partner = Organisation partenaire
admin-org-country = Pays
admin-org-focal-email = Adresse e-mail du point focal
admin-org-focal-email-hint = La personne à qui le secrétariat écrit dans cette organisation.
admin-org-focal-name = Nom du point focal
admin-org-focal-language = Langue du point focal
admin-org-focal-language-hint = Les messages au point focal sont rédigés dans cette langue.
admin-org-registrations = Inscriptions
admin-org-none = Aucune pour l'instant.
admin-org-new = Nouvelle organisation
admin-org-create = Ajouter l'organisation
admin-org-edit-title = Modifier { $name }
admin-org-save = Enregistrer les modifications
admin-org-back = Retour aux organisations
admin-org-name-required = Saisissez le nom de l'organisation
admin-org-name-taken = Une organisation porte déjà ce nom
admin-org-kind-invalid = Choisissez gouvernement membre ou organisation partenaire
admin-org-country-required = Saisissez le pays
admin-flash-organisation-created = L'organisation a été ajoutée.
admin-flash-organisation-updated = L'organisation a été modifiée.

admin-merge-title = Organisations saisies par les participants
admin-merge-intro = Les personnes qui n'ont pas trouvé leur organisation dans la liste en ont saisi le nom. Fusionner un nom avec un gouvernement membre ou un partenaire rattache ces inscriptions à celui-ci et efface le nom saisi.
admin-merge-text = Nom saisi
admin-merge-into = Fusionner avec
admin-merge-choose = Choisissez une organisation
admin-merge = Fusionner
admin-merge-none = Tous les participants ont choisi leur organisation dans la liste.
admin-merge-organisation-required = Choisissez le gouvernement membre ou le partenaire avec lequel fusionner
admin-merge-nothing = Plus aucune inscription ne porte ce nom
admin-flash-merged = Les inscriptions ont été rattachées à l'organisation.
