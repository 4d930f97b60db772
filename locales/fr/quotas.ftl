email-waitlisted-quota-body = Merci de votre confirmation. Les places réservées à votre gouvernement pour cette session sont toutes prises : vous êtes donc sur la liste d'attente des places de votre gouvernement. Si l'une d'elles se libère, elle revient à la personne suivante de votre gouvernement sur la liste, et nous vous prévenons aussitôt par courriel.
public-members-represented = { $count ->
    [one] { $count } gouvernement membre représenté
   *[other] { $count } gouvernements membres représentés
}
privacy-focal-points = Chaque gouvernement membre et chaque organisation partenaire peut désigner un point focal qui coordonne sa participation : nous conservons le nom, l'adresse électronique et la langue de cette personne avec l'organisation, pour lui écrire au sujet des sessions et des inscriptions de son gouvernement, jusqu'à ce que l'organisation désigne quelqu'un d'autre ou que la personne nous demande de les effacer.
