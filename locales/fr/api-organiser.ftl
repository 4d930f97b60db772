## Les documents de problème de l’API des organisateurs (RFC 9457) et ses refus de jeton (RFC 6750)
api-token-problem-title = Non autorisé
api-token-problem-missing = Cette opération demande un jeton d’API des organisateurs dans un en-tête Authorization: Bearer.
api-token-problem-unknown = Ce jeton est inconnu. Vérifiez qu’il a été copié en entier.
api-token-problem-revoked = Ce jeton a été révoqué. Demandez-en un nouveau à un administrateur.
api-token-problem-expired = Ce jeton a expiré. Demandez-en un nouveau à un administrateur.
api-token-problem-scope-title = Interdit
api-token-problem-scope = Ce jeton n’a pas la portée que demande cette opération (nommée dans l’en-tête WWW-Authenticate).
api-fields-invalid-title = Champs non valides
api-fields-invalid = Certains champs ont été refusés ; chacun est nommé dans invalid-params avec la raison.
api-param-filter-text = Trop long, ou contient un caractère de contrôle.
api-param-status = Doit être pending, awaiting_approval, confirmed, waitlisted, cancelled ou declined.
api-param-mail = Doit valoir failed, ou être omis.
api-param-separator = Doit valoir comma ou semicolon.
api-organiser-session-not-found = Aucune session n’a cet identifiant.
api-organiser-attendance-too-long = Le fichier compte plus de { $max } lignes : importez-le depuis la page des organisateurs, qui traite les longs fichiers en arrière-plan.
api-organiser-conflict-title = Conflit
api-organiser-too-large-title = Contenu trop volumineux
api-organiser-too-large = Le corps de la requête dépasse ce que cette opération accepte.
api-organiser-body-title = Requête incorrecte
api-organiser-body = Le corps doit être un objet JSON des champs de la session.
api-organiser-method = Cette adresse ne répond pas à cette méthode ; l’en-tête Allow donne celles auxquelles elle répond.
api-field-unknown = Ce n’est pas un champ de session ; vérifiez son orthographe.
api-field-integer = Doit être un nombre entier.
api-field-text = Doit être une chaîne de caractères.

## La notice de confidentialité : l’API des organisateurs
privacy-api-sharing = Les propres systèmes du secrétariat (son fichier de contacts, son outil d’envoi de lettres) peuvent recevoir votre inscription par l’API des organisateurs de Convoca, pour les mêmes finalités et seulement avec une clé qu’un administrateur leur a donnée et peut retirer.
