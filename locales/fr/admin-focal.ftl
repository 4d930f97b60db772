admin-approval-focal-point = Approuvée par le point focal du membre (l'organisateur décide pour ceux qui n'en ont pas)
admin-focal-pending = Inscriptions en attente d'approbation, par organisation
admin-focal-no-organisation = Organisation saisie par la personne inscrite
admin-focal-waits-focal = le point focal du membre décide (récapitulatif envoyé chaque jour)
admin-focal-waits-organiser = pas d'adresse de point focal : les organisateurs décident
admin-focal-decide-instead = Décider à la place des points focaux (inscriptions en attente d'approbation)
admin-message-kind-focal_digest = Récapitulatif au point focal
