admin-approval-focal-point = Aprobada por el punto focal del miembro (el organizador decide por quienes no lo tienen)
