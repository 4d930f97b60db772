## Formats (modèles strftime de chrono)
format-date = %A %-d %B %Y
format-time = %H:%M
# Between a label and its value ("Date: …"); French puts a no-break space before the colon.
format-colon = { " :" }

## Mise en page
skip-to-content = Aller au contenu principal
language-switcher = Langue
privacy-notice = Politique de confidentialité
footer-tagline = Webinaires des gouvernements membres du réseau et de ses partenaires.
breadcrumb = Vous êtes ici
back-to-catalogue = Retour à tous les webinaires
optional = (facultatif)

## Langues
language-en = anglais
language-fr = français
language-es = espagnol
in-language-en = en anglais
in-language-fr = en français
in-language-es = en espagnol

## Catalogue
catalogue-title = Webinaires
catalogue-intro = Sessions ouvertes aux responsables des gouvernements membres et des organisations partenaires. Les horaires sont indiqués dans le fuseau horaire de chaque session.
catalogue-upcoming = À venir
catalogue-past = Sessions passées
catalogue-none-upcoming = Aucune session à venir n'a encore été annoncée.
demo-badge = Démo
demo-notice = Données de démonstration tirées d'une actualité du réseau Metropolis ; les horaires et les liens ont été choisis pour la démonstration.
catalogue-none-past = Aucune session passée pour le moment.

## Disponibilité
availability-cancelled = Annulée
availability-past = Cette session a eu lieu
availability-recording = Enregistrement disponible
availability-waitlist = Complet : vous pouvez vous inscrire sur la liste d'attente
seats-left = { $count ->
    [one] { $count } place restante
   *[other] { $count } places restantes
}
seats-left-of = { $count ->
    [one] { $count } place restante sur { $capacity }
   *[other] { $count } places restantes sur { $capacity }
}
registration-closed = Les inscriptions sont closes
registration-opens-on = Ouverture des inscriptions le { $date }

## Page de la session
session-cancelled = Cette session a été annulée.
session-language = Langue
session-when = Date et heure
session-zone = Fuseau horaire : { $zone }
session-your-time = Dans votre fuseau horaire :
session-duration = Durée
duration-minutes = { $minutes ->
    [one] { $minutes } minute
   *[other] { $minutes } minutes
}
session-seats = Places
session-register = S'inscrire
session-about = À propos de cette session
session-panel = Intervenants
session-documents = Documents
session-recording = Enregistrement
session-watch-recording = Voir l'enregistrement
speaker-photo-alt = Photo de { $name }
role-host = Mot d'accueil
role-moderator = Modération
role-keynote = Discours principal
role-speaker = Intervention

## Formulaire d'inscription
register-title = Inscription : { $title }
register-heading = S'inscrire à ce webinaire
register-waitlist-note = Cette session est complète. Si vous vous inscrivez, vous rejoindrez la liste d'attente et nous vous préviendrons par courriel dès qu'une place vous sera attribuée.
register-submit = S'inscrire
field-name = Prénom et nom
field-email = Adresse électronique
field-email-hint = Nous enverrons un lien à cette adresse pour confirmer votre inscription.
field-organisation = Votre gouvernement ou organisation
field-organisation-choose = Choisissez dans la liste
organisations-members = Gouvernements membres
organisations-partners = Organisations partenaires
field-organisation-other-option = Mon organisation ne figure pas dans la liste
field-organisation-other = Votre organisation, si elle ne figure pas dans la liste
field-organisation-other-hint = Uniquement si vous avez choisi « Mon organisation ne figure pas dans la liste ».
field-position = Fonction
field-country = Pays
field-country-hint = Laissez ce champ vide si vous avez choisi votre gouvernement ou organisation dans la liste : nous utilisons son pays.
field-language = Langue de nos courriels
field-timezone = Votre fuseau horaire
field-timezone-hint = Par exemple Europe/Paris ou America/Mexico_City. Nos courriels indiquent aussi l'horaire de la session dans votre fuseau horaire.
field-needs = Besoins d'accessibilité ou d'interprétation
field-needs-hint = Tout autre besoin pour participer, par exemple des pauses ou des documents à l'avance.
field-honeypot = Laissez ce champ vide
field-consent = J'accepte que mes données soient utilisées pour gérer mon inscription à ce webinaire, comme décrit dans la
field-newsletter = Je souhaite recevoir la lettre d'information du réseau

