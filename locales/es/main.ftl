## Formatos (patrones strftime de chrono)
format-date = %A, %-d de %B de %Y
format-time = %H:%M
# Between a label and its value ("Date: …"); French puts a no-break space before the colon.
format-colon = { ":" }

## Estructura de la página
skip-to-content = Ir al contenido principal
language-switcher = Idioma
privacy-notice = Aviso de privacidad
footer-tagline = Webinarios de los gobiernos miembros de la red y de sus socios.
breadcrumb = Usted está aquí
back-to-catalogue = Volver a todos los webinarios
optional = (opcional)

## Idiomas
language-en = inglés
language-fr = francés
language-es = español
in-language-en = en inglés
in-language-fr = en francés
in-language-es = en español

## Catálogo
catalogue-title = Webinarios
catalogue-intro = Sesiones abiertas a representantes de los gobiernos miembros y de las organizaciones asociadas. Los horarios se indican en la zona horaria de cada sesión.
catalogue-upcoming = Próximas sesiones
catalogue-past = Sesiones anteriores
catalogue-none-upcoming = Aún no se ha anunciado ninguna sesión próxima.
demo-badge = Demo
demo-notice = Datos de demostración tomados de una noticia de la red Metropolis; los horarios y los enlaces se eligieron para la demostración.
catalogue-none-past = Todavía no hay sesiones anteriores.

## Disponibilidad
availability-cancelled = Cancelada
availability-past = Esta sesión ya ha tenido lugar
availability-recording = Grabación disponible
availability-waitlist = Completa: puede inscribirse en la lista de espera
seats-left = { $count ->
    [one] Queda { $count } plaza
   *[other] Quedan { $count } plazas
}
seats-left-of = { $count ->
    [one] Queda { $count } de { $capacity } plazas
   *[other] Quedan { $count } de { $capacity } plazas
}
registration-closed = Las inscripciones están cerradas
registration-opens-on = Las inscripciones se abren el { $date }

## Página de la sesión
session-cancelled = Esta sesión se ha cancelado.
session-language = Idioma
session-when = Fecha y hora
session-zone = Zona horaria: { $zone }
session-your-time = En su zona horaria:
session-duration = Duración
duration-minutes = { $minutes ->
    [one] { $minutes } minuto
   *[other] { $minutes } minutos
}
session-seats = Plazas
session-register = Inscribirse
session-about = Acerca de esta sesión
session-panel = Ponentes
session-documents = Documentos
session-recording = Grabación
session-watch-recording = Ver la grabación
speaker-photo-alt = Foto de { $name }
role-host = Bienvenida
role-moderator = Moderación
role-keynote = Conferencia magistral
role-speaker = Ponencia

## Formulario de inscripción
register-title = Inscripción: { $title }
register-heading = Inscribirse en este webinario
register-waitlist-note = Esta sesión está completa. Si se inscribe, pasará a la lista de espera y le avisaremos por correo electrónico en cuanto se le asigne una plaza.
register-submit = Inscribirse
field-name = Nombre completo
field-email = Dirección de correo electrónico
field-email-hint = Enviaremos un enlace a esta dirección para confirmar su inscripción.
field-organisation = Su gobierno u organización
field-organisation-choose = Seleccione en la lista
organisations-members = Gobiernos miembros
organisations-partners = Organizaciones socias
field-organisation-other-option = Mi organización no figura en la lista
field-organisation-other = Su organización, si no figura en la lista
field-organisation-other-hint = Solo si eligió «Mi organización no figura en la lista».
field-position = Cargo
field-country = País
field-country-hint = Déjelo vacío si eligió su gobierno u organización de la lista: usamos su país.
field-language = Idioma de nuestros correos
field-timezone = Su zona horaria
field-timezone-hint = Por ejemplo, Europe/Paris o America/Mexico_City. Nuestros correos también indican la hora de la sesión en su zona horaria.
field-needs = Necesidades de accesibilidad o de interpretación
field-needs-hint = Cualquier otra necesidad para participar, por ejemplo pausas o documentos con antelación.
field-honeypot = Deje este campo vacío
field-consent = Acepto que mis datos se utilicen para gestionar mi inscripción en este webinario, tal como se describe en el
field-newsletter = Deseo recibir el boletín de la red

