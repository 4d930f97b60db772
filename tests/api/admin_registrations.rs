//! The organiser's registrations pages: counts, search, decisions, attendance, the CSV export,
//! announcements and participation reports.

use chrono::Duration;
use convoca::db::models::{Registration, RegistrationDetails, new_id};
use convoca::domain::RegistrationStatus;
use diesel::prelude::*;
use mailin_embedded::Response;

use crate::helpers::{Engine, Options, TestApp, csrf_token};
use crate::on_both_engines;

/// A registration written straight into the database.
struct Person<'a> {
    name: &'a str,
    email: &'a str,
    organisation: Option<&'a str>,
    other: Option<&'a str>,
    country: &'a str,
    status: &'a str,
    attended: Option<bool>,
}

impl<'a> Person<'a> {
    fn new(name: &'a str, email: &'a str, status: &'a str) -> Self {
        Self {
            name,
            email,
            organisation: None,
            other: Some("Elsewhere"),
            country: "ES",
            status,
            attended: None,
        }
    }
}

async fn add(app: &TestApp, session_id: &str, person: Person<'_>) -> String {
    let now = app.clock.now();
    let status = RegistrationStatus::parse(person.status).expect("a stored status word");
    let details = RegistrationDetails {
        organisation_id: person.organisation.map(str::to_owned),
        organisation_other: if person.organisation.is_some() {
            None
        } else {
            person.other.map(str::to_owned)
        },
        position: "Officer".into(),
        country: person.country.to_owned(),
        ..RegistrationDetails::sample(person.name, person.email, now)
    };
    let row = Registration {
        status,
        confirmed_at: (status == RegistrationStatus::Confirmed).then_some(now),
        waitlisted_at: (status == RegistrationStatus::Waitlisted).then_some(now),
        cancelled_at: (status == RegistrationStatus::Cancelled).then_some(now),
        attended: person.attended,
        ..Registration::pending(&crate::helpers::sid(session_id), details, now)
    };
    let id = row.id.clone();
    app.db(move |conn| {
        diesel::insert_into(convoca::db::schema::registrations::table)
            .values(&row)
            .execute(conn)
            .expect("insert registration")
    })
    .await;
    id.to_string()
}

async fn registration_id(app: &TestApp, session_id: &str, email: &str) -> String {
    let (session_id, email) = (session_id.to_owned(), email.to_lowercase());
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations
            .filter(r::session_id.eq(session_id))
            .filter(r::email_normalized.eq(email))
            .select(r::id)
            .first::<String>(conn)
            .expect("registration")
    })
    .await
}

async fn attended_of(app: &TestApp, id: &str) -> Option<bool> {
    let id = id.to_owned();
    app.db(move |conn| {
        use convoca::db::schema::registrations::dsl as r;
        r::registrations.find(id).select(r::attended).first::<Option<bool>>(conn).expect("attended")
    })
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.db(|conn| {
        use convoca::db::schema::audit_log::dsl as a;
        a::audit_log.order(a::created_at.asc()).select(a::action).load::<String>(conn).expect("audit")
    })
    .await
}

