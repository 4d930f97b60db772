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
focal-page-title = Les agents de votre gouvernement
focal-page-for = En tant que point focal de { $name }
focal-page-intro = Approuvez ou refusez chaque agent inscrit. Ceux que vous approuvez prennent une place parmi celles de votre gouvernement ; s'il n'y en a plus, ils attendent, dans l'ordre que vous fixez ci-dessous.
focal-officials = Inscriptions à cette session
focal-officials-none = Personne de votre gouvernement ne s'est encore inscrit à cette session.
focal-approve = Approuver { $name }
focal-decline = Refuser { $name }
focal-move-up = Faire monter { $name }
focal-move-down = Faire descendre { $name }
focal-order-note = Les premiers de cette liste obtiennent les premières places libres de votre gouvernement.
focal-upcoming = Prochaines sessions du réseau
focal-upcoming-empty = Aucune session n'est prévue pour le moment.
focal-upcoming-none = Personne de votre gouvernement ne s'est encore inscrit.
focal-register-link = Page d'inscription
focal-count-confirmed = places confirmées
focal-count-waitlisted = en liste d'attente
focal-count-awaiting_approval = en attente d'approbation
focal-status-pending = N'a pas encore confirmé son adresse
focal-status-awaiting_approval = Attend votre approbation
focal-status-confirmed = Place confirmée
focal-status-waitlisted = En liste d'attente
focal-status-declined = Refusée
focal-status-cancelled = Annulée
focal-status-erased = Données effacées
focal-done-approved = Approuvée : l'agent a une place et en a été informé par courriel.
focal-done-waitlisted = Approuvée : aucune place n'est libre parmi celles de votre gouvernement ou de la session ; l'agent est en liste d'attente et en a été informé.
focal-done-declined = Refusée : l'agent en a été informé par courriel.
focal-done-moved = L'ordre a été enregistré.
focal-done-unchanged = Rien n'a changé : cette inscription avait déjà été traitée.
focal-started-heading = Cette session a commencé
focal-started-body = Votre lien fonctionnait jusqu'au début de la session. Il ne permet plus de décider des inscriptions.
focal-not-yours-heading = Cette inscription n'est pas celle d'un agent de votre gouvernement
focal-not-yours-body = Votre lien vous permet de décider uniquement pour les agents de votre gouvernement inscrits à cette session.
focal-nothing-changed = Rien n'a été modifié.
focal-registrant-awaiting = Votre adresse est confirmée. Le point focal de votre gouvernement approuve les inscriptions de ses agents à ce webinaire (ce sont les organisateurs lorsque votre organisation n'en a pas) ; nous vous écrirons dès que la décision sera prise.
focal-privacy = Lorsqu'une session demande l'approbation du point focal, le point focal de votre gouvernement voit votre nom, votre fonction et l'état de votre inscription à cette session, ainsi que les sessions du réseau auxquelles les agents de votre gouvernement sont inscrits, grâce à un lien personnel qui n'est envoyé qu'à lui et qui fonctionne jusqu'au début de la session. Ses décisions sont consignées dans le journal des organisateurs.