## Validation
error-summary-title = Il y a un problème
error-title-prefix = Erreur :
error-prefix = Erreur :
error-name-required = Saisissez vos prénom et nom
error-email-required = Saisissez votre adresse électronique
error-email = Saisissez une adresse électronique au bon format, par exemple nom@ville.fr
error-organisation-required = Choisissez votre gouvernement ou organisation, ou « Mon organisation ne figure pas dans la liste »
error-organisation-other-required = Saisissez le nom de votre organisation
error-organisation-unknown = Choisissez une organisation dans la liste
error-country-required = Saisissez votre pays
error-language = Choisissez l'anglais, le français ou l'espagnol
error-timezone = Saisissez un fuseau horaire de la liste, par exemple Europe/Paris, ou laissez ce champ vide
error-too-long = { $max ->
    [one] Saisissez { $max } caractère au maximum
   *[other] Saisissez { $max } caractères au maximum
}
error-consent = Cochez la case pour accepter l'utilisation de vos données, faute de quoi nous ne pouvons pas vous inscrire
error-too-many-registrations = Trop d'inscriptions sont venues de votre réseau au cours de la dernière heure. Vos réponses sont conservées ci-dessous : réessayez plus tard.
error-form-expired = Votre formulaire avait expiré et n'a donc pas été envoyé. Vérifiez vos réponses ci-dessous et cliquez à nouveau sur « S'inscrire ».

## Après l'inscription
received-title = Consultez votre messagerie
received-body = Nous vous avons envoyé un courriel pour confirmer votre inscription à « { $title } ». Ouvrez-le et suivez le lien : votre inscription n'est prise en compte qu'une fois confirmée.
received-earlier = Nous vous avons envoyé il y a quelques minutes le courriel pour confirmer votre inscription à « { $title } », et son lien fonctionne toujours : rien de plus n'a été envoyé. Ouvrez ce courriel et suivez le lien.
confirm-page-title = Confirmez votre inscription
confirm-page-body = Plus qu'une étape : appuyez sur le bouton pour confirmer votre inscription à « { $title } ».
confirm-page-done-title = Votre adresse est déjà confirmée
confirm-page-done-body = Votre inscription à « { $title } » est déjà confirmée.
confirm-page-open = Ouvrir mon inscription
calendar-no-seat-title = Pas encore d'entrée d'agenda
calendar-no-seat-body = L'entrée d'agenda accompagne une place. Vous recevrez l'invitation par courriel dès que vous en aurez une.
received-spam = Si rien n'arrive d'ici quelques minutes, vérifiez votre dossier de courriers indésirables. Vous pouvez aussi vous inscrire de nouveau avec la même adresse : nous vous renverrons le lien.
link-invalid-title = Ce lien ne fonctionne pas
link-invalid-body = Il a peut-être expiré ou été copié de façon incomplète. Ouvrez le courriel le plus récent que nous vous avons envoyé, ou inscrivez-vous de nouveau pour recevoir un nouveau lien.
confirm-session-unavailable = Cette session a été annulée ou a déjà commencé : l'inscription n'a donc pas pu être confirmée.

