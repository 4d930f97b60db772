# Exports : ce que chaque personne suivra, et les lignes du rapport pour les questions de la session.
export-col-follows = Langue suivie
export-col-sign-language = Interprétation en langue des signes
export-col-captions = Sous-titres
export-report-answered = Réponses
export-report-retired = { $name } (retirée)
