email-waitlisted-quota-body = Thank you for confirming. The seats reserved for your government in this session are all taken, so you are on the waiting list for your government's seats. If one of them becomes free, it goes to the next person from your government on the list, and we email you at once.
public-members-represented = { $count ->
    [one] { $count } member government represented
   *[other] { $count } member governments represented
}
