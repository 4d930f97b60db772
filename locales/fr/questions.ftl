# Les questions propres à l'organisateur sur le formulaire d'inscription.
error-question-required = Veuillez répondre à cette question.
error-question-not-a-choice = Choisissez parmi les réponses proposées.
error-question-not-number = Écrivez un nombre entier.
error-question-out-of-range = Ce nombre est hors des limites permises.
error-question-too-long = Cette réponse est trop longue.
questions-yes = Oui
questions-no = Non
questions-optional = (facultatif)
