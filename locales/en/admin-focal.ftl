admin-approval-focal-point = Approved by the member's focal point (the organiser decides for those without one)