## Validación
error-summary-title = Hay un problema
error-title-prefix = Error:
error-prefix = Error:
error-name-required = Indique su nombre completo
error-email-required = Indique su dirección de correo electrónico
error-email = Indique una dirección de correo electrónico con un formato válido, por ejemplo nombre@ciudad.gob
error-organisation-required = Elija su gobierno u organización, o «Mi organización no figura en la lista»
error-organisation-other-required = Indique el nombre de su organización
error-organisation-unknown = Elija una organización de la lista
error-country-required = Indique su país
error-language = Elija inglés, francés o español
error-timezone = Indique una zona horaria de la lista, por ejemplo Europe/Paris, o deje el campo vacío
error-too-long = { $max ->
    [one] Escriba como máximo { $max } carácter
   *[other] Escriba como máximo { $max } caracteres
}
error-consent = Marque la casilla para aceptar el uso de sus datos; de lo contrario, no podemos completar su inscripción
error-too-many-registrations = Han llegado demasiadas inscripciones desde su red en la última hora. Sus respuestas se conservan abajo: vuelva a intentarlo más tarde.
error-form-expired = Su formulario había caducado, por lo que no se envió. Revise sus respuestas a continuación y haga clic de nuevo en «Inscribirse».

## Después de la inscripción
received-title = Revise su correo electrónico
received-body = Le hemos enviado un correo electrónico para confirmar su inscripción en «{ $title }». Ábralo y siga el enlace: su inscripción solo será válida una vez confirmada.
received-earlier = Hace unos minutos le enviamos el correo electrónico para confirmar su inscripción en «{ $title }», y su enlace sigue funcionando: no se ha enviado nada más. Abra ese correo y siga el enlace.
confirm-page-title = Confirme su inscripción
confirm-page-body = Solo queda un paso: pulse el botón para confirmar su inscripción en «{ $title }».
confirm-page-done-title = Su dirección ya está confirmada
confirm-page-done-body = Su inscripción en «{ $title }» ya está confirmada.
confirm-page-open = Abrir mi inscripción
calendar-no-seat-title = Todavía no hay entrada de calendario
calendar-no-seat-body = La entrada de calendario llega con una plaza. Recibirá la invitación por correo electrónico en cuanto tenga una.
received-spam = Si no recibe nada en unos minutos, revise su carpeta de correo no deseado. También puede volver a inscribirse con la misma dirección: le enviaremos de nuevo el enlace.
link-invalid-title = Este enlace no funciona
link-invalid-body = Es posible que haya caducado o que se haya copiado de forma incompleta. Abra el correo más reciente que le hemos enviado o vuelva a inscribirse para recibir un nuevo enlace.
confirm-session-unavailable = Esta sesión se ha cancelado o ya ha comenzado, por lo que no se ha podido confirmar la inscripción.

## Página de gestión
manage-title = Su inscripción
manage-your-time = En su zona horaria: { $time }
manage-join = Unirse al webinario
manage-calendar = Añadir a mi calendario (.ics)
manage-details = Sus datos
manage-cancel-explain = Si ya no puede asistir, cancele su inscripción para que otra persona de la lista de espera pueda ocupar su plaza.
manage-cancel = Cancelar mi inscripción
manage-back-to-session = Volver a la sesión
status-pending = Pendiente de su confirmación: siga el enlace de nuestro correo electrónico.
status-awaiting_approval = Su dirección está confirmada. Los organizadores revisan cada inscripción a este webinario: le enviaremos su respuesta por correo.
status-declined = Los organizadores no pudieron ofrecerle una plaza en este webinario.
flash-awaiting = Gracias: su dirección está confirmada. Los organizadores revisarán su inscripción y le escribirán.
email-awaiting-subject = Inscripción recibida: { $title }
email-awaiting-body = Gracias por confirmar su dirección. Los organizadores revisan cada inscripción a este webinario; le escribiremos en cuanto hayan decidido.
email-declined-subject = Inscripción no aceptada: { $title }
email-declined-body = Lo sentimos: los organizadores no pudieron ofrecerle una plaza en este webinario. Encontrará otros webinarios de la red en nuestro sitio.
status-confirmed = Su inscripción está confirmada: tiene una plaza reservada.
status-waitlisted = Está en la lista de espera. Le escribiremos en cuanto se le asigne una plaza.
status-erased = Sus datos se han borrado.
status-cancelled = Su inscripción está cancelada.
flash-confirmed = Gracias: su inscripción está confirmada. Le hemos enviado un correo electrónico con la invitación para su calendario.
flash-waitlisted = Gracias por su confirmación. La sesión está completa, por lo que está en la lista de espera.
flash-unchanged = Su inscripción ya estaba confirmada: no ha cambiado nada.
flash-cancelled = Su inscripción se ha cancelado. Le hemos enviado una confirmación por correo electrónico.