## Page de gestion
manage-title = Votre inscription
manage-your-time = Dans votre fuseau horaire : { $time }
manage-join = Rejoindre le webinaire
manage-calendar = Ajouter à mon agenda (.ics)
manage-details = Vos informations
manage-cancel-explain = Si vous ne pouvez plus participer, annulez votre inscription afin qu'une personne inscrite sur la liste d'attente puisse obtenir votre place.
manage-cancel = Annuler mon inscription
manage-back-to-session = Retour à la session
status-pending = En attente de votre confirmation : suivez le lien figurant dans notre courriel.
status-awaiting_approval = Votre adresse est confirmée. Les organisateurs examinent chaque inscription à ce webinaire : nous vous enverrons leur réponse par courriel.
status-declined = Les organisateurs n'ont pas pu vous proposer de place pour ce webinaire.
flash-awaiting = Merci : votre adresse est confirmée. Les organisateurs vont examiner votre inscription et vous écrire.
email-awaiting-subject = Inscription reçue : { $title }
email-awaiting-body = Merci d'avoir confirmé votre adresse. Les organisateurs examinent chaque inscription à ce webinaire ; nous vous écrirons dès qu'ils auront décidé.
email-declined-subject = Inscription non retenue : { $title }
email-declined-body = Nous sommes désolés : les organisateurs n'ont pas pu vous proposer de place pour ce webinaire. Vous trouverez d'autres webinaires du réseau sur notre site.
status-confirmed = Votre inscription est confirmée : une place vous est réservée.
status-waitlisted = Vous êtes sur la liste d'attente. Nous vous écrirons dès qu'une place vous sera attribuée.
status-erased = Vos données ont été effacées.
status-cancelled = Votre inscription est annulée.
flash-confirmed = Merci : votre inscription est confirmée. Nous vous avons envoyé un courriel contenant l'invitation pour votre agenda.
flash-waitlisted = Merci de votre confirmation. La session est complète : vous êtes donc sur la liste d'attente.
flash-unchanged = Votre inscription était déjà confirmée : rien n'a changé.
flash-cancelled = Votre inscription a été annulée. Nous vous avons envoyé une confirmation par courriel.

## Politique de confidentialité
privacy-version = Version { $version }
privacy-what = Lorsque vous vous inscrivez à un webinaire, nous conservons vos nom, adresse électronique, organisation, fonction, pays, langue préférée et fuseau horaire, la langue dans laquelle vous suivrez la session, votre besoin éventuel d'interprétation en langue des signes ou de sous-titres en direct, les autres besoins d'accessibilité ou d'interprétation que vous nous indiquez, vos réponses aux questions que les organisateurs posent dans le formulaire, ainsi que la date à laquelle vous avez accepté la présente politique.
privacy-why = Nous les utilisons pour gérer votre inscription : la confirmer, vous envoyer le lien de connexion, les rappels, les modifications, les annonces des organisateurs au sujet du webinaire et l'enregistrement (chaque rappel et chaque annonce contient un lien pour les arrêter), et rendre compte du nombre de membres ayant participé. Les membres du secrétariat du réseau chargés de l'organisation peuvent les consulter.
privacy-newsletter = Nous ne vous envoyons la lettre d'information que si vous avez coché la case correspondante ; vous pouvez vous désabonner à tout moment.
privacy-control = Le lien figurant dans chacun de nos courriels (votre lien de gestion) vous indique les données que nous détenons à votre sujet et vous permet de les télécharger, de modifier vos informations et vos choix, d'annuler votre inscription ou d'effacer vos données immédiatement ; une nouvelle adresse électronique n'est utilisée qu'une fois confirmée depuis cette boîte, et l'ancienne en est alors informée.
privacy-retention = Les informations de votre inscription sont supprimées { $count } jours après le webinaire ; nous ne conservons que des décomptes anonymes de participation par organisation membre et par pays.

