# join: the organiser's view of joins through personal links.
admin-join-heading = Connexions par les liens personnels
admin-join-counts = { $count } des { $total } personnes inscrites confirmées se sont connectées par leur lien personnel.
admin-join-explain = Une connexion est un indice, pas une présence : les personnes inscrites ne sont notées présentes que si un organisateur le choisit, ici ou avec le fichier de présence de la plateforme.
admin-join-mark = Noter présentes les personnes qui se sont connectées
admin-flash-joined-attended = Les personnes qui se sont connectées sont notées présentes.