## Aviso de privacidad
privacy-version = Versión { $version }
privacy-what = Cuando se inscribe en un webinario, conservamos su nombre, dirección de correo electrónico, organización, cargo, país, idioma preferido y zona horaria, el idioma en el que seguirá la sesión, si necesita interpretación en lengua de signos o subtítulos en directo, las demás necesidades de accesibilidad o de interpretación que nos indique, sus respuestas a las preguntas que los organizadores hacen en el formulario y la fecha en que aceptó este aviso.
privacy-why = Los utilizamos para gestionar su inscripción: confirmarla, enviarle el enlace de acceso, los recordatorios, los cambios, los anuncios de la organización sobre el webinario y la grabación (cada recordatorio y cada anuncio incluye un enlace para detenerlos), así como para informar de cuántos miembros participaron. El equipo organizador de la secretaría de la red puede consultarlos.
privacy-newsletter = Solo le enviamos el boletín si marcó esa casilla; puede darse de baja en cualquier momento.
privacy-control = El enlace que figura en cada uno de nuestros correos (su enlace de gestión) le muestra los datos que conservamos sobre usted y le permite descargarlos, modificar sus datos y preferencias, cancelar su inscripción o borrar sus datos de inmediato; una nueva dirección de correo solo se usa una vez confirmada desde ese buzón, y la anterior recibe entonces un aviso.
privacy-retention = Los datos de su inscripción se eliminan { $count } días después del webinario; solo conservamos recuentos anónimos de participación por organización miembro y país.

## Correos electrónicos
email-hello = Hola, { $name }:
email-hello-neutral = Hola:
email-confirm-subject = Por favor, confirme su inscripción: { $title }
email-confirm-body = Gracias por inscribirse. Le rogamos que confirme que esta es su dirección de correo electrónico siguiendo el enlace que figura a continuación: su inscripción solo será válida una vez confirmada.
email-confirm-ignore = Si no ha solicitado inscribirse, ignore este mensaje: no ocurrirá nada sin su confirmación.
email-confirm-action = Confirmar mi inscripción
email-already-subject = Inscripción ya registrada: { $title }
email-already-body = Alguien, probablemente usted, ha solicitado volver a inscribirse con esta dirección de correo electrónico. No ha cambiado nada. { $status }
email-registered-subject = Inscripción confirmada: { $title }
email-registered-body = Su plaza está confirmada. A continuación encontrará el enlace para unirse; le rogamos que conserve este correo.
email-calendar-invitation = Este correo es también su invitación de calendario: su programa de correo o de calendario puede añadir la sesión a su calendario (se adjunta una copia, invite.ics). Aceptarla o rechazarla desde el calendario no cambia nada en su inscripción: para cancelarla, utilice «Ver o cancelar mi inscripción» en este correo.
email-calendar-removed = Este correo también elimina la sesión de su calendario.
email-promoted-subject = Se le ha asignado una plaza: { $title }
email-promoted-body = Buenas noticias: se ha liberado una plaza y ahora es suya. A continuación encontrará el enlace para unirse.
email-waitlisted-subject = Está en la lista de espera: { $title }
email-waitlisted-body = Gracias por su confirmación. La sesión está completa, por lo que está en la lista de espera. Si se libera una plaza, se la asignamos a la siguiente persona de la lista y le avisamos de inmediato por correo electrónico.
email-cancelled-subject = Inscripción cancelada: { $title }
email-cancelled-body = Su inscripción se ha cancelado. Si se trata de un error, puede volver a inscribirse mientras las inscripciones sigan abiertas.
email-session-label = Webinario
email-when-label = Fecha y hora
email-your-time-label = En su zona horaria
email-join-label = Enlace de acceso
email-details-label = Detalles
email-manage-label = Gestionar su inscripción
email-manage-action = Ver o cancelar mi inscripción
email-online = En línea
email-footer-manage = Consulte, modifique o cancele su inscripción: { $link }
email-footer-why = Recibe este correo porque esta dirección se utilizó para inscribirse en un webinario.

