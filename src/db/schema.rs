//! The one portable schema, written by hand for both backends: only the SQL types that
//! diesel's `MultiBackend` supports (text UUIDs, naive UTC timestamps, booleans, integers).

diesel::table! {
    organisations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        country -> Text,
        focal_email -> Nullable<Text>,
        is_demo -> Bool,
        created_at -> Timestamp,
        focal_name -> Text,
        focal_language -> Text,
    }
}

diesel::table! {
    series (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        description -> Text,
        is_demo -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        series_id -> Nullable<Text>,
        slug -> Text,
        title -> Text,
        summary -> Text,
        description -> Text,
        language -> Text,
        starts_at -> Timestamp,
        timezone -> Text,
        duration_minutes -> Integer,
        capacity -> Integer,
        registration_opens_at -> Nullable<Timestamp>,
        registration_closes_at -> Nullable<Timestamp>,
        status -> Text,
        join_url -> Nullable<Text>,
        recording_url -> Nullable<Text>,
        version -> Integer,
        is_demo -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        reminder_offsets -> Text,
        follow_up_delay_minutes -> Integer,
        approval_mode -> Text,
    }
}

diesel::table! {
    session_documents (id) {
        id -> Text,
        session_id -> Text,
        title -> Text,
        url -> Text,
        position -> Integer,
    }
}

