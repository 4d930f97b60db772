## Área de organizadores: directorio de ponentes, paneles de las sesiones, organizaciones
admin-dir-optional = (opcional)
admin-dir-demo = Demo

admin-speakers-title = Ponentes
admin-speakers-new = Nuevo ponente
admin-speakers-search-label = Buscar por nombre u organización
admin-speakers-search = Buscar
admin-speakers-show-all = Mostrar todos los ponentes
admin-speakers-found = { $count ->
    [one] { $count } ponente coincide con «{ $name }».
   *[other] { $count } ponentes coinciden con «{ $name }».
}
admin-speakers-none = El directorio está vacío. Añada el primer ponente con «Nuevo ponente».
admin-speakers-no-match = Ningún ponente coincide con «{ $name }».
admin-speaker-photo = Foto
admin-speaker-no-photo = Sin foto
admin-speaker-name = Nombre
admin-speaker-name-required = Escriba el nombre del ponente
admin-speaker-honorific = Tratamiento
admin-speaker-honorific-hint = Por ejemplo Dr., Alcaldesa o Concejal. Se muestra delante del nombre.
admin-speaker-position = Cargo
admin-speaker-organisation = Organización
admin-speaker-bio = Biografía
admin-speaker-bio-hint = Se muestra en la página pública de la sesión. Como máximo { $max } caracteres; se conservan los saltos de línea.
admin-speaker-panels = Paneles
admin-speaker-no-panels = Este ponente todavía no figura en ningún panel.
admin-speaker-back = Volver a los ponentes
admin-speaker-edit-title = Editar { $name }
admin-speaker-create = Añadir ponente
admin-speaker-save = Guardar los cambios
admin-speaker-photo-file = Archivo de imagen
admin-speaker-photo-hint = JPEG, PNG o WebP, como máximo { $max } MB. Una imagen cuadrada da el mejor resultado.
admin-speaker-photo-upload = Subir la foto
admin-speaker-photo-remove = Quitar la foto
admin-speaker-photo-current = Foto actual de { $name }
admin-speaker-photo-missing = Elija un archivo de imagen para subir
admin-speaker-photo-type = El archivo no es una imagen JPEG, PNG o WebP
admin-speaker-photo-too-large = El archivo supera los { $max } MB: elija una imagen más ligera
admin-speaker-delete-title = Eliminar este ponente
admin-speaker-delete-hint = Solo se puede eliminar un ponente que no figure en ningún panel.
admin-speaker-delete = Eliminar el ponente
admin-speaker-on-panels = { $count ->
    [one] Este ponente figura en el panel de { $count } sesión ({ $title }). Retírelo primero de ese panel.
   *[other] Este ponente figura en los paneles de { $count } sesiones ({ $title }). Retírelo primero de esos paneles.
}
admin-flash-speaker-created = El ponente se ha añadido al directorio. Ahora puede añadir una foto.
admin-flash-speaker-updated = El ponente se ha actualizado.
admin-flash-speaker-deleted = El ponente se ha eliminado.
admin-flash-photo-saved = La foto se ha guardado.
admin-flash-photo-removed = La foto se ha quitado.

admin-panel-title = Panel: { $title }
admin-panel-back = Volver a la sesión
admin-panel-public-page = Ver la página pública de la sesión
admin-panel-order = Orden
admin-panel-role = Función
admin-panel-role-of = Función de { $name }
admin-panel-empty = Todavía no hay nadie en este panel.
admin-panel-move-up = Subir
admin-panel-move-down = Bajar
admin-panel-change-role = Cambiar la función
admin-panel-remove = Quitar del panel
admin-panel-add-title = Añadir un ponente
admin-panel-speaker = Ponente
admin-panel-speaker-hint = Elija en el directorio de ponentes. ¿Todavía no figura en él?
admin-panel-choose-speaker = Elija un ponente
admin-panel-no-choices = Todos los ponentes del directorio figuran ya en este panel.
admin-panel-add = Añadir al panel
admin-panel-speaker-required = Elija un ponente del directorio
admin-panel-role-invalid = Elija una función de la lista
admin-panel-already = Este ponente ya figura en este panel
admin-panel-unknown-speaker = Este ponente ya no figura en el directorio
admin-flash-panel-added = El ponente se ha añadido al panel.
admin-flash-panel-moved = El orden del panel se ha cambiado.
admin-flash-panel-role = La función se ha cambiado.
admin-flash-panel-removed = El ponente se ha quitado del panel.

admin-org-members = Gobiernos miembros
admin-org-partners = Organizaciones socias
admin-org-admin-only = Solo los administradores pueden añadir, modificar o fusionar organizaciones.
admin-org-name = Nombre
admin-org-kind = Tipo
admin-org-kind-member = Gobierno miembro
admin-org-kind-partner = Organización socia
admin-org-country = País
admin-org-focal-email = Correo del punto focal
admin-org-focal-email-hint = La persona a la que escribe la secretaría en esta organización.
admin-org-focal-name = Nombre del punto focal
admin-org-focal-language = Idioma del punto focal
admin-org-focal-language-hint = Los mensajes al punto focal se escriben en este idioma.
admin-org-registrations = Inscripciones
admin-org-none = Ninguna por ahora.
admin-org-new = Nueva organización
admin-org-create = Añadir la organización
admin-org-edit-title = Editar { $name }
admin-org-save = Guardar los cambios
admin-org-back = Volver a las organizaciones
admin-org-name-required = Escriba el nombre de la organización
admin-org-name-taken = Ya existe una organización con este nombre
admin-org-kind-invalid = Elija gobierno miembro u organización socia
admin-org-country-required = Escriba el país
admin-flash-organisation-created = La organización se ha añadido.
admin-flash-organisation-updated = La organización se ha actualizado.

admin-merge-title = Organizaciones escritas por los inscritos
admin-merge-intro = Las personas que no encontraron su organización en la lista escribieron su nombre. Al fusionar un nombre con un gobierno miembro o una organización socia, esas inscripciones pasan a contar para ella y el nombre escrito se borra.
admin-merge-text = Nombre tal como se escribió
admin-merge-into = Fusionar con
admin-merge-choose = Elija una organización
admin-merge = Fusionar
admin-merge-none = Todas las personas inscritas eligieron su organización de la lista.
admin-merge-organisation-required = Elija el gobierno miembro o la organización socia con la que fusionar
admin-merge-nothing = Ya no hay ninguna inscripción con este nombre
admin-flash-merged = Las inscripciones se han vinculado a la organización.
