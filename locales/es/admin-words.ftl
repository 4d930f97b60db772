# Palabras para organizadores (asistente `words`): las páginas de organizadores hablan de los inscritos en tercera persona.

## La página de una sesión cancelada
admin-hub-cancelled-told = { $count ->
    [one] Se informa por correo de la cancelación a una persona inscrita.
   *[other] Se informa por correo de la cancelación a { $count } personas inscritas.
}
admin-hub-cancelled-sent = correos de cancelación enviados
admin-hub-cancelled-queued = aún por enviar
admin-hub-cancelled-failed = no se pudieron entregar

## Páginas de administradores denegadas a otros organizadores
admin-forbidden-title = Esta página es para administradores
admin-forbidden = Solo los administradores pueden abrir esta página o hacer esta acción. Pídalo a un administrador si hace falta.
admin-forbidden-back = Volver a las sesiones

## Una inscripción vista por un organizador
admin-person-email = Correo electrónico
admin-person-organisation = Gobierno u organización
admin-person-position = Cargo
admin-person-country = País
admin-person-language = Idioma de los correos que se le envían
admin-person-timezone = Zona horaria de la persona
admin-person-needs = Necesidades de accesibilidad o interpretación
admin-person-newsletter = Pidió el boletín de la red
admin-consent-given = Consentimiento dado el { $date } (aviso de privacidad del { $version })

## Etiquetas del área de organizadores
admin-session-when = Fecha y hora
admin-session-documents = Documentos
admin-account-name = Nombre completo
admin-account-email = Correo electrónico

## Asistencia
admin-import-error-not-started = La sesión aún no ha empezado: la asistencia se puede importar una vez que haya comenzado.

## Ponentes desde un panel
admin-speaker-back-to-panel = Volver al panel
admin-flash-speaker-ready = El ponente ya está en el directorio y seleccionado abajo: falta añadirlo al panel.

## Retirar los datos de demostración
admin-demo-title = Retirar los datos de demostración
admin-demo-present = La lista contiene las sesiones de demostración cargadas en la instalación.
admin-demo-none = No quedan datos de demostración.
admin-demo-explain = Esta acción retira definitivamente los datos de demostración cargados en la base vacía:
admin-demo-sessions = { $count ->
    [one] una sesión de demostración, con su panel, documentos y traducciones
   *[other] { $count } sesiones de demostración, con sus paneles, documentos y traducciones
}
admin-demo-registrations = { $count ->
    [one] una inscripción ficticia, con sus correos
   *[other] { $count } inscripciones ficticias, con sus correos
}
admin-demo-speakers = { $count ->
    [one] un ponente de demostración
   *[other] { $count } ponentes de demostración
}
admin-demo-organisations = { $count ->
    [one] una organización de demostración
   *[other] { $count } organizaciones de demostración
}
admin-demo-series = { $count ->
    [one] una serie de demostración
   *[other] { $count } series de demostración
}
admin-demo-kept = Se conservan un ponente de demostración incluido en un panel real, una organización de demostración citada por una inscripción real y una serie de demostración que contiene una sesión real.
admin-demo-confirm = Sí, retirar definitivamente los datos de demostración
admin-demo-confirm-missing = Marque la casilla para confirmar el retiro definitivo de los datos de demostración.
admin-demo-remove = Retirar los datos de demostración
admin-flash-demo-removed = Los datos de demostración se han retirado.

## Cuentas
admin-error-account-name-required = Indique el nombre completo de la persona
# The seats column of the sessions list for a cancelled session.
admin-sessions-no-seats = Ninguna: cancelada
