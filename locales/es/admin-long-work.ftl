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
admin-task-refreshing = Esta página se actualiza sola hasta que el trabajo termine. El trabajo sigue si sale de ella: guarde su dirección para volver.
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
# El aviso de privacidad (público).
privacy-retention-attendance-files = Cuando los organizadores suben la lista de asistencia de un webinario exportada por la plataforma de vídeo, el archivo se borra en cuanto queda registrado; sus líneas que no corresponden a ninguna inscripción confirmada (una dirección y un número de línea) se guardan { $count } días para su revisión, y las que le nombran se borran cuando se eliminan sus datos. Las listas de inscritos que los organizadores exportan en segundo plano se borran { $count } días después de crearse.