## Courriels
email-hello = Bonjour { $name },
email-hello-neutral = Bonjour,
email-confirm-subject = Veuillez confirmer votre inscription : { $title }
email-confirm-body = Merci de votre inscription. Veuillez confirmer qu'il s'agit bien de votre adresse électronique en suivant le lien ci-dessous : votre inscription n'est prise en compte qu'une fois confirmée.
email-confirm-ignore = Si vous n'avez pas demandé à vous inscrire, ne tenez pas compte de ce message : rien ne se passera sans votre confirmation.
email-confirm-action = Confirmer mon inscription
email-already-subject = Inscription déjà enregistrée : { $title }
email-already-body = Quelqu'un, probablement vous-même, a demandé à s'inscrire de nouveau avec cette adresse électronique. Rien n'a changé. { $status }
email-registered-subject = Inscription confirmée : { $title }
email-registered-body = Votre place est confirmée. Le lien de connexion figure ci-dessous ; veuillez conserver ce courriel.
email-calendar-invitation = Ce courriel est aussi votre invitation d'agenda : votre messagerie ou votre agenda peut y ajouter la session (une copie est jointe, invite.ics). L'accepter ou la refuser depuis l'agenda ne change rien à votre inscription : pour l'annuler, utilisez « Consulter ou annuler mon inscription » dans ce courriel.
email-calendar-removed = Ce courriel retire aussi la session de votre agenda.
email-promoted-subject = Une place vous est attribuée : { $title }
email-promoted-body = Bonne nouvelle : une place s'est libérée et elle vous est désormais attribuée. Le lien de connexion figure ci-dessous.
email-waitlisted-subject = Vous êtes sur la liste d'attente : { $title }
email-waitlisted-body = Merci de votre confirmation. La session est complète : vous êtes donc sur la liste d'attente. Si une place se libère, nous l'attribuons à la personne suivante sur la liste et vous prévenons aussitôt par courriel.
email-cancelled-subject = Inscription annulée : { $title }
email-cancelled-body = Votre inscription a été annulée. S'il s'agit d'une erreur, vous pouvez vous inscrire de nouveau tant que les inscriptions sont ouvertes.
email-session-label = Webinaire
email-when-label = Date et heure
email-your-time-label = Dans votre fuseau horaire
email-join-label = Lien de connexion
email-details-label = Détails
email-manage-label = Gérer votre inscription
email-manage-action = Consulter ou annuler mon inscription
email-online = En ligne
email-footer-manage = Consulter, modifier ou annuler votre inscription : { $link }
email-footer-why = Vous recevez ce courriel parce que cette adresse a été utilisée pour s'inscrire à un webinaire.

## Pages d'erreur
error-not-found-title = Page introuvable
error-not-found = La page demandée n'existe pas. Elle a peut-être été déplacée, ou l'adresse comporte une faute de frappe.
error-forbidden-title = Action non autorisée
error-forbidden = Cette action a été refusée. Si vous envoyiez un formulaire, revenez en arrière, rechargez la page et réessayez.
error-bad-request-title = La requête comportait une erreur
error-bad-request = La requête n'a pas pu être comprise. Revenez en arrière et réessayez.
error-too-large = Les données envoyées sont trop volumineuses.
error-too-many-title = Trop de requêtes
error-too-many = Veuillez patienter un instant avant de réessayer.
error-unavailable-title = Service temporairement indisponible
error-unavailable = Le service est surchargé ou en maintenance. Veuillez réessayer dans quelques minutes.
error-internal-title = Une erreur est survenue
error-internal = Une erreur inattendue s'est produite de notre côté. Elle a été enregistrée ; veuillez réessayer plus tard.

