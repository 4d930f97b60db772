# Exportaciones: lo que cada persona seguirá, y las líneas del informe para las preguntas de la sesión.
export-col-follows = Idioma que sigue
export-col-sign-language = Interpretación en lengua de señas
export-col-captions = Subtítulos
export-report-answered = Respuestas
export-report-retired = { $name } (retirada)
