texts-announcement-fallback = Ce message n'a pas été rédigé dans votre langue ; il est affiché { $language }.
texts-focal-register-action = S'inscrire à la session
texts-focal-footer = Vous recevez ce message en tant que point focal de { $name } dans le réseau. Transmettez le lien d'inscription aux responsables de votre gouvernement qui devraient y participer.
