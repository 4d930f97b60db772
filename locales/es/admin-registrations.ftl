## Área de organizadores: inscripciones de una sesión, asistencia, anuncios, informes

admin-reg-title = Inscripciones
admin-reg-heading = Inscripciones: { $title }
admin-reg-back = Volver a la sesión
admin-reg-counts = Inscripciones por estado
admin-reg-count-confirmed = confirmadas / plazas
admin-reg-count-waitlisted = en lista de espera
admin-reg-count-awaiting = pendientes de aprobación
admin-reg-count-pending = correo aún sin confirmar
admin-reg-count-cancelled = canceladas
admin-reg-count-declined = rechazadas
admin-reg-count-attended = asistieron
admin-reg-announce = Escribir a los inscritos
admin-reg-report = Informe de participación
admin-reg-search = Buscar
admin-reg-status = Estado
admin-reg-organisation = Organización
admin-reg-organisation-other = Otra (escrita por la persona inscrita)
admin-reg-country = País
admin-reg-any-status = Todos los estados
admin-reg-any-organisation = Todas las organizaciones
admin-reg-any-country = Todos los países
admin-reg-filter = Filtrar
admin-reg-clear = Quitar los filtros
admin-reg-matches = { $count ->
    [one] { $count } inscripción coincide.
   *[other] { $count } inscripciones coinciden.
}
admin-reg-empty = Ninguna inscripción coincide.
admin-reg-col-name = Nombre
admin-reg-col-email = Correo electrónico
admin-reg-col-language = Idioma
admin-reg-col-registered = Inscripción
admin-reg-col-attended = Asistencia
admin-reg-col-actions = Acciones
admin-reg-attended-yes = Sí
admin-reg-attended-no = No
admin-reg-attended-unknown = Sin registrar
admin-reg-attendance-hint = Marque inscritos confirmados en la lista y luego:
admin-reg-mark-attended = Marcar asistencia
admin-reg-mark-absent = Marcar ausencia
admin-reg-error-select = Marque al menos un inscrito confirmado en la lista
admin-reg-approve = Aprobar
admin-reg-decline = Rechazar
admin-reg-promote = Dar una plaza
admin-reg-cancel = Cancelar
admin-reg-status-pending = No ha confirmado su dirección
admin-reg-status-awaiting-approval = Espera la aprobación de un organizador
admin-reg-status-confirmed = Confirmada
admin-reg-status-waitlisted = En la lista de espera
admin-reg-status-declined = Rechazada
admin-reg-status-erased = Borrada
admin-reg-status-cancelled = Cancelada (por la persona o un organizador)
admin-flash-registration-confirmed = La inscripción está confirmada. Se está enviando un correo a la persona.
admin-flash-registration-waitlisted = La sesión está completa: la persona queda en lista de espera y se le está enviando un correo.
admin-flash-registration-declined = La inscripción está rechazada. Se está enviando un correo a la persona.
admin-flash-registration-cancelled = La inscripción está cancelada. Se está enviando un correo a la persona.
admin-flash-registration-unchanged = No cambió nada: la inscripción ya no estaba en un estado al que se aplique esta acción.
admin-flash-attendance-saved = La asistencia quedó registrada.

admin-import-title = Importar la asistencia
admin-import-intro = Suba la lista de asistencia exportada de la plataforma de vídeo. Los inscritos se identifican por su correo electrónico; solo se marcan las inscripciones confirmadas.
admin-import-file = Lista de asistencia (archivo CSV)
admin-import-file-hint = Un archivo CSV de { $max } MB como máximo, con una columna llamada Email, E-mail, User Email, Attendee Email, Courriel o Correo. Sirven comas o puntos y comas.
admin-import-others-absent = Marcar como ausentes a todos los demás inscritos confirmados
admin-import-submit = Importar la asistencia
admin-import-error-no-file = Elija el archivo CSV que desea importar
admin-import-error-too-large = El archivo supera los { $max } MB
admin-import-error-no-email-column = Ninguna columna del archivo tiene nombre de columna de correo electrónico (Email, E-mail, User Email, Attendee Email, Courriel, Correo)
admin-import-error-unreadable = No se pudo leer el archivo como texto CSV
admin-import-report-title = Asistencia importada
admin-import-heading = Asistencia importada: { $title }
admin-import-back = Volver a las inscripciones
admin-import-matched = Inscritos marcados como asistentes: { $count } (líneas leídas: { $total }).
admin-import-absent = { $count ->
    [one] { $count } inscrito confirmado más marcado como ausente.
   *[other] { $count } inscritos confirmados más marcados como ausentes.
}
admin-import-all-matched = Todas las líneas del archivo coinciden con una inscripción confirmada.
admin-import-unmatched = { $count ->
    [one] { $count } línea sin coincidencia
   *[other] { $count } líneas sin coincidencia
}
admin-import-unmatched-hint = Revise estas direcciones: alguien pudo conectarse con una dirección distinta de la que usó para inscribirse. Se puede marcar a mano en la lista.
admin-import-line = Línea
admin-import-reason = Motivo
admin-import-reason-unknown = Ninguna inscripción con esta dirección
admin-import-reason-status = La inscripción no está confirmada ({ $status })
admin-import-no-address = Sin dirección en esta línea

