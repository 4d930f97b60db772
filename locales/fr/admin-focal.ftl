admin-approval-focal-point = Approuvée par le point focal du membre (l'organisateur décide pour ceux qui n'en ont pas)