diesel::table! {
    speakers (id) {
        id -> Text,
        name -> Text,
        honorific -> Text,
        position -> Text,
        organisation -> Text,
        bio -> Text,
        photo_path -> Nullable<Text>,
        is_demo -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    panel_entries (id) {
        id -> Text,
        session_id -> Text,
        speaker_id -> Text,
        role -> Text,
        position -> Integer,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        session_id -> Text,
        status -> Text,
        name -> Text,
        email -> Text,
        email_normalized -> Text,
        organisation_id -> Nullable<Text>,
        organisation_other -> Nullable<Text>,
        position -> Text,
        country -> Text,
        language -> Text,
        timezone -> Nullable<Text>,
        needs -> Text,
        consent_at -> Timestamp,
        consent_version -> Text,
        newsletter -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        waitlisted_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        attended -> Nullable<Bool>,
        reminders_opt_out -> Bool,
        listed -> Bool,
        calendar_sequence -> Integer,
        announcements_opt_out -> Bool,
        erased_from -> Nullable<Text>,
        country_unmatched -> Nullable<Text>,
        pending_email -> Nullable<Text>,
        focal_rank -> Nullable<Integer>,
    }
}

diesel::table! {
    session_translations (session_id, language) {
        session_id -> Text,
        language -> Text,
        title -> Text,
        summary -> Text,
        description -> Text,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        registration_id -> Text,
        purpose -> Text,
        granted -> Bool,
        notice_version -> Text,
        recorded_at -> Timestamp,
        source -> Text,
    }
}

diesel::table! {
    content_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    schedule_runs (session_id, step, version) {
        session_id -> Text,
        step -> Text,
        version -> Integer,
        done_at -> Timestamp,
    }
}

diesel::table! {
    registration_tokens (token_hash) {
        token_hash -> Text,
        registration_id -> Text,
        purpose -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        kind -> Text,
        registration_id -> Nullable<Text>,
        dedupe_key -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        failed_at -> Nullable<Timestamp>,
        eml_file -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> series (series_id));
diesel::joinable!(session_documents -> sessions (session_id));
diesel::joinable!(panel_entries -> sessions (session_id));
diesel::joinable!(panel_entries -> speakers (speaker_id));
diesel::joinable!(registrations -> sessions (session_id));
diesel::joinable!(registrations -> organisations (organisation_id));
diesel::joinable!(registration_tokens -> registrations (registration_id));
diesel::joinable!(session_translations -> sessions (session_id));
diesel::joinable!(consents -> registrations (registration_id));
diesel::joinable!(outbox -> registrations (registration_id));
diesel::joinable!(schedule_runs -> sessions (session_id));

diesel::table! {
    organisers (id) {
        id -> Text,
        email -> Text,
        email_normalized -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        totp_secret -> Nullable<Text>,
        totp_pending_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    organiser_sessions (token_hash) {
        token_hash -> Text,
        organiser_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        stage -> Text,
        user_agent -> Text,
        client_address -> Text,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> Text,
        key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        organiser_id -> Nullable<Text>,
        organiser_name -> Text,
        action -> Text,
        subject -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organiser_sessions -> organisers (organiser_id));

diesel::table! {
    organiser_recovery_codes (id) {
        id -> Text,
        organiser_id -> Text,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_policy (id) {
        id -> Integer,
        require_second_factor -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rate_events (id) {
        id -> Text,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    newsletter_subscribers (email_normalized) {
        email_normalized -> Text,
        email -> Text,
        name -> Text,
        language -> Text,
        consented_at -> Timestamp,
        notice_version -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    series,
    sessions,
    session_documents,
    speakers,
    panel_entries,
    registrations,
    registration_tokens,
    outbox,
    organisers,
    schedule_runs,
    organiser_sessions,
    sign_in_failures,
    audit_log,
    rate_events,
    organiser_recovery_codes,
    account_policy,
    session_translations,
    consents,
    content_version,
    newsletter_subscribers,
    data_migrations,
    organiser_reset_tokens,
    mail_failures,
    suppressed_addresses,
);

diesel::table! {
    data_migrations (name) {
        name -> Text,
        applied_at -> Timestamp,
        details -> Text,
    }
}

diesel::table! {
    organiser_reset_tokens (token_hash) {
        token_hash -> Text,
        organiser_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(organiser_reset_tokens -> organisers (organiser_id));

// bounces:
diesel::table! {
    mail_failures (registration_id) {
        registration_id -> Text,
        outbox_id -> Text,
        reason -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    suppressed_addresses (email_normalized) {
        email_normalized -> Text,
        reason -> Text,
        first_bounced_at -> Timestamp,
        outbox_id -> Nullable<Text>,
    }
}

diesel::joinable!(mail_failures -> registrations (registration_id));

// longwork: long work done by the worker, with its progress.
diesel::table! {
    background_tasks (id) {
        id -> Text,
        kind -> Text,
        state -> Text,
        organiser_id -> Nullable<Text>,
        session_id -> Text,
        others_absent -> Bool,
        options -> Text,
        input_file -> Nullable<Text>,
        result_file -> Nullable<Text>,
        rows_total -> Integer,
        rows_done -> Integer,
        error_count -> Integer,
        matched -> Integer,
        marked_absent -> Integer,
        failures -> Integer,
        failure -> Nullable<Text>,
        lease_owner -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    background_task_refusals (task_id, line) {
        task_id -> Text,
        line -> BigInt,
        email -> Text,
        email_normalized -> Text,
        status -> Nullable<Text>,
    }
}

diesel::joinable!(background_task_refusals -> background_tasks (task_id));
diesel::joinable!(background_tasks -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(background_tasks, background_task_refusals, sessions);

diesel::table! {
    session_quotas (session_id) {
        session_id -> Text,
        member_seats -> Nullable<Integer>,
        partner_seats -> Nullable<Integer>,
        show_members_represented -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    session_member_quotas (session_id, organisation_id) {
        session_id -> Text,
        organisation_id -> Text,
        seats -> Integer,
    }
}

diesel::joinable!(session_quotas -> sessions (session_id));
diesel::joinable!(session_member_quotas -> sessions (session_id));
diesel::joinable!(session_member_quotas -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(session_quotas, sessions);
diesel::allow_tables_to_appear_in_same_query!(session_member_quotas, sessions);
diesel::allow_tables_to_appear_in_same_query!(session_member_quotas, organisations);
diesel::allow_tables_to_appear_in_same_query!(session_quotas, session_member_quotas);

diesel::table! {
    focal_links (token_hash) {
        token_hash -> Text,
        organisation_id -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    focal_digests (session_id, organisation_id, sent_on) {
        session_id -> Text,
        organisation_id -> Text,
        sent_on -> Text,
        reminder -> Bool,
        queued_at -> Timestamp,
    }
}

diesel::joinable!(focal_links -> sessions (session_id));
diesel::joinable!(focal_links -> organisations (organisation_id));
diesel::joinable!(focal_digests -> sessions (session_id));
diesel::joinable!(focal_digests -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(focal_links, sessions);
diesel::allow_tables_to_appear_in_same_query!(focal_links, organisations);
diesel::allow_tables_to_appear_in_same_query!(focal_digests, sessions);
diesel::allow_tables_to_appear_in_same_query!(focal_digests, organisations);