## Moteur d'e-mails
time-in-days = { $count ->
    [one] dans { $count } jour
   *[other] dans { $count } jours
}
time-in-hours = { $count ->
    [one] dans { $count } heure
   *[other] dans { $count } heures
}
time-in-minutes = { $count ->
    [one] dans { $count } minute
   *[other] dans { $count } minutes
}
email-reminder-subject = Rappel : « { $title } » commence { $when }
email-reminder-body = Petit rappel : le webinaire « { $title } » commence { $when }. Le lien pour y participer figure ci-dessous.
email-footer-reminders-off = Ne plus recevoir de rappels pour ce webinaire : { $link }
email-updated-subject = Nouvel horaire : { $title }
email-updated-body = L'horaire de ce webinaire a changé. La nouvelle date et la nouvelle heure figurent ci-dessous.
email-updated-calendar = Ce courriel met aussi à jour la session dans votre agenda.
email-changed-subject = Mise à jour : { $title }
email-changed-body = Les informations de ce webinaire ont changé. Le titre et les informations de connexion à jour figurent ci-dessous.
email-session-cancelled-subject = Annulation : { $title }
email-session-cancelled-body = Nous sommes désolés : ce webinaire est annulé. Votre inscription prend fin avec lui.
calendar-replies-note = Répondre depuis votre agenda (accepter, refuser) ne change rien à votre inscription. Pour l'annuler, utilisez le lien de votre courriel d'inscription.
calendar-cancelled-note = Annulé : cette session ne figure plus dans votre agenda.
email-catalogue-action = Voir les webinaires
email-follow-up-subject = Enregistrement et documents : { $title }
email-follow-up-attended = Merci de votre participation. Vous trouverez ci-dessous l'enregistrement et les documents du webinaire.
email-follow-up-absent = Vous n'avez pas pu assister au webinaire : vous pouvez en regarder l'enregistrement et lire les documents ci-dessous.
email-follow-up-body = L'enregistrement et les documents du webinaire sont désormais disponibles ci-dessous.
manage-reminders-on = Nous vous envoyons des rappels avant le webinaire.
manage-reminders-off = Vous avez désactivé les rappels pour ce webinaire.
manage-reminders-stop = Ne plus recevoir de rappels
manage-reminders-start = Recevoir à nouveau les rappels
reminders-off-title = Ne plus recevoir de rappels
reminders-off-body = Ne plus recevoir les rappels pour « { $title } » ? Vous restez inscrit·e, et nous vous prévenons toujours en cas de changement.
reminders-off-confirm = Ne plus recevoir de rappels
flash-reminders-off = Rappels désactivés. Votre inscription est maintenue.
flash-reminders-on = Les rappels sont réactivés.

## Privacy: a person's own data
privacy-your-data = Vos données
privacy-download = Télécharger ce que nous conservons à votre sujet (JSON)
privacy-erase-explain = Vous pouvez effacer vos données à tout moment. Votre inscription prend fin et nous ne gardons que des chiffres anonymes (quelle organisation et quel pays ont participé).
privacy-erase-confirm = Je comprends que cette action est définitive
privacy-erase = Effacer mes données
flash-erase-unconfirmed = Pour effacer vos données, cochez la case de confirmation, puis appuyez de nouveau sur le bouton.
erased-title = Vos données ont été effacées
erased-body = Nous ne conservons plus votre nom, votre adresse e-mail ni vos autres informations pour ce webinaire, et les liens de nos courriels ne fonctionnent plus.

# Consentement par finalité
field-listed = Afficher mon nom et mon organisation parmi les participants sur la page de la session
manage-choices = Vos choix
manage-choices-save = Enregistrer mes choix
flash-choices-saved = Vos choix sont enregistrés.
privacy-purposes = Ce que vous acceptez
privacy-purpose-registration = Votre inscription (obligatoire) : nous utilisons vos informations pour la gérer, comme décrit ci-dessus.
privacy-purpose-listed = Figurer dans la liste (facultatif) : si vous cochez cette case, votre nom et votre organisation apparaissent parmi les participants sur la page publique de la session. Vous pouvez retirer ce choix à tout moment depuis votre lien de gestion.
privacy-consent-record = Nous enregistrons chaque consentement et chaque retrait avec l’heure et la version de cette notice qui vous a été présentée ; le téléchargement depuis votre lien de gestion contient cet historique.
session-participants = Participants
session-participants-explain = Participants inscrits qui ont choisi de figurer dans la liste.
session-content-fallback = Ce texte n’est pas disponible dans votre langue ; il est affiché { $language }.

