-- Seats per member government (and per partner organisation) in a session: a default for each
-- kind (none: no quota), exceptions per organisation, and whether the public page tells how
-- many members are represented. Only confirmed registrations hold a seat in a quota.
CREATE TABLE session_quotas (
    session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    member_seats INTEGER CHECK (member_seats >= 0),
    partner_seats INTEGER CHECK (partner_seats >= 0),
    show_members_represented BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE session_member_quotas (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    seats INTEGER NOT NULL CHECK (seats >= 0),
    PRIMARY KEY (session_id, organisation_id)
);

CREATE INDEX session_member_quotas_organisation ON session_member_quotas (organisation_id);

-- The public page shows "N members represented" when the organiser chooses: its cache follows.
CREATE TRIGGER session_quotas_insert_content AFTER INSERT ON session_quotas
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_quotas_update_content AFTER UPDATE ON session_quotas
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER session_quotas_delete_content AFTER DELETE ON session_quotas
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