async fn get_text(client: &reqwest::Client, url: String) -> (u16, String) {
    let res = client.get(url).send().await.expect("GET");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// Rows of the registrations table on a page.
fn row_count(html: &str) -> usize {
    html.matches("<td><time datetime=").count()
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A multipart/form-data body, as a browser sends the attendance upload.
fn multipart(pairs: &[(&str, &str)], file: Option<&[u8]>) -> (String, Vec<u8>) {
    let boundary = "----convoca-test-8f2a91c4";
    let mut body = Vec::new();
    for (name, value) in pairs {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    if let Some(content) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"attendance.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn the_list_shows_counts_and_finds_registrations_by_search_filter_and_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("listing", 60, 10).await;
    let paris = app.create_member("Grand Paris", "France").await;
    let cdmx = app.create_member("Ciudad de México - CDMX", "Mexico").await;
    app.insert_confirmed(&session.id, 52, "en", Duration::days(1)).await;
    let mut ana = Person::new("Ana Torres", "ana.torres@cdmx.gob.mx", "confirmed");
    (ana.organisation, ana.country, ana.attended) = (Some(cdmx.as_str()), "MX", Some(true));
    add(&app, &session.id, ana).await;
    let mut claire = Person::new("Claire Martin", "claire@grandparis.fr", "waitlisted");
    (claire.organisation, claire.country) = (Some(paris.as_str()), "FR");
    add(&app, &session.id, claire).await;
    add(&app, &session.id, Person::new("Pending Person", "pending@x.org", "pending")).await;
    add(&app, &session.id, Person::new("Awaiting Person", "awaiting@x.org", "awaiting_approval")).await;
    add(&app, &session.id, Person::new("Cancelled Person", "cancelled@x.org", "cancelled")).await;
    add(&app, &session.id, Person::new("Declined Person", "declined@x.org", "declined")).await;
    add(&app, &session.id, Person::new("Discount 100% Club", "club@x.org", "confirmed")).await;
    add(&app, &session.id, Person::new("Under Score", "first_last@x.org", "confirmed")).await;

    let client = app.sign_in("organiser").await;
    let base = app.url(&format!("/admin/sessions/{}/registrations", session.id));
    let (status, page) = get_text(&client, base.clone()).await;
    assert_eq!(status, 200);
    assert!(page.contains("<strong>55 / 60</strong>"), "confirmed / capacity");
    for (count, label) in [
        (1, "on the waiting list"),
        (1, "awaiting approval"),
        (1, "email not confirmed yet"),
        (1, "cancelled"),
        (1, "declined"),
        (1, "attended"),
    ] {
        assert!(page.contains(&format!("<strong>{count}</strong> {label}")), "{label}");
    }
    assert!(page.contains("60 registrations match."));
    assert_eq!(row_count(&page), 50, "one page");
    assert!(page.contains(&format!("href=\"/admin/sessions/{}\"", session.id)), "back to the session hub");
    let (_, second) = get_text(&client, format!("{base}?page=2")).await;
    assert_eq!(row_count(&second), 10, "the rest on page 2");

    let search = |q: &str| {
        format!("{base}?q={}", url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>())
    };
    let (_, found) = get_text(&client, search("TORRES")).await;
    assert_eq!(row_count(&found), 1);
    assert!(found.contains("ana.torres@cdmx.gob.mx"));
    let (_, found) = get_text(&client, search("grand paris")).await;
    assert_eq!(row_count(&found), 1, "by organisation name");
    assert!(found.contains("Claire Martin"));
    let (_, found) = get_text(&client, search("elsewhere")).await;
    assert_eq!(row_count(&found), 6, "by the organisation typed in");
    let (_, found) = get_text(&client, search("%")).await;
    assert_eq!(row_count(&found), 1, "% is no wildcard");
    assert!(found.contains("Discount 100% Club"));
    let (_, found) = get_text(&client, search("_")).await;
    assert_eq!(row_count(&found), 1, "_ is no wildcard");
    assert!(found.contains("first_last@x.org"));

    let (_, found) = get_text(&client, format!("{base}?status=waitlisted")).await;
    assert_eq!(row_count(&found), 1);
    assert!(found.contains("Claire Martin"));
    let (_, found) = get_text(&client, format!("{base}?organisation={cdmx}")).await;
    assert_eq!(row_count(&found), 1);
    assert!(found.contains("Ana Torres"));
    let (_, found) = get_text(&client, format!("{base}?country=ES&status=confirmed")).await;
    assert_eq!(row_count(&found), 50, "52 bulk + 2 others confirmed in Spain, first page");
    assert!(found.contains("54 registrations match."));
    let (_, found) = get_text(&client, format!("{base}?organisation=other&q=person")).await;
    assert_eq!(row_count(&found), 4);

    let (status, _) = get_text(&client, app.url("/admin/sessions/no-such-session/registrations")).await;
    assert_eq!(status, 404);
}

async fn approving_and_declining_in_a_manual_session_emails_the_registrants(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("manual", 10, 10).await;
    let id = session.id.clone();
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        diesel::update(s::sessions.find(id)).set(s::approval_mode.eq("manual")).execute(conn).expect("manual")
    })
    .await;
    let org = app.create_member("Accra", "Ghana").await;
    app.register_and_confirm("manual", "Kofi Mensah", "kofi@accra.gov.gh", &org).await;
    app.register_and_confirm("manual", "Ama Owusu", "ama@accra.gov.gh", &org).await;
    app.deliver_mail().await;
    assert_eq!(app.count_registrations(&session.id, "awaiting_approval").await, 2);

    let client = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations", session.id);
    let token = app.csrf_for(&client, &list).await;
    let kofi = registration_id(&app, &session.id, "kofi@accra.gov.gh").await;
    let ama = registration_id(&app, &session.id, "ama@accra.gov.gh").await;
    for (registration, decision, flash) in
        [(&kofi, "approve", "registration-confirmed"), (&ama, "decline", "registration-declined")]
    {
        let res = client
            .post(app.url(&format!("/admin/sessions/{}/registrations/{registration}/decision", session.id)))
            .form(&fields(&[("csrf_token", &token), ("decision", decision), ("q", "accra"), ("page", "1")]))
            .send()
            .await
            .expect("decide");
        assert_eq!(res.status(), 303);
        let location = res.headers()["location"].to_str().expect("location").to_owned();
        assert_eq!(location, format!("{list}?q=accra&done={flash}"), "back to the same list");
    }
    assert_eq!(app.status_of(&session.id, "kofi@accra.gov.gh").await.as_deref(), Some("confirmed"));
    assert_eq!(app.status_of(&session.id, "ama@accra.gov.gh").await.as_deref(), Some("declined"));
    app.deliver_mail().await;
    let kofi_mail = app.mail().to("kofi@accra.gov.gh");
    let last = kofi_mail.last().expect("a mail to Kofi");
    assert_eq!(last.subject(), "You are registered: Webinar manual");
    assert!(last.calendar().is_some(), "with the calendar entry");
    let ama_mail = app.mail().to("ama@accra.gov.gh");
    assert_eq!(
        ama_mail.last().expect("a mail to Ama").subject(),
        "Registration not accepted: Webinar manual"
    );

    // The flash message, and a decision that no longer applies changes nothing.
    let (_, page) = get_text(&client, app.url(&format!("{list}?done=registration-confirmed"))).await;
    assert!(page.contains("The registration is confirmed."));
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/registrations/{kofi}/decision", session.id)))
        .form(&fields(&[("csrf_token", &token), ("decision", "promote")]))
        .send()
        .await
        .expect("decide");
    assert_eq!(
        res.headers()["location"].to_str().expect("location"),
        format!("{list}?done=registration-unchanged")
    );
    let actions = audit_actions(&app).await;
    assert!(
        actions.contains(&"registration.approve".to_owned())
            && actions.contains(&"registration.decline".to_owned())
    );
    assert!(!actions.contains(&"registration.promote".to_owned()), "nothing happened, nothing recorded");

    // Cancelling by the organiser frees the seat and tells the person.
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/registrations/{kofi}/decision", session.id)))
        .form(&fields(&[("csrf_token", &token), ("decision", "cancel")]))
        .send()
        .await
        .expect("cancel");
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    assert_eq!(app.status_of(&session.id, "kofi@accra.gov.gh").await.as_deref(), Some("cancelled"));
    assert!(app.mail().to("kofi@accra.gov.gh").last().expect("mail").subject().contains("cancel"));
}

async fn attendance_is_marked_in_bulk_and_imported_from_the_platform_csv(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("attendance", 50, 10).await;
    let emails = app.insert_confirmed(&session.id, 4, "en", Duration::days(1)).await;
    let waiting = add(&app, &session.id, Person::new("Waiting Person", "waiting@x.org", "waitlisted")).await;
    let mut ids = Vec::new();
    for email in &emails {
        ids.push(registration_id(&app, &session.id, email).await);
    }
    let client = app.sign_in("organiser").await;
    let list = format!("/admin/sessions/{}/registrations", session.id);
    let token = app.csrf_for(&client, &list).await;
    let attendance = app.url(&format!("/admin/sessions/{}/attendance", session.id));

    let mut form = fields(&[("csrf_token", &token), ("attended", "yes")]);
    for id in [&ids[0], &ids[1], &waiting] {
        form.push(("registration".into(), id.clone()));
    }
    let res = client.post(&attendance).form(&form).send().await.expect("bulk");
    assert_eq!(res.status(), 303);
    assert_eq!(attended_of(&app, &ids[0]).await, Some(true));
    assert_eq!(attended_of(&app, &ids[1]).await, Some(true));
    assert_eq!(attended_of(&app, &ids[2]).await, None);
    assert_eq!(attended_of(&app, &waiting).await, None, "only confirmed registrations");
    let form = fields(&[("csrf_token", &token), ("attended", "no"), ("registration", &ids[1])]);
    assert_eq!(client.post(&attendance).form(&form).send().await.expect("bulk").status(), 303);
    assert_eq!(attended_of(&app, &ids[1]).await, Some(false));
    let res = client
        .post(&attendance)
        .form(&fields(&[("csrf_token", &token), ("attended", "yes")]))
        .send()
        .await
        .expect("bulk");
    assert_eq!(res.status(), 422, "nothing ticked");
    assert!(res.text().await.expect("body").contains("Tick at least one confirmed registrant"));

    // Attendance is imported once the session has begun: it began an hour ago.
    let (started, begun_at) = (session.id.clone(), app.clock.now() - Duration::hours(1));
    app.db(move |conn| {
        use convoca::db::schema::sessions;
        diesel::update(sessions::table.find(started)).set(sessions::starts_at.eq(begun_at)).execute(conn)
    })
    .await
    .expect("session moved to the past");
    // The platform's export: BOM, semicolons, its own header names, a person who joined with
    // another address, and the first registrant's address in capitals.
    let csv = format!(
        "\u{feff}Nom;Courriel;Durée\r\nBulk 0;{};45\r\nSomeone;stranger@elsewhere.org;30\r\nBulk 2;{};12\r\n",
        emails[0].to_uppercase(),
        emails[2]
    );
    let import = app.url(&format!("/admin/sessions/{}/attendance/import", session.id));
    let (content_type, body) =
        multipart(&[("csrf_token", &token), ("others_absent", "yes")], Some(csv.as_bytes()));
    let res =
        client.post(&import).header("content-type", content_type).body(body).send().await.expect("import");
    assert_eq!(res.status(), 200);
    let report = res.text().await.expect("report");
    assert!(report.contains("Registrants marked as attended: 2 (lines read: 3)."), "{report}");
    assert!(report.contains("1 line did not match"));
    assert!(report.contains("<tr><td>3</td><td>stranger@elsewhere.org</td>"), "line number and address");
    assert!(report.contains("2 other confirmed registrants marked as absent."));
    assert_eq!(attended_of(&app, &ids[0]).await, Some(true));
    assert_eq!(attended_of(&app, &ids[2]).await, Some(true));
    assert_eq!(attended_of(&app, &ids[1]).await, Some(false));
    assert_eq!(attended_of(&app, &ids[3]).await, Some(false), "the others are absent");
    assert_eq!(attended_of(&app, &waiting).await, None);
    assert!(audit_actions(&app).await.contains(&"attendance.import".to_owned()));

    // A file without an email column comes back with the form and a message.
    let (content_type, body) = multipart(&[("csrf_token", &token)], Some(b"Name,Minutes\nAna,3\n"));
    let res =
        client.post(&import).header("content-type", content_type).body(body).send().await.expect("import");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("href=\"#attendance-file\""), "the summary links to the field");
    assert!(page.contains("No column of the file is named like an email address column"));

    let mut big = b"Email\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b'x');
    let (content_type, body) = multipart(&[("csrf_token", &token)], Some(&big));
    let res =
        client.post(&import).header("content-type", content_type).body(body).send().await.expect("import");
    assert_eq!(res.status(), 422);
    assert!(res.text().await.expect("page").contains("The file is larger than 5 MB"));
}