## Páginas de error
error-not-found-title = Página no encontrada
error-not-found = La página solicitada no existe. Es posible que se haya trasladado o que la dirección contenga un error.
error-forbidden-title = Acción no permitida
error-forbidden = Se ha rechazado esta acción. Si estaba enviando un formulario, vuelva atrás, recargue la página e inténtelo de nuevo.
error-bad-request-title = La solicitud contenía un error
error-bad-request = No se ha podido interpretar la solicitud. Vuelva atrás e inténtelo de nuevo.
error-too-large = Los datos enviados son demasiado grandes.
error-too-many-title = Demasiadas solicitudes
error-too-many = Espere un momento antes de volver a intentarlo.
error-unavailable-title = Servicio no disponible temporalmente
error-unavailable = El servicio está saturado o en mantenimiento. Vuelva a intentarlo dentro de unos minutos.
error-internal-title = Se ha producido un error
error-internal = Se ha producido un error inesperado por nuestra parte. Ha quedado registrado; vuelva a intentarlo más tarde.

## Motor de correos
time-in-days = { $count ->
    [one] dentro de { $count } día
   *[other] dentro de { $count } días
}
time-in-hours = { $count ->
    [one] dentro de { $count } hora
   *[other] dentro de { $count } horas
}
time-in-minutes = { $count ->
    [one] dentro de { $count } minuto
   *[other] dentro de { $count } minutos
}
email-reminder-subject = Recordatorio: «{ $title }» empieza { $when }
email-reminder-body = Le recordamos que el webinario «{ $title }» empieza { $when }. El enlace para participar figura a continuación.
email-footer-reminders-off = Dejar de recibir recordatorios de este webinario: { $link }
email-updated-subject = Nuevo horario: { $title }
email-updated-body = El horario de este webinario ha cambiado. La nueva fecha y hora figuran a continuación.
email-updated-calendar = Este correo también actualiza la sesión en su calendario.
email-changed-subject = Actualización: { $title }
email-changed-body = Los datos de este webinario han cambiado. A continuación figuran el título y la información para unirse tal como son ahora.
email-session-cancelled-subject = Cancelado: { $title }
email-session-cancelled-body = Lo sentimos: este webinario ha sido cancelado. Su inscripción termina con él.
calendar-replies-note = Responder desde su calendario (aceptar, rechazar) no cambia nada en su inscripción. Para cancelarla, utilice el enlace de su correo de inscripción.
calendar-cancelled-note = Cancelado: esta sesión ya no figura en su calendario.
email-catalogue-action = Ver los webinarios
email-follow-up-subject = Grabación y documentos: { $title }
email-follow-up-attended = Gracias por su participación. A continuación encontrará la grabación y los documentos del webinario.
email-follow-up-absent = No pudo asistir al webinario: a continuación puede ver la grabación y leer los documentos.
email-follow-up-body = La grabación y los documentos del webinario ya están disponibles a continuación.
manage-reminders-on = Le enviamos recordatorios antes del webinario.
manage-reminders-off = Ha desactivado los recordatorios de este webinario.
manage-reminders-stop = Dejar de recibir recordatorios
manage-reminders-start = Volver a recibir recordatorios
reminders-off-title = Dejar de recibir recordatorios
reminders-off-body = ¿Dejar de recibir los recordatorios de «{ $title }»? Su inscripción se mantiene y le seguiremos avisando si el webinario cambia.
reminders-off-confirm = Dejar de recibir recordatorios
flash-reminders-off = Recordatorios desactivados. Su inscripción se mantiene.
flash-reminders-on = Los recordatorios vuelven a estar activos.

## Privacy: a person's own data
privacy-your-data = Sus datos
privacy-download = Descargar lo que conservamos sobre usted (JSON)
privacy-erase-explain = Puede borrar sus datos en cualquier momento. Su inscripción termina y solo conservamos cifras anónimas (qué organización y qué país participaron).
privacy-erase-confirm = Entiendo que esto no se puede deshacer
privacy-erase = Borrar mis datos
flash-erase-unconfirmed = Para borrar sus datos, marque la casilla de confirmación y vuelva a pulsar el botón.
erased-title = Sus datos se han borrado
erased-body = Ya no conservamos su nombre, su dirección de correo ni sus demás datos de este webinario, y los enlaces de nuestros correos ya no funcionan.

