email-waitlisted-quota-body = Gracias por su confirmación. Las plazas reservadas a su gobierno en esta sesión están todas ocupadas, por lo que está en la lista de espera de las plazas de su gobierno. Si una de ellas se libera, se asigna a la siguiente persona de su gobierno en la lista y le avisamos de inmediato por correo electrónico.
public-members-represented = { $count ->
    [one] { $count } gobierno miembro representado
   *[other] { $count } gobiernos miembros representados
}
privacy-focal-points = Cada gobierno miembro y cada organización asociada puede designar un punto focal que coordina su participación: conservamos el nombre, la dirección de correo electrónico y el idioma de esa persona junto con la organización, para escribirle sobre las sesiones y las inscripciones de su gobierno, hasta que la organización designe a otra persona o la persona nos pida que los borremos.
