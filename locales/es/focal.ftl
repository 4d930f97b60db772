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
