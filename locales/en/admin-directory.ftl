## Organiser area: speaker directory, session panels, organisations
admin-dir-optional = (optional)
admin-dir-demo = Demo

admin-speakers-title = Speakers
admin-speakers-new = New speaker
admin-speakers-search-label = Search by name or organisation
admin-speakers-search = Search
admin-speakers-show-all = Show all speakers
admin-speakers-found = { $count ->
    [one] { $count } speaker matches "{ $name }".
   *[other] { $count } speakers match "{ $name }".
}
admin-speakers-none = The directory is empty. Add the first speaker with "New speaker".
admin-speakers-no-match = No speaker matches "{ $name }".
admin-speaker-photo = Photo
admin-speaker-no-photo = No photo
admin-speaker-name = Name
admin-speaker-name-required = Enter the speaker's name
admin-speaker-honorific = Honorific
admin-speaker-honorific-hint = For example Dr, Mayor or Councillor. It is shown before the name.
admin-speaker-position = Position
admin-speaker-organisation = Organisation
admin-speaker-bio = Biography
admin-speaker-bio-hint = Shown on the public session page. At most { $max } characters; line breaks are kept.
admin-speaker-panels = Panels
admin-speaker-no-panels = This speaker is on no panel yet.
admin-speaker-back = Back to the speakers
admin-speaker-edit-title = Edit { $name }
admin-speaker-create = Add speaker
admin-speaker-save = Save changes
admin-speaker-photo-file = Picture file
admin-speaker-photo-hint = JPEG, PNG or WebP, at most { $max } MB. A square picture works best.
admin-speaker-photo-upload = Upload photo
admin-speaker-photo-remove = Remove photo
admin-speaker-photo-current = Current photo of { $name }
admin-speaker-photo-missing = Choose a picture file to upload
admin-speaker-photo-type = The file is not a JPEG, PNG or WebP picture
admin-speaker-photo-too-large = The file is larger than { $max } MB: choose a smaller picture
admin-speaker-delete-title = Delete this speaker
admin-speaker-delete-hint = Only a speaker who is on no panel can be deleted.
admin-speaker-delete = Delete speaker
admin-speaker-on-panels = { $count ->
    [one] This speaker is on the panel of { $count } session ({ $title }). Remove them from that panel first.
   *[other] This speaker is on the panels of { $count } sessions ({ $title }). Remove them from those panels first.
}
admin-flash-speaker-created = The speaker has been added to the directory. A photo can now be added.
admin-flash-speaker-updated = The speaker has been updated.
admin-flash-speaker-deleted = The speaker has been deleted.
admin-flash-photo-saved = The photo has been saved.
admin-flash-photo-removed = The photo has been removed.

admin-panel-title = Panel: { $title }
admin-panel-back = Back to the session
admin-panel-public-page = See the public session page
admin-panel-order = Order
admin-panel-role = Role
admin-panel-role-of = Role of { $name }
admin-panel-empty = Nobody is on this panel yet.
admin-panel-move-up = Move up
admin-panel-move-down = Move down
admin-panel-change-role = Change role
admin-panel-remove = Remove from the panel
admin-panel-add-title = Add a speaker
admin-panel-speaker = Speaker
admin-panel-speaker-hint = Choose from the speaker directory. Not in it yet?
admin-panel-choose-speaker = Choose a speaker
admin-panel-no-choices = Every speaker in the directory is on this panel already.
admin-panel-add = Add to the panel
admin-panel-speaker-required = Choose a speaker from the directory
admin-panel-role-invalid = Choose host, moderator, keynote or speaker
admin-panel-already = This speaker is on this panel already
admin-panel-unknown-speaker = This speaker is no longer in the directory
admin-flash-panel-added = The speaker has been added to the panel.
admin-flash-panel-moved = The panel order has been changed.
admin-flash-panel-role = The role has been changed.
admin-flash-panel-removed = The speaker has been removed from the panel.

admin-org-members = Member governments
admin-org-partners = Partner organisations
admin-org-admin-only = Only administrators can add, change or merge organisations.
admin-org-name = Name
admin-org-kind = Kind
admin-org-kind-member = Member government
admin-org-kind-partner = Partner organisation
admin-org-country = Country
admin-org-focal-email = Focal point email
admin-org-focal-email-hint = The person the secretariat writes to in this organisation.
admin-org-focal-name = Focal point name
admin-org-focal-language = Focal point language
admin-org-focal-language-hint = Messages to the focal point are written in this language.
admin-org-registrations = Registrations
admin-org-none = None yet.
admin-org-new = New organisation
admin-org-create = Add organisation
admin-org-edit-title = Edit { $name }
admin-org-save = Save changes
admin-org-back = Back to the organisations
admin-org-name-required = Enter the organisation's name
admin-org-name-taken = An organisation with this name exists already
admin-org-kind-invalid = Choose member government or partner organisation
admin-org-country-required = Enter the country
admin-flash-organisation-created = The organisation has been added.
admin-flash-organisation-updated = The organisation has been updated.

admin-merge-title = Organisations typed by registrants
admin-merge-intro = People who did not find their organisation in the list typed its name. Merging a name into a member government or partner counts those registrations under it, and removes the typed name.
admin-merge-text = Name as typed
admin-merge-into = Merge into
admin-merge-choose = Choose an organisation
admin-merge = Merge
admin-merge-none = Every registrant chose an organisation from the list.
admin-merge-organisation-required = Choose the member government or partner to merge into
admin-merge-nothing = No registration carries this name any more
admin-flash-merged = The registrations have been merged into the organisation.