async fn the_csv_export_neutralises_formulas_and_keeps_accents(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("export", 2000, 10).await;
    let mut evil = Person::new("=HYPERLINK(\"http://x\")", "evil@x.org", "confirmed");
    (evil.other, evil.country, evil.attended) = (Some("Ciudad de México"), "México", Some(true));
    add(&app, &session.id, evil).await;
    add(&app, &session.id, Person::new("+Plus Minus", "plus@x.org", "waitlisted")).await;
    // Past one chunk of the streamed export.
    app.insert_confirmed(&session.id, 1005, "fr", Duration::days(1)).await;

    let client = app.sign_in("organiser").await;
    let res = client
        .get(app.url(&format!("/admin/sessions/{}/registrations.csv", session.id)))
        .send()
        .await
        .expect("export");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = res.headers()["content-disposition"].to_str().expect("disposition").to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let bytes = res.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().expect("headers").iter().map(str::to_owned).collect();
    assert_eq!(
        headers,
        [
            "Name",
            "Email",
            "Organisation",
            "Country",
            "Position",
            "Language",
            "Status",
            "Registered (UTC)",
            "Confirmed (UTC)",
            "Attended",
            "Needs",
            "Newsletter",
            "Listed as participant",
            "Follows (language)",
            "Sign-language interpretation",
            "Captions"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), 1007, "every registration, once");
    let evil = rows.iter().find(|r| &r[1] == "evil@x.org").expect("the row");
    assert_eq!(&evil[0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&evil[2], "Ciudad de México");
    assert_eq!(&evil[3], "México");
    assert_eq!(&evil[6], "Confirmed");
    assert_eq!(&evil[7], app.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    assert_eq!(&evil[9], "Yes");
    let plus = rows.iter().find(|r| &r[1] == "plus@x.org").expect("the row");
    assert_eq!(&plus[0], "'+Plus Minus");
    assert_eq!(&plus[8], "", "never confirmed");
    let mut emails: Vec<&str> = rows.iter().map(|r| r.get(1).unwrap_or_default()).collect();
    emails.sort_unstable();
    emails.dedup();
    assert_eq!(emails.len(), 1007, "no row twice across chunks");
    assert!(audit_actions(&app).await.contains(&"registrations.export".to_owned()));
}

async fn an_announcement_reaches_the_chosen_registrants_and_failed_messages_can_be_retried(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("announce", 50, 10).await;
    let confirmed = app.insert_confirmed(&session.id, 2, "en", Duration::days(1)).await;
    add(&app, &session.id, Person::new("Waiting Person", "waiting@x.org", "waitlisted")).await;
    add(&app, &session.id, Person::new("Gone Person", "gone@x.org", "cancelled")).await;
    let client = app.sign_in("organiser").await;
    let path = format!("/admin/sessions/{}/announcements", session.id);
    let token = app.csrf_for(&client, &path).await;
    let subject = "Slides <b>ready</b>";
    let body = "The slides are online <script>alert(1)</script>.\n\nSee you soon.";

    // Invalid: typed values come back with the messages.
    let res = client
        .post(app.url(&path))
        .form(&fields(&[("csrf_token", &token), ("action", "preview"), ("subject", ""), ("body", body)]))
        .send()
        .await
        .expect("preview");
    assert_eq!(res.status(), 422);
    let page = res.text().await.expect("page");
    assert!(page.contains("Enter a subject") && page.contains("Choose who receives the announcement"));
    assert!(page.contains("The slides are online &#60;script&#62;"), "the body typed is kept, escaped");

    let form = |action: &str, id: &str| {
        fields(&[
            ("csrf_token", &token),
            ("action", action),
            ("subject", subject),
            ("body", body),
            ("recipients", "confirmed"),
            ("announcement_id", id),
        ])
    };
    let res = client.post(app.url(&path)).form(&form("preview", "")).send().await.expect("preview");
    assert_eq!(res.status(), 200);
    let page = res.text().await.expect("page");
    assert!(page.contains("This email will go to 2 registrants."));
    assert!(page.contains("Slides &#60;b&#62;ready&#60;/b&#62;"), "escaped preview");
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("name=\"action\" value=\"send\""), "a Send button");
    let marker = "name=\"announcement_id\" value=\"";
    let start = page.find(marker).expect("an announcement id") + marker.len();
    let announcement = page[start..start + 36].to_owned();

    app.mail().answer_next_recipients(vec![Response::custom(550, "5.1.1 Mailbox unavailable".into())]);
    let res = client.post(app.url(&path)).form(&form("send", &announcement)).send().await.expect("send");
    assert_eq!(res.status(), 303);
    // A second click sends nothing twice.
    let res = client.post(app.url(&path)).form(&form("send", &announcement)).send().await.expect("send");
    assert_eq!(res.status(), 303);
    assert_eq!(app.outbox_statuses("announcement").await.len(), 2);
    app.deliver_mail().await;
    let statuses = app.outbox_statuses("announcement").await;
    assert_eq!(statuses.iter().filter(|s| *s == "failed").count(), 1, "{statuses:?}");
    let announcements: Vec<_> =
        app.mail().received().into_iter().filter(|m| m.subject() == subject).collect();
    assert_eq!(announcements.len(), 1, "one delivered, one refused");
    let html = announcements[0].html();
    assert!(html.contains("The slides are online &#60;script&#62;alert(1)&#60;/script&#62;."), "{html}");
    assert!(!html.contains("<script>"));
    assert!(announcements[0].text().contains("See you soon."));
    assert!(announcements[0].text().contains(&format!("{}/manage/", app.address)), "the manage link");

    let (_, page) = get_text(&client, app.url(&path)).await;
    assert!(page.contains("5.1.1 Mailbox unavailable"), "the server's answer is shown");
    assert!(page.contains(&format!("/announcements/{announcement}/retry")));
    let res = client
        .post(app.url(&format!("{path}/{announcement}/retry")))
        .form(&fields(&[("csrf_token", &token)]))
        .send()
        .await
        .expect("retry");
    assert_eq!(res.status(), 303);
    assert_eq!(app.outbox_statuses("announcement").await.iter().filter(|s| *s == "queued").count(), 1);
    app.deliver_mail().await;
    assert_eq!(app.outbox_statuses("announcement").await, vec!["sent", "sent"]);
    for email in &confirmed {
        assert_eq!(app.mail().to(email).iter().filter(|m| m.subject() == subject).count(), 1, "{email}");
    }
    assert!(app.mail().to("waiting@x.org").is_empty() && app.mail().to("gone@x.org").is_empty());
    let actions = audit_actions(&app).await;
    assert!(
        actions.contains(&"announcement.send".to_owned())
            && actions.contains(&"announcement.retry".to_owned())
    );
}

async fn the_demo_report_counts_the_26_members_that_took_part(engine: Engine) {
    let app = TestApp::spawn_with(engine, Options { demo: true, ..Options::default() }).await;
    let july = app
        .db(|conn| {
            use convoca::db::schema::sessions::dsl as s;
            s::sessions
                .filter(s::slug.eq(convoca::db::demo::ENGLISH_SLUG))
                .select(s::id)
                .first::<String>(conn)
                .expect("the July session")
        })
        .await;
    let client = app.sign_in("organiser").await;
    let (status, page) = get_text(&client, app.url(&format!("/admin/reports?session={july}"))).await;
    assert_eq!(status, 200);
    assert!(page.contains("Representatives of 26 members took part"), "{page}");
    assert!(!page.contains("No attendance was recorded"));
    let (_, everything) = get_text(&client, app.url("/admin/reports")).await;
    assert!(everything.contains("Representatives of 26 members took part"));

    let res = client.get(app.url(&format!("/admin/reports.csv?session={july}"))).send().await.expect("csv");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = res.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.iter().filter(|r| &r[0] == "Member").count(), 26);
    assert!(rows.iter().any(|r| &r[0] == "Member" && &r[1] == "Àrea Metropolitana de Barcelona (AMB)"));
    let total = rows.iter().find(|r| &r[0] == "Total").expect("total");
    assert_eq!((&total[3], &total[4], &total[5]), ("60", "60", "60"));

    // Without attendance, confirmed registrations count, and the page says so.
    let session = app.create_session("no-attendance", 10, 5).await;
    let member = app.create_member("=Formula City", "Ghana").await;
    let mut person = Person::new("Kwame", "kwame@x.org", "confirmed");
    person.organisation = Some(&member);
    add(&app, &session.id, person).await;
    let (_, page) = get_text(&client, app.url(&format!("/admin/reports?session={}", session.id))).await;
    assert!(page.contains("Representatives of 1 member took part"));
    assert!(page.contains("No attendance was recorded here"));
    let csv = client
        .get(app.url(&format!("/admin/reports.csv?session={}", session.id)))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("body");
    assert!(csv.contains("Member,'=Formula City,Ghana,1,1,0"), "{csv}");
    let (status, _) = get_text(&client, app.url("/admin/reports?series=no-such-series")).await;
    assert_eq!(status, 404);
}

