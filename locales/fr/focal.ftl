focal-hello = Bonjour { $name },
focal-digest-subject = Des agents attendent votre approbation : { $title }
focal-reminder-subject = Rappel : des agents attendent toujours votre approbation : { $title }
focal-digest-body = { $count ->
    [one] Un agent de { $name } s'est inscrit et attend votre approbation :
   *[other] { $count } agents de { $name } se sont inscrits et attendent votre approbation :
}
focal-reminder-body = { $count ->
    [one] Un agent de { $name } attend toujours votre approbation :
   *[other] { $count } agents de { $name } attendent toujours votre approbation :
}
focal-digest-deadline = Votre lien personnel vous permet de les approuver, de les refuser ou de les classer jusqu'au début de la session. Aucun compte n'est nécessaire ; merci de ne pas le transférer.
focal-digest-when = Date
focal-digest-action = Examiner les inscriptions
focal-digest-why = Vous recevez ce message en tant que point focal de votre gouvernement auprès de ce réseau.
