//! The portable schema: the same tables on SQLite and PostgreSQL (see migrations/).

diesel::table! {
    divisions (id) {
        id -> Integer,
        name -> Text,
        aliases -> Text,
        kind -> Text,
        active -> Bool,
        version -> Integer,
        created_at -> Timestamp,
        agency_id -> Integer,
        unit_agency_id -> Nullable<Integer>,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        division_id -> Nullable<Integer>,
        disabled -> Bool,
        feed_token -> Text,
        version -> Integer,
        created_at -> Timestamp,
        email -> Nullable<Text>,
        must_change_password -> Bool,
        password_changed_at -> Nullable<Timestamp>,
        totp_secret -> Nullable<Text>,
        totp_pending_secret -> Nullable<Text>,
        totp_last_step -> Nullable<BigInt>,
        agency_id -> Integer,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Integer,
        user_id -> Integer,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        session_key -> Text,
        user_id -> Integer,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        end_reason -> Nullable<Text>,
        address -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Integer,
        username -> Text,
        attempted_at -> Timestamp,
        succeeded -> Bool,
    }
}

diesel::table! {
    plans (id) {
        id -> Integer,
        year -> Integer,
        title -> Text,
        document_number -> Nullable<Text>,
        source_file -> Nullable<Text>,
        source_format -> Nullable<Text>,
        source_sha256 -> Nullable<Text>,
        version -> Integer,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        source_columns -> Text,
        agency_id -> Integer,
        upper_plan_id -> Nullable<Integer>,
    }
}

diesel::table! {
    sections (id) {
        id -> Integer,
        plan_id -> Integer,
        parent_id -> Nullable<Integer>,
        position -> Integer,
        heading -> Text,
    }
}

diesel::table! {
    items (id) {
        id -> Integer,
        plan_id -> Integer,
        section_id -> Nullable<Integer>,
        position -> Integer,
        number -> Text,
        task -> Text,
        requirement -> Text,
        deadline_raw -> Text,
        deadline_kind -> Text,
        deadline_due -> Nullable<Date>,
        deadline_detail -> Text,
        deadline_inferred -> Bool,
        event_date -> Nullable<Date>,
        completed_on -> Nullable<Date>,
        source_sheet -> Nullable<Text>,
        source_row -> Nullable<Integer>,
        origin_item_id -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        divisions_written -> Text,
        due_set_at -> Nullable<Timestamp>,
        due_set_by -> Nullable<Integer>,
        upper_item_id -> Nullable<Integer>,
        upper_version -> Nullable<Integer>,
    }
}

