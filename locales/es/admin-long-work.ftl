# Trabajos largos hechos en segundo plano, con su página de avance (helper longwork).
admin-task-kind-attendance-import = Importación de asistencia
admin-task-state-queued = En espera
admin-task-state-running = En curso
admin-task-state-done = Terminado
admin-task-state-failed = No se pudo terminar
admin-task-rows = { $count } de { $total } filas procesadas
admin-task-percent = { $count } %
admin-task-errors = { $count ->
    [0] Ninguna fila rechazada por ahora
    [one] 1 fila rechazada por ahora
   *[other] { $count } filas rechazadas por ahora
}
admin-task-refreshing = Esta página se actualiza sola hasta que el trabajo termina. El trabajo sigue sin esta página: la lista de inscripciones de la sesión enlaza con ella.
admin-task-failed-hint = El trabajo se detuvo antes de terminar. Lo registrado queda registrado; vuelva a subir el archivo para terminarlo.
admin-task-refused-csv = Descargar todas las filas rechazadas (CSV)
admin-task-first-refused = { $count ->
    [one] La primera fila rechazada
   *[other] Las { $count } primeras filas rechazadas
}
admin-task-kind-registrations-export = Exportación de inscripciones (Excel)
admin-task-export-done = { $count ->
    [one] 1 inscripción escrita en el libro.
   *[other] { $count } inscripciones escritas en el libro.
}
admin-task-download = Descargar el libro (.xlsx)
admin-task-kept = El archivo se guarda { $count } días y luego se borra.
admin-tasks-title = Trabajos en segundo plano de esta sesión