## Annonces : les arrêter et les reprendre
email-footer-announcements-off = Ne plus recevoir les annonces des organisateurs pour ce webinaire : { $link }
manage-announcements-on = Les organisateurs peuvent vous envoyer des annonces au sujet de ce webinaire.
manage-announcements-off = Vous avez arrêté les annonces des organisateurs pour ce webinaire.
manage-announcements-stop = Ne plus recevoir d'annonces
manage-announcements-start = Recevoir à nouveau les annonces
announcements-off-title = Ne plus recevoir d'annonces
announcements-off-body = Ne plus recevoir les annonces des organisateurs pour « { $title } » ? Vous restez inscrit·e, et nous vous envoyons toujours la confirmation, les rappels et tout changement du webinaire.
announcements-off-confirm = Ne plus recevoir d'annonces
privacy-organiser-security = Comptes des organisateurs : chaque session connectée garde son début, sa dernière activité, le nom du navigateur et l’adresse d’où elle vient, que l’organisateur voit dans sa propre liste et qui disparaissent à la fin ou à l’expiration de la session ; le journal de sécurité garde, pour les administrateurs, les connexions, les tentatives échouées et les changements de compte avec l’adresse e-mail de l’organisateur et l’adresse de connexion. Les adresses des inscrits n’y sont jamais gardées. Un lien de réinitialisation du mot de passe n’est gardé que sous forme d’empreinte, fonctionne une seule fois pendant 30 minutes et est supprimé une fois expiré ou avec le compte.

# convoca mail-test
email-test-subject = Message de test de Convoca
email-test-body = Ce message a été mis en file par `convoca mail-test` et envoyé par le service d'envoi de { $link } : le courrier de cette instance arrive dans cette boîte.


# The privacy notice, generated from the settings
privacy-who = Qui est responsable
privacy-controller = Le responsable du traitement est { $name }.
privacy-contact = Questions et demandes concernant vos données :
privacy-how-long = Combien de temps nous conservons quoi
privacy-retention-kept = Les informations de votre inscription sont conservées jusqu'à ce que vous les effaciez : ce service est configuré pour les garder, sans suppression automatique. Les décomptes anonymes de participation par organisation membre et par pays sont conservés dans tous les cas.
privacy-retention-newsletter = Si vous avez demandé la lettre d'information, nous ne conservons que votre adresse, votre nom, votre langue et la date de votre accord (avec la version de cette politique) jusqu'à votre désabonnement, y compris après la suppression des informations de votre inscription.
privacy-retention-mail = Les copies des courriels que nous vous envoyons sont supprimées { $count } jours après leur envoi.
privacy-retention-mail-kept = Les copies des courriels que nous vous envoyons sont conservées jusqu'à l'effacement de vos données.
privacy-retention-logs = Le journal de ce que les organisateurs ont fait de votre inscription et le suivi de l'envoi de nos courriels cessent de vous nommer lorsque vos données sont effacées ou supprimées.
privacy-rights-title = Vos droits et comment les exercer
privacy-rights = Vous pouvez consulter les données que nous détenons à votre sujet et les télécharger, les faire rectifier, retirer tout consentement, vous opposer à leur utilisation et les faire effacer ; vous pouvez aussi introduire une réclamation auprès de votre autorité de protection des données.
privacy-rights-contact = Pour toute autre demande (toutes vos inscriptions à la fois, un lien perdu, une rectification), écrivez à :


