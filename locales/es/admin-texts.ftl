admin-texts-series-language = Idioma del título y de la descripción
admin-texts-series-translations = La serie en otros idiomas
admin-texts-series-translations-hint = Los visitantes que leen otro idioma ven estos textos; si falta alguno, se muestra el texto original de la serie, indicado como tal. Deje vacío el idioma original de la serie.
admin-texts-error-series-own-language = Este es el idioma original de la serie: sus textos van en los campos de arriba.
admin-texts-error-series-translation-title = Indique un título en este idioma, o deje también vacía su descripción.
admin-texts-ann-languages-hint = Cada inscrito y cada punto focal recibe el texto en el idioma que lee; si ese idioma no está redactado, recibe el texto en el idioma de la sesión, con una línea que lo indica. El idioma de la sesión es obligatorio, los demás opcionales.
admin-texts-ann-own-language = { $language } (idioma de la sesión, obligatorio)
admin-texts-ann-other-language = { $language } (opcional)
admin-texts-ann-readers = Entre los destinatarios elegidos, { $count ->
    [one] { $count } inscrito
   *[other] { $count } inscritos
   } y { $count2 ->
    [one] { $count2 } punto focal leen
   *[other] { $count2 } puntos focales leen
   } este idioma.
admin-texts-ann-error-subject = Escriba el asunto en este idioma, o deje también vacío su mensaje
admin-texts-ann-error-body = Escriba el mensaje en este idioma, o deje también vacío su asunto
admin-texts-ann-error-unknown-member = Elija los gobiernos miembros de la lista: uno de ellos no tiene dirección de punto focal
admin-texts-ann-focal-legend = Puntos focales de los gobiernos miembros
admin-texts-ann-focal-hint = Los puntos focales no son inscritos: cada uno recibe el anuncio en su idioma, con el enlace de inscripción a la sesión y sin enlace para gestionar una inscripción. Si no se elige ninguno abajo, lo reciben todas las organizaciones con dirección de punto focal.
admin-texts-ann-to-focal-points = Puntos focales
admin-texts-ann-choose-members = Solo los puntos focales de estas organizaciones
admin-texts-ann-no-focal-points = Ninguna organización tiene todavía dirección de punto focal.
admin-texts-ann-preview-focal = { $count ->
    [one] También se enviará a { $count } punto focal.
   *[other] También se enviará a { $count } puntos focales.
}
admin-texts-ann-preview-fallback = Los lectores de un idioma no redactado reciben el texto en el idioma de la sesión, con una línea en su idioma que lo indica.
admin-message-kind-focal_point_announcement = Anuncio a un punto focal