# Consentimiento por finalidad
field-listed = Mostrar mi nombre y mi organización entre los participantes en la página de la sesión
manage-choices = Sus preferencias
manage-choices-save = Guardar mis preferencias
flash-choices-saved = Sus preferencias se han guardado.
privacy-purposes = Lo que usted acepta
privacy-purpose-registration = Su inscripción (obligatoria): usamos sus datos para gestionarla, como se describe arriba.
privacy-purpose-listed = Figurar en la lista (opcional): si marca esa casilla, su nombre y su organización aparecen entre los participantes en la página pública de la sesión. Puede retirarlo en cualquier momento desde su enlace de gestión.
privacy-consent-record = Registramos cada consentimiento y cada retirada con la hora y la versión de este aviso que se le mostró; la descarga desde su enlace de gestión incluye ese registro.
session-participants = Participantes
session-participants-explain = Participantes inscritos que eligieron figurar en la lista.
session-content-fallback = Este texto no está disponible en su idioma; se muestra { $language }.

## Anuncios: detenerlos y reanudarlos
email-footer-announcements-off = Dejar de recibir los anuncios de la organización sobre este webinario: { $link }
manage-announcements-on = La organización puede enviarle anuncios sobre este webinario.
manage-announcements-off = Ha detenido los anuncios de la organización sobre este webinario.
manage-announcements-stop = Dejar de recibir anuncios
manage-announcements-start = Volver a recibir anuncios
announcements-off-title = Dejar de recibir anuncios
announcements-off-body = ¿Dejar de recibir los anuncios de la organización sobre «{ $title }»? Su inscripción se mantiene y le seguiremos enviando la confirmación, los recordatorios y cualquier cambio del webinario.
announcements-off-confirm = Dejar de recibir anuncios
privacy-organiser-security = Cuentas de los organizadores: cada sesión iniciada guarda cuándo empezó y cuándo se usó por última vez, el nombre del navegador y la dirección de la que vino, que el organizador ve en su propia lista y que se borran al terminar o caducar la sesión; el registro de seguridad guarda, para los administradores, los accesos, los intentos fallidos y los cambios de cuenta con el correo del organizador y la dirección del acceso. Las direcciones de los inscritos nunca se guardan allí. Un enlace para restablecer la contraseña se guarda solo como hash, funciona una sola vez durante 30 minutos y se borra al caducar o con la cuenta.

# convoca mail-test
email-test-subject = Mensaje de prueba de Convoca
email-test-body = Este mensaje lo puso en cola `convoca mail-test` y lo envió el servicio de correo de { $link }: el correo de esta instancia llega a este buzón.


# The privacy notice, generated from the settings
privacy-who = Quién es responsable
privacy-controller = El responsable del tratamiento es { $name }.
privacy-contact = Preguntas y solicitudes sobre sus datos:
privacy-how-long = Cuánto tiempo conservamos qué
privacy-retention-kept = Los datos de su inscripción se conservan hasta que usted los borre: este servicio está configurado para guardarlos, sin eliminación automática. Los recuentos anónimos de participación por organización miembro y país se conservan en todo caso.
privacy-retention-newsletter = Si pidió el boletín, solo conservamos su dirección, nombre, idioma y la fecha en que aceptó (con la versión de este aviso) hasta que se dé de baja, también después de eliminar los datos de su inscripción.
privacy-retention-mail = Las copias de los correos que le enviamos se eliminan { $count } días después del envío.
privacy-retention-mail-kept = Las copias de los correos que le enviamos se conservan hasta que se borren sus datos.
privacy-retention-logs = El registro de lo que los organizadores hicieron con su inscripción y el seguimiento del envío de nuestros correos dejan de nombrarle cuando sus datos se borran o se eliminan.
privacy-rights-title = Sus derechos y cómo ejercerlos
privacy-rights = Puede consultar los datos que conservamos sobre usted y descargarlos, pedir que se rectifiquen, retirar cualquier consentimiento, oponerse a su uso y pedir que se borren; también puede presentar una reclamación ante su autoridad de protección de datos.
privacy-rights-contact = Para cualquier otra solicitud (todas sus inscripciones a la vez, un enlace perdido, una rectificación), escriba a:


## Countries, time zones, changing one's details (self-service)
field-country-choose = Elija un país
error-country-unknown = Elija un país de la lista
field-timezone-pick-hint = Elija su zona entre estas, o busque otra más abajo. Nuestros correos indican también la hora de la sesión en su zona.
field-timezone-none = Sin zona horaria (horas en la zona de la sesión)
field-timezone-search = Buscar otra zona horaria
field-timezone-search-hint = Una ciudad o región, por ejemplo Nairobi o Buenos Aires
field-timezone-search-button = Buscar zonas horarias
timezone-search-found = { $count ->
    [one] Se encontró una zona: ahora figura en la lista de arriba.
   *[other] Se encontraron { $count } zonas: ahora figuran en la lista de arriba.
}
timezone-search-none = Ninguna zona horaria coincide con esta búsqueda. Pruebe con el nombre de una gran ciudad cercana.
details-title = Modificar sus datos
details-explain = Su plaza y el estado de su inscripción no cambian. Una nueva dirección de correo solo se usa una vez confirmada desde ese buzón.
details-email-hint = Si la cambia, enviamos un enlace a la nueva dirección; mientras no lo siga, seguimos escribiendo a la actual.
details-submit = Guardar mis datos
details-pending-email = Se envió un enlace a { $email }: la dirección cambia cuando lo siga.
manage-details-change = Modificar sus datos
error-email-taken = Esta dirección ya está inscrita en este seminario web
flash-details-saved = Sus datos se han guardado.
flash-details-email-pending = Sus datos se han guardado. Enviamos un enlace a su nueva dirección: sígalo para usarla.
flash-details-unchanged = No cambió nada.
flash-email-changed = Su nueva dirección de correo está confirmada: a partir de ahora le escribimos a ella.
flash-email-taken = Esta dirección se inscribió en este seminario web mientras tanto: su dirección no cambió.
email-change-title = Confirme su nueva dirección de correo
email-change-body = Confirme que este buzón es suyo: lo usaremos entonces para su inscripción en { $title }.
email-change-button = Confirmar esta dirección
email-details-changed-subject = Sus datos se modificaron: { $title }
email-details-changed-body = Los datos de su inscripción se modificaron desde su enlace de gestión. Su plaza y el estado de su inscripción no cambian.
email-details-changed-not-you = Si usted no hizo este cambio, abra su inscripción con el botón de abajo y corríjala.
email-change-request-subject = Confirme su nueva dirección de correo: { $title }
email-change-request-body = Alguien pidió usar esta dirección para una inscripción en este seminario web. Siga el enlace de abajo para confirmar que este buzón es suyo.
email-change-request-ignore = Si no lo pidió, ignore este mensaje: nada cambia sin su confirmación.
email-change-request-action = Confirmar esta dirección
email-address-changed-subject = Su dirección de correo se cambió: { $title }
email-address-changed-body = Su inscripción usa ahora otra dirección, confirmada desde ese buzón. No volveremos a escribir a esta dirección sobre ella.
email-address-changed-not-you = Si no lo pidió, responda a este mensaje para que los organizadores puedan ayudarle.

# Organiser password reset
email-password-reset-subject = Restablecer su contraseña de Convoca
email-password-reset-body = Alguien (esperamos que usted) pidió restablecer la contraseña de su cuenta de organizador. El botón de abajo le permite elegir una nueva; funciona una sola vez, durante { $minutes } minutos.
email-password-reset-ignore = Si no lo pidió, ignore este mensaje: su contraseña no cambia.
email-password-reset-action = Elegir una contraseña nueva
reset-link-again-body = Los enlaces para restablecer la contraseña funcionan una sola vez, durante 30 minutos, y un enlace más reciente anula los anteriores. Pida uno nuevo.
reset-link-again = Pedir un enlace nuevo

privacy-bounces = Si nuestro correo a su dirección falla, anotamos la respuesta del servidor de correo con su inscripción para que los organizadores puedan corregir la dirección. Si se rechaza definitivamente, guardamos la dirección y esa respuesta en una lista para no enviarle más correo, hasta que un organizador la quite, se borren sus datos o pase el tiempo durante el que se guardan las inscripciones.

# El aviso de privacidad (público).
privacy-retention-attendance-files = Cuando los organizadores suben la lista de asistencia de un webinario exportada por la plataforma de vídeo, el archivo se borra en cuanto queda registrado; sus líneas que no corresponden a ninguna inscripción confirmada (una dirección y un número de línea) se guardan { $count } días para su revisión, y las que le nombran se borran cuando se eliminan sus datos. Las listas de inscritos que los organizadores exportan en segundo plano se borran { $count } días después de crearse.