## Countries, time zones, changing one's details (self-service)
field-country-choose = Choisissez un pays
error-country-unknown = Choisissez un pays dans la liste
field-timezone-pick-hint = Choisissez votre fuseau parmi ceux-ci, ou cherchez-en un autre ci-dessous. Nos courriels indiquent aussi l'horaire de la session dans votre fuseau.
field-timezone-none = Aucun fuseau (horaires dans le fuseau de la session)
field-timezone-search = Chercher un autre fuseau horaire
field-timezone-search-hint = Une ville ou une région, par exemple Nairobi ou Buenos Aires
field-timezone-search-button = Chercher les fuseaux
timezone-search-found = { $count ->
    [one] Un fuseau trouvé : il figure maintenant dans la liste ci-dessus.
   *[other] { $count } fuseaux trouvés : ils figurent maintenant dans la liste ci-dessus.
}
timezone-search-none = Aucun fuseau ne correspond à cette recherche. Essayez le nom d'une grande ville proche.
details-title = Modifier vos informations
details-explain = Votre place et l'état de votre inscription ne changent pas. Une nouvelle adresse électronique n'est utilisée qu'une fois confirmée depuis cette boîte.
details-email-hint = Si vous la changez, nous envoyons un lien à la nouvelle adresse ; tant que vous ne l'avez pas suivi, nous écrivons à l'adresse actuelle.
details-submit = Enregistrer mes informations
details-pending-email = Un lien a été envoyé à { $email } : l'adresse change quand vous le suivez.
manage-details-change = Modifier vos informations
error-email-taken = Cette adresse est déjà inscrite à ce webinaire
flash-details-saved = Vos informations sont enregistrées.
flash-details-email-pending = Vos informations sont enregistrées. Nous avons envoyé un lien à votre nouvelle adresse : suivez-le pour l'utiliser.
flash-details-unchanged = Rien n'a changé.
flash-email-changed = Votre nouvelle adresse électronique est confirmée : nous vous écrivons désormais à celle-ci.
flash-email-taken = Cette adresse a été inscrite à ce webinaire entre-temps : votre adresse n'a pas changé.
email-change-title = Confirmez votre nouvelle adresse électronique
email-change-body = Confirmez que cette boîte est la vôtre : nous l'utiliserons alors pour votre inscription à { $title }.
email-change-button = Confirmer cette adresse
email-details-changed-subject = Vos informations ont été modifiées : { $title }
email-details-changed-body = Les informations de votre inscription ont été modifiées depuis votre lien de gestion. Votre place et l'état de votre inscription sont inchangés.
email-details-changed-not-you = Si vous n'êtes pas à l'origine de cette modification, ouvrez votre inscription avec le bouton ci-dessous et corrigez-la.
email-change-request-subject = Confirmez votre nouvelle adresse électronique : { $title }
email-change-request-body = Quelqu'un a demandé à utiliser cette adresse pour une inscription à ce webinaire. Suivez le lien ci-dessous pour confirmer que cette boîte est la vôtre.
email-change-request-ignore = Si vous n'avez rien demandé, ignorez ce message : rien ne change sans votre confirmation.
email-change-request-action = Confirmer cette adresse
email-address-changed-subject = Votre adresse électronique a été changée : { $title }
email-address-changed-body = Votre inscription utilise désormais une autre adresse, confirmée depuis cette boîte. Nous n'écrirons plus à cette adresse à son sujet.
email-address-changed-not-you = Si vous n'avez rien demandé, répondez à ce message pour que les organisateurs puissent vous aider.

# Organiser password reset
email-password-reset-subject = Réinitialiser votre mot de passe Convoca
email-password-reset-body = Quelqu’un (vous, nous l’espérons) a demandé à réinitialiser le mot de passe de votre compte d’organisateur. Le bouton ci-dessous vous permet d’en choisir un nouveau ; il fonctionne une seule fois, pendant { $minutes } minutes.
email-password-reset-ignore = Si vous n’avez rien demandé, ignorez ce message : votre mot de passe reste le même.
email-password-reset-action = Choisir un nouveau mot de passe
reset-link-again-body = Les liens de réinitialisation fonctionnent une seule fois, pendant 30 minutes, et un lien plus récent annule les précédents. Demandez-en un nouveau.
reset-link-again = Demander un nouveau lien

privacy-bounces = Si notre courriel à votre adresse échoue, nous notons la réponse du serveur de messagerie avec votre inscription afin que les organisateurs puissent corriger l'adresse. S'il est rejeté définitivement, nous gardons l'adresse et cette réponse dans une liste afin de ne plus lui envoyer de courriel, jusqu'à ce qu'un organisateur l'en retire, que vos données soient effacées ou que la durée de conservation des inscriptions soit écoulée.

# La notice de confidentialité (publique).
privacy-retention-attendance-files = Quand les organisateurs importent la liste de présence d’un webinaire exportée par la plateforme vidéo, le fichier est supprimé dès qu’il est enregistré ; ses lignes qui ne correspondent à aucune inscription confirmée (une adresse et un numéro de ligne) sont gardées { $count } jours pour vérification, et celles qui vous nomment disparaissent quand vos données sont effacées. Les listes d’inscrits que les organisateurs exportent en arrière-plan sont supprimées { $count } jours après leur création.
