# join: the organiser's view of joins through personal links.
admin-join-heading = Conexiones por los enlaces personales
admin-join-counts = { $count } de { $total } personas inscritas confirmadas se han conectado con su enlace personal.
admin-join-explain = Una conexión es un indicio, no una asistencia: las personas inscritas solo se marcan como asistentes cuando un organizador lo decide, aquí o con el archivo de asistencia de la plataforma.
admin-join-mark = Marcar como asistentes a quienes se conectaron
admin-flash-joined-attended = Quienes se conectaron están marcados como asistentes.
