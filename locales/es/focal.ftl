focal-hello = Hola, { $name }:
focal-digest-subject = Funcionarios a la espera de su aprobación: { $title }
focal-reminder-subject = Recordatorio: funcionarios que siguen esperando su aprobación: { $title }
focal-digest-body = { $count ->
    [one] Un funcionario de { $name } se ha inscrito y espera su aprobación:
   *[other] { $count } funcionarios de { $name } se han inscrito y esperan su aprobación:
}
focal-reminder-body = { $count ->
    [one] Un funcionario de { $name } sigue esperando su aprobación:
   *[other] { $count } funcionarios de { $name } siguen esperando su aprobación:
}
focal-digest-deadline = Su enlace personal le permite aprobarlos, rechazarlos u ordenarlos hasta que empiece la sesión. No necesita ninguna cuenta; no lo reenvíe, por favor.
focal-digest-when = Fecha
focal-digest-action = Revisar las inscripciones
focal-digest-why = Recibe este mensaje como punto focal de su gobierno ante esta red.
focal-page-title = Los funcionarios de su gobierno
focal-page-for = Como punto focal de { $name }
focal-page-intro = Apruebe o rechace a cada funcionario inscrito. Quienes usted apruebe ocupan un lugar entre los de su gobierno; si no queda ninguno, esperan en el orden que usted fije a continuación.
focal-officials = Inscripciones a esta sesión
focal-officials-none = Nadie de su gobierno se ha inscrito todavía a esta sesión.
focal-approve = Aprobar a { $name }
focal-decline = Rechazar a { $name }
focal-move-up = Subir a { $name }
focal-move-down = Bajar a { $name }
focal-order-note = Los primeros de esta lista obtienen los primeros lugares libres de su gobierno.
focal-upcoming = Próximas sesiones de la red
focal-upcoming-empty = No hay ninguna sesión prevista por ahora.
focal-upcoming-none = Nadie de su gobierno se ha inscrito todavía.
focal-register-link = Página de inscripción
focal-count-confirmed = lugares confirmados
focal-count-waitlisted = en lista de espera
focal-count-awaiting_approval = a la espera de aprobación
focal-status-pending = Aún no ha confirmado su dirección
focal-status-awaiting_approval = Espera su aprobación
focal-status-confirmed = Lugar confirmado
focal-status-waitlisted = En lista de espera
focal-status-declined = Rechazada
focal-status-cancelled = Cancelada
focal-status-erased = Datos borrados
focal-done-approved = Aprobada: el funcionario tiene un lugar y se le ha avisado por correo.
focal-done-waitlisted = Aprobada: no queda lugar libre entre los de su gobierno o de la sesión; el funcionario está en lista de espera y se le ha avisado.
focal-done-declined = Rechazada: se le ha avisado al funcionario por correo.
focal-done-moved = Se ha guardado el orden.
focal-done-unchanged = Nada ha cambiado: esta inscripción ya se había decidido.
focal-started-heading = Esta sesión ya ha empezado
focal-started-body = Su enlace funcionaba hasta el comienzo de la sesión. Ya no permite decidir sobre las inscripciones.
focal-not-yours-heading = Esta inscripción no es de un funcionario de su gobierno
focal-not-yours-body = Su enlace solo le permite decidir sobre los funcionarios de su propio gobierno inscritos a esta sesión.
focal-nothing-changed = No se ha modificado nada.
focal-registrant-awaiting = Su dirección está confirmada. El punto focal de su gobierno aprueba las inscripciones de sus funcionarios a este seminario web (lo hacen los organizadores cuando su organización no tiene); le escribiremos en cuanto se haya decidido.
focal-privacy = Cuando una sesión requiere la aprobación del punto focal, el punto focal de su gobierno ve su nombre, su cargo y el estado de su inscripción a esa sesión, así como las sesiones de la red a las que se han inscrito los funcionarios de su gobierno, mediante un enlace personal que solo se le envía a él y que funciona hasta el comienzo de la sesión. Sus decisiones quedan registradas en el registro de los organizadores.
