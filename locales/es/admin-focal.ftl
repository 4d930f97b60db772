admin-approval-focal-point = Aprobada por el punto focal del miembro (el organizador decide por quienes no lo tienen)
admin-focal-pending = Inscripciones a la espera de aprobación, por organización
admin-focal-no-organisation = Organización escrita por la persona inscrita
admin-focal-waits-focal = decide el punto focal del miembro (resumen enviado cada día)
admin-focal-waits-organiser = sin dirección de punto focal: deciden los organizadores
admin-focal-decide-instead = Decidir en lugar de los puntos focales (inscripciones a la espera de aprobación)
admin-message-kind-focal_digest = Resumen al punto focal
