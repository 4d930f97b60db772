email-waitlisted-quota-body = Thank you for confirming. The seats reserved for your government in this session are all taken, so you are on the waiting list for your government's seats. If one of them becomes free, it goes to the next person from your government on the list, and we email you at once.
public-members-represented = { $count ->
    [one] { $count } member government represented
   *[other] { $count } member governments represented
}
privacy-focal-points = Each member government and partner organisation may name a focal point who coordinates its participation: we keep that person's name, email address and language with the organisation, to write to them about the sessions and their government's registrations, until the organisation names someone else or the person asks us to erase them.
