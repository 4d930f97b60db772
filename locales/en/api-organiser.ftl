## The organiser API's problem documents (RFC 9457) and its token refusals (RFC 6750)
api-token-problem-title = Unauthorized
api-token-problem-missing = This operation needs an organiser API token in an Authorization: Bearer header.
api-token-problem-unknown = This token is not known. Check that it was copied whole.
api-token-problem-revoked = This token was revoked. Ask an administrator for a new one.
api-token-problem-expired = This token has expired. Ask an administrator for a new one.
api-token-problem-scope-title = Forbidden
api-token-problem-scope = This token does not hold the scope this operation needs (named in the WWW-Authenticate header).
api-fields-invalid-title = Invalid fields
api-fields-invalid = Some fields were refused; each is named in invalid-params with why.
api-param-filter-text = Too long, or holds a control character.
api-param-status = Must be one of pending, awaiting_approval, confirmed, waitlisted, cancelled, declined.
api-param-mail = Must be failed, or left out.
api-param-separator = Must be comma or semicolon.
api-organiser-session-not-found = No session has this id.
api-organiser-attendance-too-long = The file has more than { $max } lines: upload it on the organiser page, which records long files in the background.
api-organiser-conflict-title = Conflict
api-organiser-too-large-title = Content Too Large
api-organiser-too-large = The body is larger than this operation accepts.
api-organiser-body-title = Bad Request
api-organiser-body = The body must be a JSON object of the session's fields.
api-organiser-method = This address does not answer this method; the Allow header lists those it answers.
api-field-unknown = Not a field of a session; check its spelling.
api-field-integer = Must be a whole number.
api-field-text = Must be a string.

## The privacy notice: the organiser API
privacy-api-sharing = The secretariat's own systems (its contact list, its mailing tool) may receive your registration through Convoca's organiser API, under the same purposes and only with a key that an administrator gave them and can withdraw.
