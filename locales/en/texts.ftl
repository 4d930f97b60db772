texts-announcement-fallback = This message was not written in your language; it is shown { $language }.
texts-focal-register-action = Register for the session
texts-focal-footer = You receive this message as the focal point of { $name } in the network. Share the registration link with the officials of your government who should attend.
