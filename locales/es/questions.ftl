# Las preguntas propias del organizador en el formulario de inscripción.
error-question-required = Responda a esta pregunta.
error-question-not-a-choice = Elija entre las respuestas ofrecidas.
error-question-not-number = Escriba un número entero.
error-question-out-of-range = Este número está fuera del rango permitido.
error-question-too-long = Esta respuesta es demasiado larga.
questions-yes = Sí
questions-no = No
questions-optional = (opcional)
