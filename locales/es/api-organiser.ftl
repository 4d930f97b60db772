## Los documentos de problema de la API de organizadores (RFC 9457) y sus rechazos de token (RFC 6750)
api-token-problem-title = No autorizado
api-token-problem-missing = Esta operación necesita un token de la API de organizadores en una cabecera Authorization: Bearer.
api-token-problem-unknown = Este token no se conoce. Compruebe que se copió entero.
api-token-problem-revoked = Este token fue revocado. Pida uno nuevo a un administrador.
api-token-problem-expired = Este token ha caducado. Pida uno nuevo a un administrador.
api-token-problem-scope-title = Prohibido
api-token-problem-scope = Este token no tiene el alcance que necesita esta operación (indicado en la cabecera WWW-Authenticate).
api-fields-invalid-title = Campos no válidos
api-fields-invalid = Se rechazaron algunos campos; cada uno figura en invalid-params con el motivo.
api-param-filter-text = Demasiado largo, o contiene un carácter de control.
api-param-status = Debe ser pending, awaiting_approval, confirmed, waitlisted, cancelled o declined.
api-param-mail = Debe ser failed, u omitirse.
api-param-separator = Debe ser comma o semicolon.
api-organiser-session-not-found = Ninguna sesión tiene este identificador.
api-organiser-attendance-too-long = El archivo tiene más de { $max } líneas: súbalo en la página de organizadores, que procesa los archivos largos en segundo plano.
api-organiser-conflict-title = Conflicto
api-organiser-too-large-title = Contenido demasiado grande
api-organiser-too-large = El cuerpo de la petición supera lo que acepta esta operación.
api-organiser-body-title = Petición incorrecta
api-organiser-body = El cuerpo debe ser un objeto JSON con los campos de la sesión.
api-organiser-method = Esta dirección no responde a este método; la cabecera Allow indica los que responde.
api-field-unknown = No es un campo de sesión; compruebe cómo está escrito.
api-field-integer = Debe ser un número entero.
api-field-text = Debe ser una cadena de texto.

## El aviso de privacidad: la API de organizadores
privacy-api-sharing = Los propios sistemas de la secretaría (su lista de contactos, su herramienta de boletines) pueden recibir su inscripción mediante la API de organizadores de Convoca, con los mismos fines y solo con una clave que un administrador les dio y puede retirar.
