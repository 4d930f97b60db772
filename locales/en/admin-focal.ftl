admin-approval-focal-point = Approved by the member's focal point (the organiser decides for those without one)
admin-focal-pending = Registrations awaiting approval, by organisation
admin-focal-no-organisation = Organisation typed in by the registrant
admin-focal-waits-focal = the member's focal point decides (digest sent daily)
admin-focal-waits-organiser = no focal point's address: the organisers decide
admin-focal-decide-instead = Decide in the focal points' place (registrations awaiting approval)
admin-message-kind-focal_digest = Focal point digest
