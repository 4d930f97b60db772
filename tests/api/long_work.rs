//! Long work in the worker: an attendance file of tens of thousands of rows becomes a
//! background task with a progress page (rows done, refused rows so far) that refreshes
//! itself, resumes after a worker dies, and is kept a week.

use chrono::Duration;
use convoca::db::models::{Registration, RegistrationDetails, new_id};
use convoca::db::schema::{background_tasks, registrations};
use convoca::domain::RegistrationStatus;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, sid};
use crate::on_both_engines;

on_both_engines!(
    a_50000_row_attendance_import_reaches_100_percent_in_the_worker,
    a_task_left_by_a_dead_worker_is_taken_again_and_kept_a_week,
    a_long_registrations_export_is_written_by_the_worker_with_the_lists_filters,
    an_import_whose_file_is_gone_fails_and_says_so,
);

/// `n` registrations in `status`; returns their addresses. One is written through diesel,
/// the others copied from it by one `INSERT ... SELECT` over a counting CTE (the same SQL on
/// both engines): fifty thousand separate inserts took over a minute on a busy machine.
async fn bulk(
    app: &TestApp,
    session_id: &str,
    prefix: &str,
    n: usize,
    status: RegistrationStatus,
) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let (session_id, prefix, at) =
        (session_id.to_owned(), prefix.to_owned(), app.clock.now() - Duration::days(1));
    let emails: Vec<String> = (0..n).map(|i| format!("{prefix}{i}@cities.example.org")).collect();
    let first = emails[0].clone();
    app.db(move |conn| {
        let details = RegistrationDetails {
            organisation_other: Some("City hall".into()),
            country: "FR".into(),
            ..RegistrationDetails::sample("Person 0", &first, at)
        };
        let template = Registration {
            status,
            confirmed_at: (status == RegistrationStatus::Confirmed).then_some(at),
            ..Registration::pending(&sid(&session_id), details, at)
        };
        let template_id = template.id.to_string();
        diesel::insert_into(registrations::table).values(&template).execute(conn).expect("insert registration");
        if n < 2 {
            return;
        }
        let columns = match conn {
            convoca::db::AnyConnection::Sqlite(_) => "SELECT name FROM pragma_table_info('registrations')",
            convoca::db::AnyConnection::Postgresql(_) => {
                "SELECT CAST(column_name AS TEXT) AS name FROM information_schema.columns \
                 WHERE table_name = 'registrations' AND table_schema = current_schema()"
            }
        };
        let columns: Vec<String> =
            diesel::sql_query(columns).load::<Column>(conn).expect("columns").into_iter().map(|c| c.name).collect();
        let values: Vec<String> = columns
            .iter()
            .map(|column| match column.as_str() {
                "id" => format!("'{template_id}-' || CAST(i AS TEXT)"),
                "email" | "email_normalized" => format!("'{prefix}' || CAST(i AS TEXT) || '@cities.example.org'"),
                "name" => "'Person ' || CAST(i AS TEXT)".to_owned(),
                other => format!("r.{other}"),
            })
            .collect();
        let sql = format!(
            "INSERT INTO registrations ({}) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {}) \
             SELECT {} FROM registrations r, n WHERE r.id = '{template_id}'",
            columns.join(", "),
            n - 1,
            values.join(", ")
        );
        // On PostgreSQL a row trigger bumps the public pages' content version for each confirmed
        // registration inserted: fifty thousand updates of one row. Test data skips triggers.
        let postgres = matches!(conn, convoca::db::AnyConnection::Postgresql(_));
        conn.transaction(|conn| -> QueryResult<()> {
            if postgres {
                diesel::sql_query("SET LOCAL session_replication_role = replica").execute(conn)?;
            }
            diesel::sql_query(sql).execute(conn).map(|_| ())
        })
        .expect("copies");
    })
    .await;
    emails
}

