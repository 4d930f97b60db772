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
        language -> Text,
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
        speaker_join_url -> Nullable<Text>,
        tech_check_at -> Nullable<Timestamp>,
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
        email -> Text,
        language -> Text,
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

// feedback: a session's survey, its texts per language, one answer per registration.
diesel::table! {
    session_surveys (session_id) {
        session_id -> Text,
        enabled -> Bool,
        close_days -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    survey_texts (session_id, language) {
        session_id -> Text,
        language -> Text,
        intro -> Text,
        thanks -> Text,
        rating_question -> Text,
        usefulness_question -> Text,
        comment_question -> Text,
        topics_question -> Text,
    }
}

diesel::table! {
    survey_answers (registration_id) {
        registration_id -> Text,
        session_id -> Text,
        rating -> Integer,
        usefulness -> Integer,
        comment -> Text,
        topics -> Text,
        answered_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(session_surveys -> sessions (session_id));
diesel::joinable!(survey_answers -> registrations (registration_id));
diesel::joinable!(survey_answers -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(session_surveys, survey_texts, survey_answers, sessions);
diesel::allow_tables_to_appear_in_same_query!(survey_answers, registrations);
diesel::table! {
    api_tokens (id) {
        id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}
// join: when a registrant went through their personal join link.
diesel::table! {
    registration_joins (registration_id) {
        registration_id -> Text,
        session_id -> Text,
        first_joined_at -> Timestamp,
        last_joined_at -> Timestamp,
        times -> Integer,
    }
}

diesel::joinable!(registration_joins -> registrations (registration_id));
diesel::allow_tables_to_appear_in_same_query!(registration_joins, registrations);
diesel::allow_tables_to_appear_in_same_query!(registration_joins, sessions);
// texts: a series' title and description in languages other than its own.
diesel::table! {
    series_translations (series_id, language) {
        series_id -> Text,
        language -> Text,
        title -> Text,
        description -> Text,
    }
}

diesel::joinable!(series_translations -> series (series_id));
diesel::allow_tables_to_appear_in_same_query!(series_translations, series);
diesel::allow_tables_to_appear_in_same_query!(series_translations, sessions);

// speakers: speakers' own profiles, translations, invitations and private links.
diesel::table! {
    speaker_translations (speaker_id, language) {
        speaker_id -> Text,
        language -> Text,
        position -> Text,
        bio -> Text,
    }
}

diesel::table! {
    speaker_invitations (session_id, speaker_id) {
        session_id -> Text,
        speaker_id -> Text,
        invited_at -> Nullable<Timestamp>,
        reminded_at -> Nullable<Timestamp>,
        answered_at -> Nullable<Timestamp>,
        calendar_sequence -> Integer,
        recording_consent -> Nullable<Bool>,
        publication_consent -> Nullable<Bool>,
        consent_at -> Nullable<Timestamp>,
        consent_source -> Nullable<Text>,
    }
}

diesel::table! {
    speaker_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        speaker_id -> Text,
        expires_at -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::joinable!(speaker_translations -> speakers (speaker_id));
diesel::joinable!(speaker_invitations -> speakers (speaker_id));
diesel::joinable!(speaker_invitations -> sessions (session_id));
diesel::joinable!(speaker_tokens -> speakers (speaker_id));
diesel::joinable!(speaker_tokens -> sessions (session_id));
diesel::allow_tables_to_appear_in_same_query!(
    speaker_translations,
    speaker_invitations,
    speaker_tokens,
    speakers
);
diesel::allow_tables_to_appear_in_same_query!(speaker_invitations, sessions);
diesel::allow_tables_to_appear_in_same_query!(speaker_tokens, sessions);
diesel::allow_tables_to_appear_in_same_query!(speaker_translations, sessions);
diesel::allow_tables_to_appear_in_same_query!(speaker_invitations, panel_entries);
diesel::allow_tables_to_appear_in_same_query!(speaker_translations, panel_entries);

// webhooks: endpoints, the events raised for them, deliveries and their attempts.
diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        url -> Text,
        events -> Text,
        personal_data -> Bool,
        enabled -> Bool,
        secret_sealed -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> Text,
        kind -> Text,
        session_id -> Nullable<Text>,
        registration_id -> Nullable<Text>,
        data -> Text,
        personal -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        status_code -> Nullable<Integer>,
        outcome -> Text,
        excerpt -> Text,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_deliveries -> webhook_events (event_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_events,
    webhook_deliveries,
    webhook_attempts
);

// questions: interpretation as data (the languages a session offers, what each person follows).
diesel::table! {
    session_channels (session_id, language) {
        session_id -> Text,
        language -> Text,
    }
}

diesel::table! {
    interpretation_choices (registration_id) {
        registration_id -> Text,
        language -> Nullable<Text>,
        sign_language -> Bool,
        captions -> Bool,
    }
}

diesel::joinable!(session_channels -> sessions (session_id));
diesel::joinable!(interpretation_choices -> registrations (registration_id));
diesel::allow_tables_to_appear_in_same_query!(session_channels, sessions);
diesel::allow_tables_to_appear_in_same_query!(interpretation_choices, registrations);
diesel::allow_tables_to_appear_in_same_query!(interpretation_choices, organisations);
diesel::allow_tables_to_appear_in_same_query!(interpretation_choices, sessions);

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

// qforms: the organiser's own questions per session or series, their choices, the answers.
diesel::table! {
    questions (id) {
        id -> Text,
        session_id -> Nullable<Text>,
        series_id -> Nullable<Text>,
        position -> Integer,
        kind -> Text,
        required -> Bool,
        label_en -> Text,
        label_fr -> Text,
        label_es -> Text,
        help_en -> Text,
        help_fr -> Text,
        help_es -> Text,
        min_value -> Nullable<BigInt>,
        max_value -> Nullable<BigInt>,
        retired -> Bool,
    }
}

diesel::table! {
    question_choices (id) {
        id -> Text,
        question_id -> Text,
        position -> Integer,
        label_en -> Text,
        label_fr -> Text,
        label_es -> Text,
        retired -> Bool,
    }
}

diesel::table! {
    question_answers (registration_id, question_id) {
        registration_id -> Text,
        question_id -> Text,
        value -> Text,
    }
}

diesel::table! {
    answer_choices (registration_id, question_id, choice_id) {
        registration_id -> Text,
        question_id -> Text,
        choice_id -> Text,
    }
}

diesel::joinable!(question_choices -> questions (question_id));
diesel::joinable!(question_answers -> questions (question_id));
diesel::joinable!(answer_choices -> question_choices (choice_id));
diesel::allow_tables_to_appear_in_same_query!(questions, question_choices, question_answers, answer_choices);
diesel::allow_tables_to_appear_in_same_query!(questions, registrations);
diesel::allow_tables_to_appear_in_same_query!(question_answers, registrations);
diesel::allow_tables_to_appear_in_same_query!(answer_choices, registrations);
