# Travaux longs faits par le processus de fond, avec leur page d’avancement (helper longwork).
admin-task-kind-attendance-import = Import des présences
admin-task-state-queued = En attente
admin-task-state-running = En cours
admin-task-state-done = Terminé
admin-task-state-failed = N’a pas pu aboutir
admin-task-rows = { $count } lignes traitées sur { $total }
admin-task-percent = { $count } %
admin-task-errors = { $count ->
    [0] Aucune ligne refusée pour l’instant
    [one] 1 ligne refusée pour l’instant
   *[other] { $count } lignes refusées pour l’instant
}
admin-task-refreshing = Cette page se met à jour d’elle-même jusqu’à la fin. Le travail continue sans cette page : la liste des inscriptions de la session y renvoie.
admin-task-failed-hint = Le travail s’est arrêté avant la fin. Ce qui a été enregistré le reste ; importez à nouveau le fichier pour le terminer.
admin-task-refused-csv = Télécharger toutes les lignes refusées (CSV)
admin-task-first-refused = { $count ->
    [one] La première ligne refusée
   *[other] Les { $count } premières lignes refusées
}
admin-task-kind-registrations-export = Export des inscriptions (Excel)
admin-task-export-done = { $count ->
    [one] 1 inscription écrite dans le classeur.
   *[other] { $count } inscriptions écrites dans le classeur.
}
admin-task-download = Télécharger le classeur (.xlsx)
admin-task-kept = Le fichier est gardé { $count } jours, puis supprimé.
admin-tasks-title = Travaux en arrière-plan de cette session