fn multipart(pairs: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----convoca-long-work-3c9d";
    let mut body = Vec::new();
    for (name, value) in pairs {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"attendance.csv\"\r\n\
             Content-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads an attendance file; returns the task page's path the 303 points to.
async fn upload(app: &TestApp, client: &reqwest::Client, session_id: &str, csv: &str) -> String {
    let list = format!("/admin/sessions/{session_id}/registrations");
    let token = app.csrf_for(client, &list).await;
    let (content_type, body) = multipart(&[("csrf_token", &token), ("others_absent", "yes")], csv.as_bytes());
    let res = client
        .post(app.url(&format!("/admin/sessions/{session_id}/attendance/import")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 303, "a long file becomes a task");
    let location = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/admin/tasks/"), "{location}");
    location
}

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let res = client.get(app.url(path)).send().await.expect("task page");
    assert_eq!(res.status(), 200);
    res.text().await.expect("body")
}

async fn attended(app: &TestApp, session_id: &str, value: Option<bool>) -> i64 {
    let session_id = session_id.to_owned();
    app.db(move |conn| {
        let query = registrations::table.filter(registrations::session_id.eq(session_id)).into_boxed();
        match value {
            Some(v) => query.filter(registrations::attended.eq(v)).count().get_result(conn),
            None => query.filter(registrations::attended.is_null()).count().get_result(conn),
        }
        .expect("count")
    })
    .await
}

/// Moves the session's start an hour into the past: attendance is imported once it has begun.
async fn begun(app: &TestApp, session: &convoca::db::models::Session) {
    use convoca::db::schema::sessions;
    let (id, at) = (session.id.clone(), app.clock.now() - Duration::hours(1));
    app.db(move |conn| {
        diesel::update(sessions::table.find(id)).set(sessions::starts_at.eq(at)).execute(conn)
    })
    .await
    .expect("session moved to the past");
}

fn task_files(app: &TestApp) -> usize {
    std::fs::read_dir(app.data_dir.path().join("tasks")).map(|d| d.count()).unwrap_or(0)
}

async fn a_50000_row_attendance_import_reaches_100_percent_in_the_worker(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("big-webinar", 60_000, 10).await;
    begun(&app, &session).await;
    let people = bulk(&app, &session.id, "p", 50_000, RegistrationStatus::Confirmed).await;
    let waiting = bulk(&app, &session.id, "w", 1, RegistrationStatus::Waitlisted).await;
    let absent = bulk(&app, &session.id, "absent", 1, RegistrationStatus::Confirmed).await;
    let mut csv = String::from("\u{feff}Name,User Email,Duration\r\n");
    for (i, email) in people.iter().enumerate() {
        // Some addresses as the platform wrote them: capitals.
        let email = if i % 1000 == 0 { email.to_uppercase() } else { email.clone() };
        csv.push_str(&format!("Person {i},{email},45\r\n"));
    }
    csv.push_str(&format!("Waiting,{},30\r\nStranger,stranger@elsewhere.org,12\r\n", waiting[0]));
    let total = people.len() + 2;

    let client = app.sign_in("organiser").await;
    let task = upload(&app, &client, &session.id, &csv).await;
    let queued = page(&app, &client, &task).await;
    assert!(queued.contains("Waiting to start"), "{queued}");
    assert!(queued.contains(&format!("0 of {total} rows done")));
    assert!(queued.contains("<meta http-equiv=\"refresh\" content=\"2\">"), "refreshes itself");
    assert!(queued.contains("data-task-progress="), "the script's hook");
    assert_eq!(attended(&app, &session.id, Some(true)).await, 0, "nothing recorded in the request");
    assert_eq!(task_files(&app), 1, "the upload waits in the data folder");

    // One tick of the worker: a few chunks, committed, visible on the page and its JSON.
    app.worker.run_once().await.expect("one tick");
    let partway = page(&app, &client, &task).await;
    assert!(partway.contains("In progress"), "{partway}");
    assert!(partway.contains(&format!("5000 of {total} rows done")), "{partway}");
    assert!(partway.contains("9%"), "5000 of 50002, rounded down");
    let res = client.get(app.url(&format!("{task}.json"))).send().await.expect("json");
    assert!(res.headers()["content-type"].to_str().expect("type").starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_str(&res.text().await.expect("body")).expect("json body");
    assert_eq!(json["rows_done"], 5000);
    assert_eq!(json["rows_total"], total);
    assert_eq!(json["open"], true);
    assert_eq!(attended(&app, &session.id, Some(true)).await, 5000);

    // The worker goes on until it is idle; the page is polled until it says 100 %.
    let mut done = String::new();
    for _ in 0..30 {
        app.deliver_mail().await;
        done = page(&app, &client, &task).await;
        if done.contains("100%") {
            break;
        }
    }
    assert!(done.contains("100%"), "{done}");
    assert!(done.contains(&format!("{total} of {total} rows done")));
    assert!(done.contains(">Done<"), "{done}");
    assert!(!done.contains("http-equiv=\"refresh\""), "a finished task stops refreshing");
    assert!(
        done.contains(&format!("Registrants marked as attended: 50000 (lines read: {total}).")),
        "{done}"
    );
    assert!(done.contains("1 other confirmed registrant marked as absent."), "{done}");
    assert!(done.contains("2 rows refused so far"));
    assert!(done.contains("stranger@elsewhere.org"));
    // An organiser who left the progress page finds the task again on the session's list.
    let list = client
        .get(app.url(&format!("/admin/sessions/{}/registrations", session.id)))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("list body");
    let listed = list.split("id=\"background-work\"").nth(1).unwrap_or_default();
    assert!(listed.contains(&format!("href=\"{task}\"")) && listed.contains("Attendance import"), "{list}");
    assert!(listed.contains("Done (100%)"), "{listed}");
    assert_eq!(attended(&app, &session.id, Some(true)).await, 50_000);
    assert_eq!(attended(&app, &session.id, Some(false)).await, 1, "{} was not there", absent[0]);
    assert_eq!(attended(&app, &session.id, None).await, 1, "the waitlisted one is left alone");
    assert_eq!(task_files(&app), 0, "the upload is deleted once recorded");

    let res = client.get(app.url(&format!("{task}/refused.csv"))).send().await.expect("csv");
    assert_eq!(res.status(), 200);
    let refused = res.text().await.expect("csv body");
    let lines: Vec<&str> = refused.lines().collect();
    assert_eq!(lines.len(), 3, "{refused}");
    // Line numbers are the file's: the header is line 1.
    assert!(lines[1].starts_with(&format!("50002,{},", waiting[0])), "{refused}");
    assert!(lines[1].contains("not confirmed (On the waiting list)"), "{refused}");
    assert!(lines[2].contains("stranger@elsewhere.org"));
}

async fn a_task_left_by_a_dead_worker_is_taken_again_and_kept_a_week(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("long-list", 5_000, 10).await;
    begun(&app, &session).await;
    let people = bulk(&app, &session.id, "r", 2_500, RegistrationStatus::Confirmed).await;
    let pending = bulk(&app, &session.id, "pending", 1, RegistrationStatus::Pending).await;
    let mut csv = String::from("Email\n");
    for email in people.iter().chain(&pending) {
        csv.push_str(&format!("{email}\n"));
    }
    // A short file is still recorded while the organiser waits.
    let client = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations", session.id);
    let token = app.csrf_for(&client, &list).await;
    let (content_type, body) =
        multipart(&[("csrf_token", &token)], format!("Email\n{}\n", people[0]).as_bytes());
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/attendance/import", session.id)))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("short upload");
    assert_eq!(res.status(), 200, "a short file is imported at once");

    let task = upload(&app, &client, &session.id, &csv).await;
    let id = task.trim_start_matches("/admin/tasks/").to_owned();
    // A worker claims the task and dies before its first chunk: its lease holds the task.
    let now = app.clock.now();
    let claimed = app
        .db(move |conn| convoca::db::tasks::claim(conn, now, convoca::tasks::LEASE).expect("claim"))
        .await
        .expect("a task to claim");
    assert_eq!(claimed.id, id);
    let dead_owner = claimed.lease_owner.clone().expect("owner");
    app.deliver_mail().await;
    assert!(
        page(&app, &client, &task).await.contains("0 of 2501 rows done"),
        "no one else takes a held task"
    );

    // Its lease runs out: the next worker takes the task and finishes it.
    app.clock.advance(Duration::minutes(6));
    app.deliver_mail().await;
    let done = page(&app, &client, &task).await;
    assert!(done.contains("2501 of 2501 rows done"), "{done}");
    assert!(done.contains("1 row refused so far"));
    assert_eq!(attended(&app, &session.id, Some(true)).await, 2_500);
    let (task_id, now) = (id.clone(), app.clock.now());
    let still_held = app
        .db(move |conn| {
            convoca::db::tasks::hold(conn, &task_id, &dead_owner, now, convoca::tasks::LEASE).expect("hold")
        })
        .await;
    assert!(!still_held, "the dead worker's lease no longer holds the task");
    let audit: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::audit_log;
            audit_log::table.select(audit_log::action).load(conn).expect("audit")
        })
        .await;
    assert!(audit.contains(&"attendance.import".to_owned()), "{audit:?}");

    // Only organisers see tasks; a made-up id is not found.
    let stranger = app.client();
    let res = stranger.get(app.url(&task)).send().await.expect("signed out");
    assert_ne!(res.status(), 200);
    let res = stranger.get(app.url(&format!("{task}/refused.csv"))).send().await.expect("signed out");
    assert_ne!(res.status(), 200);
    for path in [format!("/admin/tasks/{}", new_id()), "/admin/tasks/not-an-id".into()] {
        assert_eq!(client.get(app.url(&path)).send().await.expect("get").status(), 404, "{path}");
    }

    // Erasing the pending registrant takes their refused row with it.
    let refused_csv = || async {
        client
            .get(app.url(&format!("{task}/refused.csv")))
            .send()
            .await
            .expect("csv")
            .text()
            .await
            .expect("body")
    };
    assert!(refused_csv().await.contains(&pending[0]));
    let (session_id, address) = (session.id.clone(), pending[0].clone());
    let mail_dir = app.settings.mail_dir();
    app.db(move |conn| {
        let id: String = registrations::table
            .filter(registrations::session_id.eq(session_id))
            .filter(registrations::email.eq(address))
            .select(registrations::id)
            .first(conn)
            .expect("pending registration");
        let id = convoca::domain::RegistrationId::from_stored(id);
        let download = convoca::db::privacy::export(conn, &id).expect("the person's data");
        assert_eq!(download["attendance_file_lines_not_matched"][0]["line"], 2502, "{download}");
        convoca::db::privacy::erase(conn, &mail_dir, &id, now).expect("erase")
    })
    .await;
    let notice =
        app.client().get(app.url("/privacy")).send().await.expect("notice").text().await.expect("body");
    assert!(notice.contains("attendance list of a webinar"), "the privacy notice says what is kept");
    assert!(!refused_csv().await.contains(&pending[0]), "erased with the person");

    // A week after it ended, the task goes with its rows.
    let (mail_dir, retention, later) =
        (app.settings.mail_dir(), app.settings.retention(), now + Duration::days(8));
    let done = app
        .db(move |conn| {
            convoca::db::schedule::apply_retention(conn, &mail_dir, retention, later).expect("retention")
        })
        .await;
    assert_eq!(done.task_files_deleted, 0, "its upload was deleted when it ended");
    let left: i64 = app.db(|conn| background_tasks::table.count().get_result(conn).expect("count")).await;
    assert_eq!(left, 0);
    assert_eq!(client.get(app.url(&task)).send().await.expect("get").status(), 404);
}

async fn a_long_registrations_export_is_written_by_the_worker_with_the_lists_filters(engine: Engine) {
    use calamine::Reader;
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("big-export", 10_000, 10).await;
    bulk(&app, &session.id, "c", 5_200, RegistrationStatus::Confirmed).await;
    bulk(&app, &session.id, "pending", 30, RegistrationStatus::Pending).await;
    let client = app.sign_in("organiser").await;
    let base = format!("/admin/sessions/{}/registrations.xlsx", session.id);

    // A short list is answered at once, as before.
    let res = client.get(app.url(&format!("{base}?status=pending"))).send().await.expect("short export");
    assert_eq!(res.status(), 200, "30 rows are written in the request");

    // A long one becomes a task, in the organiser's language, with the list's filter.
    let res = client
        .get(app.url(&format!("{base}?status=confirmed")))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("long export");
    assert_eq!(res.status(), 303);
    let task = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(task.starts_with("/admin/tasks/"), "{task}");
    let queued = page(&app, &client, &task).await;
    assert!(queued.contains("Registrations export (Excel)"), "{queued}");
    assert!(queued.contains("0 of 5200 rows done"), "{queued}");
    assert!(queued.contains("http-equiv=\"refresh\""));
    let early = client.get(app.url(&format!("{task}/download"))).send().await.expect("early");
    assert_eq!(early.status(), 404, "nothing to download before it is done");

    app.deliver_mail().await;
    let done = page(&app, &client, &task).await;
    assert!(done.contains("100%"), "{done}");
    assert!(done.contains("5200 registrations written to the workbook."), "{done}");
    assert!(done.contains(&format!("href=\"{task}/download\"")), "{done}");
    let res = client.get(app.url(&format!("{task}/download"))).send().await.expect("download");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().expect("type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        res.headers()["content-disposition"].to_str().expect("disposition"),
        "attachment; filename=\"registrations-big-export.xlsx\""
    );
    let bytes = res.bytes().await.expect("body").to_vec();
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a workbook");
    let sheet = workbook.sheet_names().first().cloned().expect("a sheet");
    let range = workbook.worksheet_range(&sheet).expect("cells");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 5_201, "the header and the confirmed registrations only");
    assert!(rows[0].contains(&"Adresse e-mail".to_owned()), "French headers: {:?}", rows[0]);
    assert!(
        rows[1..].iter().all(|r| r.iter().any(|c| c.starts_with('c') && c.ends_with("@cities.example.org")))
    );
    assert_eq!(task_files(&app), 1, "the workbook waits in the data folder");

    // A week later it is gone, file and task.
    let (mail_dir, retention, later) =
        (app.settings.mail_dir(), app.settings.retention(), app.clock.now() + Duration::days(8));
    let done = app
        .db(move |conn| {
            convoca::db::schedule::apply_retention(conn, &mail_dir, retention, later).expect("retention")
        })
        .await;
    assert_eq!(done.task_files_deleted, 1);
    assert_eq!(task_files(&app), 0);
    assert_eq!(client.get(app.url(&format!("{task}/download"))).send().await.expect("get").status(), 404);
}

async fn an_import_whose_file_is_gone_fails_and_says_so(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("lost-file", 5_000, 10).await;
    begun(&app, &session).await;
    let people = bulk(&app, &session.id, "l", 2_100, RegistrationStatus::Confirmed).await;
    let csv = format!("Email\n{}\n", people.join("\n"));
    let client = app.sign_in("organiser").await;
    let task = upload(&app, &client, &session.id, &csv).await;
    // The stored upload disappears before the worker reads it (a disk cleaned by hand).
    let dir = app.data_dir.path().join("tasks");
    for entry in std::fs::read_dir(&dir).expect("tasks folder") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    app.deliver_mail().await;
    let failed = page(&app, &client, &task).await;
    assert!(failed.contains("Could not be finished"), "{failed}");
    assert!(failed.contains("upload the file again"), "{failed}");
    assert!(!failed.contains("http-equiv=\"refresh\""), "a failed task stops refreshing");
    assert_eq!(attended(&app, &session.id, Some(true)).await, 0);
    // Failed for good: the next ticks leave it alone.
    assert_eq!(app.deliver_mail().await, 0);
}