admin-ann-title = Anuncios
admin-ann-heading = Anuncios: { $title }
admin-ann-write = Nuevo anuncio
admin-ann-subject = Asunto
admin-ann-body = Mensaje
admin-ann-body-hint = { $max } caracteres como máximo. Deje una línea en blanco entre párrafos. Cada correo empieza con un saludo con el nombre de la persona.
admin-ann-recipients = Destinatarios
admin-ann-to-confirmed = Inscritos confirmados
admin-ann-to-waitlisted = Inscritos en lista de espera
admin-ann-to-attended = Inscritos que asistieron
admin-ann-to-absent = Inscritos que no asistieron
admin-ann-preview = Vista previa
admin-ann-send = Enviar
admin-ann-preview-title = Vista previa
admin-ann-preview-recipients = { $count ->
    [one] Este correo se enviará a { $count } inscrito.
   *[other] Este correo se enviará a { $count } inscritos.
}
admin-ann-preview-subject = Asunto:
admin-ann-preview-frame = Cada correo saluda a la persona por su nombre y termina con los datos de la sesión y el enlace para gestionar su inscripción. Pulse Enviar para ponerlo en cola, o cambie el texto y vuelva a ver la vista previa.
admin-ann-error-subject = Escriba un asunto
admin-ann-error-body = Escriba el mensaje
admin-ann-error-recipients = Elija quién recibe el anuncio
admin-ann-error-nobody = Todavía nadie corresponde a los destinatarios elegidos
admin-ann-history = Anuncios enviados
admin-ann-none = Aún no se ha enviado ningún anuncio para esta sesión.
admin-ann-count-messages = mensajes
admin-ann-deliveries = Entrega de cada mensaje
admin-ann-delivery = Entrega
admin-ann-server-answer = Respuesta del servidor de correo
admin-ann-delivery-queued = en cola
admin-ann-delivery-sending = enviándose
admin-ann-delivery-sent = enviado
admin-ann-delivery-failed = fallido
admin-ann-delivery-skipped = no enviado (inscripción cancelada)
admin-ann-retry = Reintentar los mensajes fallidos
admin-flash-announcement-sent = El anuncio está en cola y se está enviando.
admin-flash-announcement-retried = Los mensajes fallidos vuelven a estar en cola.

admin-report-title = Informe de participación
admin-report-series = Ciclo
admin-report-session = Sesión
admin-report-all-series = Todos los ciclos
admin-report-all-sessions = Todas las sesiones
admin-report-show = Mostrar
admin-report-scope-hint = Una sesión elegida tiene prioridad sobre un ciclo elegido.
admin-report-everything = Todas las sesiones
admin-report-headline = { $count ->
    [one] Participaron representantes de { $count } miembro
   *[other] Participaron representantes de { $count } miembros
}
admin-report-no-attendance = Aquí no se registró asistencia, así que se cuentan los miembros con una inscripción confirmada.
admin-report-members-of = { $count } de los { $total } miembros de la red.
admin-report-col-registered = Inscritos
admin-report-col-confirmed = Confirmados
admin-report-col-attended = Asistieron
admin-report-registered = inscritos
admin-report-confirmed = confirmados
admin-report-attended = asistieron
admin-report-members = Gobiernos miembros
admin-report-partners = Socios y otros
admin-report-other = Otras (escritas por los inscritos)
admin-report-countries = Por país
admin-report-organisation = Organización
admin-report-country = País
admin-report-no-country = Sin indicar
admin-report-total = Total
admin-report-empty = Todavía no hay inscritos.
admin-reg-count-erased = borradas (anónimas)
admin-report-unmatched = Países por corregir
admin-report-unmatched-explain = Estos países se escribieron antes de que se eligieran de una lista y no corresponden a ningún país reconocido. Se cuentan aquí, no en los países de arriba, hasta que la persona elija un país desde su enlace de gestión.
admin-report-unmatched-text = Texto escrito