async fn these_pages_need_a_signed_in_organiser_and_a_csrf_token(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("guarded", 10, 5).await;
    let id = add(&app, &session.id, Person::new("Someone", "someone@x.org", "confirmed")).await;
    let anonymous = app.client();
    for path in [
        format!("/admin/sessions/{}/registrations", session.id),
        format!("/admin/sessions/{}/registrations.csv", session.id),
        format!("/admin/sessions/{}/announcements", session.id),
        "/admin/reports".to_owned(),
        "/admin/reports.csv".to_owned(),
    ] {
        let res = anonymous.get(app.url(&path)).send().await.expect("get");
        assert_eq!(res.status(), 303, "{path}");
        let location = res.headers()["location"].to_str().expect("location");
        assert!(location.starts_with("/admin/login"), "{path} → {location}");
    }

    let client = app.sign_in("organiser").await;
    app.csrf_for(&client, &format!("/admin/sessions/{}/registrations", session.id)).await;
    let no_token = [
        (
            format!("/admin/sessions/{}/registrations/{id}/decision", session.id),
            fields(&[("decision", "cancel")]),
        ),
        (
            format!("/admin/sessions/{}/attendance", session.id),
            fields(&[("attended", "yes"), ("registration", &id)]),
        ),
        (
            format!("/admin/sessions/{}/announcements", session.id),
            fields(&[("action", "send"), ("subject", "x"), ("body", "y"), ("recipients", "confirmed")]),
        ),
        (format!("/admin/sessions/{}/announcements/{}/retry", session.id, new_id()), Vec::new()),
    ];
    for (path, form) in no_token {
        let res = client.post(app.url(&path)).form(&form).send().await.expect("post");
        assert_eq!(res.status(), 403, "{path}");
    }
    let (content_type, body) = multipart(&[("csrf_token", "forged")], Some(b"Email\nsomeone@x.org\n"));
    let res = client
        .post(app.url(&format!("/admin/sessions/{}/attendance/import", session.id)))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("import");
    assert_eq!(res.status(), 403);
    assert_eq!(app.status_of(&session.id, "someone@x.org").await.as_deref(), Some("confirmed"));
    assert_eq!(attended_of(&app, &id).await, None);
    assert!(app.outbox_statuses("announcement").await.is_empty());

    // A signed-in visitor of another session's page still gets a token-checked form.
    let (_, page) =
        get_text(&client, app.url(&format!("/admin/sessions/{}/announcements", session.id))).await;
    assert!(!csrf_token(&page).is_empty());
}

on_both_engines!(
    the_list_shows_counts_and_finds_registrations_by_search_filter_and_page,
    approving_and_declining_in_a_manual_session_emails_the_registrants,
    attendance_is_marked_in_bulk_and_imported_from_the_platform_csv,
    the_csv_export_neutralises_formulas_and_keeps_accents,
    an_announcement_reaches_the_chosen_registrants_and_failed_messages_can_be_retried,
    the_demo_report_counts_the_26_members_that_took_part,
    these_pages_need_a_signed_in_organiser_and_a_csrf_token,
);
