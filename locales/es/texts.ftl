texts-announcement-fallback = Este mensaje no se redactó en su idioma; se muestra { $language }.
texts-focal-register-action = Inscribirse en la sesión
texts-focal-footer = Recibe este mensaje como punto focal de { $name } en la red. Comparta el enlace de inscripción con los funcionarios de su gobierno que deberían participar.
