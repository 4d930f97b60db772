admin-texts-series-language = Idioma del título y de la descripción
admin-texts-series-translations = La serie en otros idiomas
admin-texts-series-translations-hint = Los visitantes que leen otro idioma ven estos textos; si falta alguno, se muestra el texto original de la serie, indicado como tal. Deje vacío el idioma original de la serie.
admin-texts-error-series-own-language = Este es el idioma original de la serie: sus textos van en los campos de arriba.
admin-texts-error-series-translation-title = Indique un título en este idioma, o deje también vacía su descripción.