diesel::table! {
    assignments (id) {
        id -> Integer,
        item_id -> Integer,
        role -> Text,
        division_id -> Nullable<Integer>,
        placeholder -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::table! {
    targets (id) {
        id -> Integer,
        item_id -> Integer,
        raw -> Text,
        min_count -> Integer,
        unit -> Text,
        per -> Nullable<Text>,
    }
}

diesel::table! {
    reporting_periods (id) {
        id -> Integer,
        plan_id -> Integer,
        period -> Text,
        due_on -> Date,
        is_open -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> Integer,
        item_id -> Integer,
        period_id -> Integer,
        division_id -> Integer,
        state -> Text,
        summary -> Text,
        submitted_at -> Nullable<Timestamp>,
        submitted_late -> Bool,
        reviewed_by -> Nullable<Integer>,
        reviewed_at -> Nullable<Timestamp>,
        review_comment -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        completes_item -> Bool,
    }
}

diesel::table! {
    contributions (id) {
        id -> Integer,
        item_id -> Integer,
        period_id -> Integer,
        division_id -> Integer,
        text -> Text,
        author_id -> Nullable<Integer>,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    report_history (id) {
        id -> Integer,
        report_id -> Integer,
        version -> Integer,
        state -> Text,
        summary -> Text,
        comment -> Nullable<Text>,
        actor_id -> Nullable<Integer>,
        at -> Timestamp,
    }
}

diesel::table! {
    evidence (id) {
        id -> Integer,
        report_id -> Integer,
        kind -> Text,
        file_name -> Nullable<Text>,
        content_type -> Nullable<Text>,
        size_bytes -> Nullable<BigInt>,
        sha256 -> Nullable<Text>,
        url -> Nullable<Text>,
        url_title -> Nullable<Text>,
        url_date -> Nullable<Date>,
        uploaded_by -> Nullable<Integer>,
        created_at -> Timestamp,
        source_evidence_id -> Nullable<Integer>,
    }
}

diesel::table! {
    target_occurrences (id) {
        id -> Integer,
        target_id -> Integer,
        occurred_on -> Date,
        note -> Text,
        evidence_id -> Nullable<Integer>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    evaluations (id) {
        id -> Integer,
        plan_id -> Integer,
        rubric -> Text,
        score -> Nullable<Double>,
        summary_text -> Text,
        finalised_at -> Nullable<Timestamp>,
        finalised_by -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        snapshot -> Nullable<Text>,
    }
}

diesel::table! {
    evaluation_verdicts (id) {
        id -> Integer,
        evaluation_id -> Integer,
        item_id -> Integer,
        proposed -> Text,
        verdict -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Integer>,
    }
}

diesel::table! {
    evaluation_comments (id) {
        id -> Integer,
        evaluation_id -> Integer,
        author_id -> Integer,
        text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    review_back_checks (id) {
        id -> Integer,
        item_id -> Integer,
        into_plan_id -> Integer,
        result -> Text,
        note -> Text,
        rectification_item_id -> Nullable<Integer>,
        checked_by -> Nullable<Integer>,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor_name -> Text,
        acting_for_division_id -> Nullable<Integer>,
        entity -> Text,
        entity_id -> Nullable<Integer>,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        address -> Nullable<Text>,
    }
}

diesel::joinable!(users -> divisions (division_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(sections -> plans (plan_id));
diesel::joinable!(items -> plans (plan_id));
diesel::joinable!(assignments -> items (item_id));
diesel::joinable!(assignments -> divisions (division_id));
diesel::joinable!(targets -> items (item_id));
diesel::joinable!(reporting_periods -> plans (plan_id));
diesel::joinable!(reports -> items (item_id));
diesel::joinable!(reports -> reporting_periods (period_id));
diesel::joinable!(contributions -> items (item_id));
diesel::joinable!(contributions -> divisions (division_id));
diesel::joinable!(evidence -> reports (report_id));
diesel::joinable!(urgings -> items (item_id));
diesel::joinable!(urging_answers -> urgings (urging_id));
diesel::joinable!(annual_reports -> plans (plan_id));

diesel::table! {
    acknowledgements (id) {
        id -> Integer,
        item_id -> Integer,
        division_id -> Integer,
        state -> Text,
        reason -> Nullable<Text>,
        reply -> Nullable<Text>,
        actor_id -> Nullable<Integer>,
        decided_by -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    extension_requests (id) {
        id -> Integer,
        item_id -> Integer,
        division_id -> Integer,
        original_due -> Date,
        requested_due -> Date,
        reason -> Text,
        state -> Text,
        reply -> Nullable<Text>,
        requested_by -> Nullable<Integer>,
        decided_by -> Nullable<Integer>,
        decided_at -> Nullable<Timestamp>,
        version -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    urgings (id) {
        id -> Integer,
        item_id -> Integer,
        division_id -> Integer,
        period_id -> Nullable<Integer>,
        message -> Text,
        urged_by -> Nullable<Integer>,
        urged_at -> Timestamp,
    }
}

diesel::table! {
    urging_answers (id) {
        id -> Integer,
        urging_id -> Integer,
        division_id -> Integer,
        answered_by -> Nullable<Integer>,
        text -> Text,
        answered_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Integer,
        user_id -> Integer,
        kind -> Text,
        item_id -> Nullable<Integer>,
        text -> Text,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        emailed_at -> Nullable<Timestamp>,
        email_attempts -> Integer,
        link -> Nullable<Text>,
    }
}

diesel::table! {
    annual_reports (id) {
        id -> Integer,
        plan_id -> Integer,
        format_version -> Text,
        figures -> Text,
        texts -> Text,
        finalised_at -> Nullable<Timestamp>,
        finalised_by -> Nullable<Integer>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agency (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
        full_name -> Text,
        short_name -> Text,
        supervisor -> Text,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    report_sources (id) {
        id -> Integer,
        report_id -> Integer,
        source_report_id -> Integer,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    agency,
    report_sources,
    divisions,
    users,
    sessions,
    recovery_codes,
    login_attempts,
    plans,
    sections,
    items,
    assignments,
    targets,
    reporting_periods,
    reports,
    contributions,
    report_history,
    evidence,
    target_occurrences,
    evaluations,
    evaluation_verdicts,
    evaluation_comments,
    review_back_checks,
    audit_log,
    acknowledgements,
    extension_requests,
    urgings,
    urging_answers,
    notifications,
    annual_reports,
);
