use icalendar::{Calendar, CalendarComponent, Component};

use crate::helpers::{Engine, TestApp, csrf_token, set, valid_form};
use crate::on_both_engines;

async fn a_registration_is_confirmed_through_the_emailed_link_and_gets_a_calendar_invite(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("climate-finance", 50, 10).await;
    let accra = app.create_member("Accra", "Ghana").await;
    let client = app.client();

    let res = app
        .submit_registration(
            &client,
            "climate-finance",
            &valid_form("Amina Diallo", "amina@accra.gov.gh", &accra),
        )
        .await;
    assert_eq!(res.status(), 303);
    let location = res.headers()["location"].to_str().expect("location").to_owned();
    assert_eq!(location, "/sessions/climate-finance/registered");
    let page = client.get(app.url(&location)).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("Check your email"));
    assert_eq!(app.status_of(&session.id, "amina@accra.gov.gh").await.as_deref(), Some("pending"));
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 0, "pending does not take a seat");

    assert_eq!(app.deliver_mail().await, 1);
    let mails = app.mail().to("amina@accra.gov.gh");
    assert_eq!(mails.len(), 1);
    let confirmation = &mails[0];
    assert!(
        confirmation.subject().contains("Please confirm your registration"),
        "{}",
        confirmation.subject()
    );
    assert!(confirmation.html().contains("Confirm my registration"), "HTML part");
    assert!(
        confirmation.header("Message-ID").is_some_and(|id| id.contains("@127.0.0.1")),
        "our own Message-ID"
    );
    let text = confirmation.text();
    // Until the address is confirmed, the typed name is not repeated to the mailbox.
    assert!(text.starts_with("Hello,") || text.contains("\nHello,"), "neutral greeting: {text}");
    assert!(!text.contains("Amina Diallo"), "the typed name is not in the confirmation request: {text}");
    assert!(
        text.contains("(UTC+01:00, Europe/Paris)") || text.contains("(UTC+02:00, Europe/Paris)"),
        "session time with zone: {text}"
    );
    assert!(text.contains("Africa/Accra"), "and in the registrant's zone: {text}");
    let confirm_link = confirmation.link(&format!("{}/confirm/", app.address)).expect("confirm link");

    let res = crate::helpers::confirm(&client, &confirm_link).await;
    assert_eq!(res.status(), 303);
    let manage_path = res.headers()["location"].to_str().expect("location").to_owned();
    assert!(manage_path.starts_with("/manage/") && manage_path.ends_with("?done=confirmed"), "{manage_path}");
    assert_eq!(app.status_of(&session.id, "amina@accra.gov.gh").await.as_deref(), Some("confirmed"));

    let manage = client.get(app.url(&manage_path)).send().await.expect("manage");
    assert_eq!(manage.status(), 200);
    assert_eq!(manage.headers()["cache-control"], "no-store");
    let html = manage.text().await.expect("body");
    assert!(html.contains("your registration is confirmed"));
    assert!(html.contains("/join\""), "confirmed registrants see their join page");
    assert!(!html.contains("meet.example.org"), "never the platform's address");

    assert_eq!(app.deliver_mail().await, 1);
    let mails = app.mail().to("amina@accra.gov.gh");
    assert_eq!(mails.len(), 2);
    let registered = &mails[1];
    assert!(registered.subject().starts_with("You are registered"), "{}", registered.subject());
    assert!(registered.text().contains(&format!("{}/join/", app.address)), "the personal join link");
    assert!(!registered.text().contains("meet.example.org"), "never the platform's address");
    let (ics, method) = registered.calendar().expect("an inline iMIP invitation");
    assert_eq!(method, "REQUEST");
    assert!(ics.contains("METHOD:REQUEST"));
    let calendar: Calendar = ics.parse().expect("the invite parses as iCalendar");
    let event = calendar
        .components
        .iter()
        .find_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .expect("one event");
    assert_eq!(event.get_summary(), Some("Webinar climate-finance"));
    let uid = event.get_uid().expect("UID").to_owned();
    assert!(uid.starts_with("registration-") && uid.ends_with("@127.0.0.1"), "{uid}");
    let expected_start = session.starts_at.format("DTSTART:%Y%m%dT%H%M%SZ").to_string();
    assert!(ics.contains(&expected_start), "UTC start {expected_start} in {ics}");
    let expected_end = session.ends_at().format("DTEND:%Y%m%dT%H%M%SZ").to_string();
    assert!(ics.contains(&expected_end), "UTC end");
    let description = event.get_description().expect("description");
    assert!(description.contains(&format!("{}/join/", app.address)), "join link in the description");
    assert!(!ics.contains("meet.example.org"), "never the platform's address");
    assert!(!ics.contains("/manage/"), "no private link in the calendar entry");

    // The calendar download from the manage page carries the same UID.
    let manage_token_path = manage_path.trim_end_matches("?done=confirmed");
    let download =
        client.get(app.url(&format!("{manage_token_path}/calendar.ics"))).send().await.expect("ics");
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-type"].to_str().expect("ct").starts_with("text/calendar"));
    assert!(download.text().await.expect("body").contains(&format!("UID:{uid}")));
}

async fn following_the_confirmation_link_twice_changes_nothing_and_sends_nothing(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("twice", 10, 5).await;
    let org = app.create_member("Seoul", "Republic of Korea").await;
    let client = app.client();
    app.submit_registration(&client, "twice", &valid_form("Ji-woo Park", "jiwoo@seoul.go.kr", &org)).await;
    app.deliver_mail().await;
    let link =
        app.mail().to("jiwoo@seoul.go.kr")[0].link(&format!("{}/confirm/", app.address)).expect("link");

    let first = crate::helpers::confirm(&client, &link).await;
    assert!(first.headers()["location"].to_str().expect("loc").ends_with("done=confirmed"));
    assert_eq!(app.deliver_mail().await, 1, "one 'you are registered' message");

    let second = crate::helpers::confirm(&client, &link).await;
    assert_eq!(second.status(), 303);
    let location = second.headers()["location"].to_str().expect("loc").to_owned();
    assert!(location.ends_with("done=unchanged"), "{location}");
    let page = client.get(app.url(&location)).send().await.expect("page").text().await.expect("body");
    assert!(page.contains("already confirmed"));
    assert_eq!(app.deliver_mail().await, 0, "nothing more is sent");
    assert_eq!(app.mail().to("jiwoo@seoul.go.kr").len(), 2);
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1);
}

async fn registering_twice_with_the_same_email_keeps_one_registration(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("dup", 10, 5).await;
    let org = app.create_member("Montevideo", "Uruguay").await;

    let first = app
        .submit_registration(
            &app.client(),
            "dup",
            &valid_form("Lucía Pérez", "lucia@montevideo.gub.uy", &org),
        )
        .await;
    let mut again = valid_form("Lucía Pérez Gómez", "Lucia@Montevideo.gub.uy", &org);
    set(&mut again, "language", "es");
    let second = app.submit_registration(&app.client(), "dup", &again).await;
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(first.headers()["location"], second.headers()["location"], "the answer reveals nothing");
    assert_eq!(app.count_registrations(&session.id, "pending").await, 1, "one registration, not two");

    app.deliver_mail().await;
    let mails = app.mail().to("lucia@montevideo.gub.uy");
    assert_eq!(mails.len(), 2, "the pending confirmation is sent again");
    let id = session.id.clone();
    let stored: String = app
        .db(move |conn| {
            use convoca::db::schema::registrations as r;
            use diesel::prelude::*;
            r::table.filter(r::session_id.eq(id)).select(r::name).first(conn).expect("registration")
        })
        .await;
    assert_eq!(stored, "Lucía Pérez Gómez", "the newest details are kept");
    assert!(!mails[1].text().contains("Lucía"), "and not repeated to the mailbox before it is confirmed");
    assert!(
        mails[1].subject().contains("confirme") || mails[1].subject().contains("Confirm"),
        "{}",
        mails[1].subject()
    );

    // Once confirmed, registering again only mails the owner a link to their registration.
    let link = mails[1].link(&format!("{}/confirm/", app.address)).expect("link");
    crate::helpers::confirm(&app.client(), &link).await;
    app.deliver_mail().await;
    let third = app
        .submit_registration(
            &app.client(),
            "dup",
            &valid_form("Someone Else", "lucia@montevideo.gub.uy", &org),
        )
        .await;
    assert_eq!(third.headers()["location"], first.headers()["location"]);
    app.deliver_mail().await;
    let mails = app.mail().to("lucia@montevideo.gub.uy");
    let last = mails.last().expect("a message");
    assert!(last.link(&format!("{}/manage/", app.address)).is_some(), "the owner gets their manage link");
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1);
    let name: String = {
        let id = session.id.clone();
        app.db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            use diesel::prelude::*;
            r::registrations.filter(r::session_id.eq(id)).select(r::name).first(conn).expect("name")
        })
        .await
    };
    assert_eq!(name, "Lucía Pérez Gómez", "a confirmed registration is not overwritten by a third party");
}

async fn a_form_with_mistakes_is_shown_again_with_messages_and_what_was_typed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("mistakes", 10, 5).await;
    let org = app.create_member("Hyderabad", "India").await;
    let client = app.client();
    let mut form = valid_form("Priya Sharma", "priya@@hyderabad", &org);
    set(&mut form, "consent", "");
    form.retain(|(k, _)| k != "consent");
    set(&mut form, "position", "Director of International Relations");
    set(&mut form, "timezone", "Mars/Olympus");
    let res = app.submit_registration(&client, "mistakes", &form).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("There is a problem"), "error summary");
    assert!(html.contains("href=\"#email\""), "summary links to the field");
    assert!(html.contains("Enter an email address in the correct format"));
    assert!(html.contains("Tick the box to agree"));
    assert!(html.contains("Enter a time zone from the list"));
    assert!(html.contains("value=\"Priya Sharma\""), "typed values are kept");
    assert!(html.contains("value=\"priya@@hyderabad\""));
    assert!(html.contains("value=\"Director of International Relations\""));
    assert!(
        html.contains(&format!("<option value=\"{org}\" selected>")),
        "the chosen organisation stays selected"
    );
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("<title>Error:"), "the title says there is an error");
    assert_eq!(app.count_registrations(&session.id, "pending").await, 0, "nothing is stored");
    assert_eq!(app.deliver_mail().await, 0, "nothing is sent");

    let mut too_long = valid_form(&"x".repeat(121), "priya@hyderabad.gov.in", &org);
    set(&mut too_long, "organisation", "not-a-real-id");
    let res = app.submit_registration(&client, "mistakes", &too_long).await;
    assert_eq!(res.status(), 422);
    let html = res.text().await.expect("body");
    assert!(html.contains("Use at most 120 characters"));
    assert!(html.contains("Choose an organisation from the list"));

    let mut unknown_member = valid_form("Priya Sharma", "priya@hyderabad.gov.in", &org);
    set(&mut unknown_member, "organisation", "0193a1b2-0000-7000-8000-000000000999");
    let res = app.submit_registration(&client, "mistakes", &unknown_member).await;
    assert_eq!(res.status(), 422, "a member that does not exist is refused");
}

async fn hostile_input_is_stored_as_text_and_shown_escaped(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("hostile", 10, 5).await;
    let client = app.client();
    let mut form =
        valid_form("<script>alert('x')</script>\r\nBcc: victim@example.org", "mallory@example.org", "other");
    set(&mut form, "organisation_other", "Robert'); DROP TABLE registrations;--");
    set(&mut form, "needs", "<img src=x onerror=alert(1)>\nline two");
    let res = app.submit_registration(&client, "hostile", &form).await;
    assert_eq!(res.status(), 303);
    app.deliver_mail().await;
    let mails = app.mail().to("mallory@example.org");
    assert_eq!(mails.len(), 1);
    assert_eq!(app.mail().received().len(), 1, "no extra recipient");
    assert_eq!(mails[0].to, vec!["mallory@example.org".to_owned()]);
    assert!(mails[0].header("Bcc").is_none(), "no header injected");
    assert!(!mails[0].html().contains("<script>"), "escaped in the HTML email");
    let link = mails[0].link(&format!("{}/confirm/", app.address)).expect("link");
    let res = crate::helpers::confirm(&client, &link).await;
    let manage =
        client.get(app.url(res.headers()["location"].to_str().expect("loc"))).send().await.expect("manage");
    assert_eq!(manage.status(), 200);
    let html = manage.text().await.expect("body");
    assert!(!html.contains("<script>alert"), "markup is not executed");
    assert!(
        html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; Bcc: victim@example.org"),
        "shown as text"
    );
    assert!(html.contains("Robert&#39;); DROP TABLE registrations;--"));
    assert!(html.contains("&#60;img src=x onerror=alert(1)&#62;"));
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1, "the table is still there");
}

async fn a_full_session_waitlists_and_a_cancellation_promotes_the_earliest(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("small", 1, 5).await;
    let org = app.create_member("Kathmandu", "Nepal").await;

    let first_manage = app.register_and_confirm("small", "First Person", "first@ktm.gov.np", &org).await;
    app.deliver_mail().await;
    let html =
        app.client().get(app.url("/sessions/small")).send().await.expect("page").text().await.expect("body");
    assert!(html.contains("waiting list"), "a full session says so");

    let second_manage = app.register_and_confirm("small", "Second Person", "second@ktm.gov.np", &org).await;
    assert!(second_manage.ends_with("done=waitlisted"));
    let third_manage = app.register_and_confirm("small", "Third Person", "third@ktm.gov.np", &org).await;
    assert!(third_manage.ends_with("done=waitlisted"));
    app.deliver_mail().await;
    assert!(app.mail().to("second@ktm.gov.np").last().expect("mail").subject().contains("waiting list"));
    let waitlisted_page =
        app.client().get(&second_manage).send().await.expect("page").text().await.expect("body");
    assert!(!waitlisted_page.contains("https://meet.example.org/small"), "no join link for the waiting list");
    assert_eq!(app.count_registrations(&session.id, "confirmed").await, 1);
    assert_eq!(app.count_registrations(&session.id, "waitlisted").await, 2);

    // The first person cancels from their manage page.
    let client = app.client();
    let page = client.get(&first_manage).send().await.expect("manage").text().await.expect("body");
    let token = csrf_token(&page);
    let manage_path = first_manage.trim_end_matches("?done=confirmed").to_owned();
    let res = client
        .post(format!("{manage_path}/cancel"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .expect("cancel");
    assert_eq!(res.status(), 303);
    assert_eq!(app.status_of(&session.id, "first@ktm.gov.np").await.as_deref(), Some("cancelled"));
    assert_eq!(
        app.status_of(&session.id, "second@ktm.gov.np").await.as_deref(),
        Some("confirmed"),
        "the earliest waitlisted is promoted"
    );
    assert_eq!(app.status_of(&session.id, "third@ktm.gov.np").await.as_deref(), Some("waitlisted"));

    app.deliver_mail().await;
    let cancelled = app.mail().to("first@ktm.gov.np");
    let (ics, method) = cancelled.last().expect("mail").calendar().expect("cancel invite");
    assert_eq!(method, "CANCEL");
    assert!(ics.contains("METHOD:CANCEL") && ics.contains("STATUS:CANCELLED"));
    let promoted = app.mail().to("second@ktm.gov.np");
    let last = promoted.last().expect("mail");
    assert!(last.subject().contains("A seat is yours"), "{}", last.subject());
    assert!(last.calendar().is_some(), "promotion carries the calendar entry");

    // Cancelling without the CSRF token is refused.
    let res = app
        .client()
        .post(format!("{manage_path}/cancel"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
}

async fn a_form_without_a_valid_csrf_token_is_refused_but_keeps_what_was_typed(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("csrf", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    client.get(app.url("/sessions/csrf/register")).send().await.expect("form");
    let mut fields = valid_form("Kwame Mensah", "kwame@accra.gov.gh", &org);
    fields.push(("csrf_token".into(), "forged-token".into()));
    let res = client.post(app.url("/sessions/csrf/register")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 403);
    let html = res.text().await.expect("body");
    assert!(html.contains("value=\"Kwame Mensah\""), "nothing typed is lost");
    assert!(html.contains("Your form had expired"));
    assert_eq!(app.count_registrations(&session.id, "pending").await, 0);
}

async fn emailed_tokens_are_stored_only_as_hashes(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("tokens", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.submit_registration(&app.client(), "tokens", &valid_form("Ama Owusu", "ama@accra.gov.gh", &org))
        .await;
    app.deliver_mail().await;
    let link = app.mail().to("ama@accra.gov.gh")[0].link(&format!("{}/confirm/", app.address)).expect("link");
    let token = link.rsplit('/').next().expect("token").to_owned();
    assert!(token.len() >= 43, "at least 256 bits, base64url");
    let stored: Vec<(String, String)> = app
        .db(|conn| {
            use convoca::db::schema::registration_tokens::dsl as t;
            use diesel::prelude::*;
            t::registration_tokens.select((t::token_hash, t::purpose)).load(conn).expect("tokens")
        })
        .await;
    assert!(stored.iter().all(|(hash, _)| hash != &token), "the token itself is not stored");
    assert!(
        stored
            .iter()
            .any(|(hash, purpose)| hash == &convoca::security::hash_token(&token) && purpose == "confirm")
    );
    // A confirmation token does not open the manage page: tokens are bound to their purpose.
    let res = app.client().get(app.url(&format!("/manage/{token}"))).send().await.expect("manage");
    assert_eq!(res.status(), 404);
}

async fn registration_closes_at_the_end_of_its_window(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("window", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let page = client
        .get(app.url("/sessions/window/register"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    let token = csrf_token(&page);
    let id = session.id.clone();
    let closes = app.clock.now() + chrono::Duration::hours(1);
    app.db(move |conn| {
        use convoca::db::schema::sessions::dsl as s;
        use diesel::prelude::*;
        diesel::update(s::sessions.find(id))
            .set(s::registration_closes_at.eq(Some(closes)))
            .execute(conn)
            .expect("update")
    })
    .await;
    app.clock.advance(chrono::Duration::hours(2));
    let mut fields = valid_form("Late Person", "late@accra.gov.gh", &org);
    fields.push(("csrf_token".into(), token));
    let res = client.post(app.url("/sessions/window/register")).form(&fields).send().await.expect("post");
    assert_eq!(res.status(), 409);
    assert!(res.text().await.expect("body").contains("Registration is closed"));
    assert_eq!(app.count_registrations(&session.id, "pending").await, 0);
    let page =
        client.get(app.url("/sessions/window")).send().await.expect("page").text().await.expect("body");
    assert!(!page.contains("/sessions/window/register"), "no Register link once closed");
}

async fn a_member_s_country_is_used_when_none_is_given(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("country", 10, 5).await;
    let org = app.create_member("Goyang", "Republic of Korea").await;
    let mut form = valid_form("Min-jun Kim", "minjun@goyang.go.kr", &org);
    set(&mut form, "country", "");
    assert_eq!(app.submit_registration(&app.client(), "country", &form).await.status(), 303);
    let id = session.id.clone();
    let country: String = app
        .db(move |conn| {
            use convoca::db::schema::registrations::dsl as r;
            use diesel::prelude::*;
            r::registrations.filter(r::session_id.eq(id)).select(r::country).first(conn).expect("country")
        })
        .await;
    assert_eq!(country, "KR", "the member's typed country, as its code");
}

async fn odd_requests_get_clear_answers_never_a_server_error(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = app.create_session("odd", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    let page =
        client.get(app.url("/sessions/odd/register")).send().await.expect("form").text().await.expect("body");
    let token = csrf_token(&page);
    let post = |body: String, content_type: &'static str| {
        client.post(app.url("/sessions/odd/register")).header("content-type", content_type).body(body).send()
    };
    let form = |extra: &str| {
        format!("csrf_token={token}&name=A&email=a%40b.org&organisation={org}&consent=yes{extra}")
    };
    let cases = [
        (form("&name=B"), "application/x-www-form-urlencoded"),
        (form("&email=%00%0D%0A"), "application/x-www-form-urlencoded"),
        ("%%%&&&==".to_owned(), "application/x-www-form-urlencoded"),
        (form(""), "application/json"),
        (format!("{}&needs={}", form(""), "x".repeat(70 * 1024)), "application/x-www-form-urlencoded"),
        (form("&language=%F0%9F%98%80&timezone=Europe%2FParis%00"), "application/x-www-form-urlencoded"),
    ];
    for (body, content_type) in cases {
        let res = post(body.clone(), content_type).await.expect("post");
        let status = res.status().as_u16();
        assert!((300..500).contains(&status), "{status} for {}", &body[..body.len().min(80)]);
        let html = res.text().await.expect("body");
        assert!(status == 303 || html.contains("<html"), "a page explains the problem ({status})");
    }
    assert!(app.count_registrations(&session.id, "pending").await <= 1, "nothing half-written");
}

on_both_engines!(
    a_member_s_country_is_used_when_none_is_given,
    odd_requests_get_clear_answers_never_a_server_error,
    a_registration_is_confirmed_through_the_emailed_link_and_gets_a_calendar_invite,
    following_the_confirmation_link_twice_changes_nothing_and_sends_nothing,
    registering_twice_with_the_same_email_keeps_one_registration,
    a_form_with_mistakes_is_shown_again_with_messages_and_what_was_typed,
    hostile_input_is_stored_as_text_and_shown_escaped,
    a_full_session_waitlists_and_a_cancellation_promotes_the_earliest,
    a_form_without_a_valid_csrf_token_is_refused_but_keeps_what_was_typed,
    emailed_tokens_are_stored_only_as_hashes,
    registration_closes_at_the_end_of_its_window,
);

async fn a_flood_of_registrations_reaches_a_victim_s_inbox_at_most_three_times_an_hour(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let org = app.create_member("Accra", "Ghana").await;
    for n in 0..5 {
        app.create_session(&format!("flood-{n}"), 10, 5).await;
    }
    let client = app.client();
    for n in 0..5 {
        let res = app
            .submit_registration(
                &client,
                &format!("flood-{n}"),
                &valid_form("Victim", "victim@accra.gov.gh", &org),
            )
            .await;
        assert_eq!(res.status(), 303, "the page says the same each time");
        app.submit_registration(
            &client,
            &format!("flood-{n}"),
            &valid_form("Victim", "Victim@Accra.gov.gh", &org),
        )
        .await;
    }
    app.deliver_mail().await;
    assert_eq!(app.mail().to("victim@accra.gov.gh").len(), 3, "three messages, then nothing for an hour");
    app.clock.advance(chrono::Duration::minutes(61));
    app.submit_registration(&client, "flood-4", &valid_form("Victim", "victim@accra.gov.gh", &org)).await;
    app.deliver_mail().await;
    assert_eq!(app.mail().to("victim@accra.gov.gh").len(), 4, "the person can still ask again later");
}

async fn one_address_may_register_a_limited_number_of_times_an_hour(engine: Engine) {
    let app =
        TestApp::spawn_with(engine, crate::helpers::Options { registration_limit: 2, ..Default::default() })
            .await;
    let session = app.create_session("limited", 50, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    let client = app.client();
    for n in 0..2 {
        let res = app
            .submit_registration(
                &client,
                "limited",
                &valid_form("Person", &format!("p{n}@accra.gov.gh"), &org),
            )
            .await;
        assert_eq!(res.status(), 303);
    }
    let res = app
        .submit_registration(&client, "limited", &valid_form("Third Person", "p3@accra.gov.gh", &org))
        .await;
    assert_eq!(res.status(), 429);
    let html = res.text().await.expect("body");
    assert!(html.contains("Too many registrations have come from your network"));
    assert!(html.contains("value=\"Third Person\""), "what was typed is kept");
    assert_eq!(app.count_registrations(&session.id, "pending").await, 2);
    app.clock.advance(chrono::Duration::minutes(61));
    let res = app
        .submit_registration(&client, "limited", &valid_form("Third Person", "p3@accra.gov.gh", &org))
        .await;
    assert_eq!(res.status(), 303, "an hour later it works again");
}

async fn guessing_links_is_slowed_down(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    app.create_session("guess", 10, 5).await;
    let org = app.create_member("Accra", "Ghana").await;
    app.submit_registration(&app.client(), "guess", &valid_form("Real Person", "real@accra.gov.gh", &org))
        .await;
    app.deliver_mail().await;
    let real =
        app.mail().to("real@accra.gov.gh")[0].link(&format!("{}/confirm/", app.address)).expect("link");
    let client = app.client();
    for n in 0..30 {
        let guess = format!("{}/confirm/{:0>43}", app.address, n);
        assert_eq!(client.get(guess).send().await.expect("guess").status(), 404);
    }
    let res = client.get(&real).send().await.expect("real");
    assert_eq!(res.status(), 429, "after 30 wrong links in ten minutes, this address waits");
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(client.get(&real).send().await.expect("real").status(), 200, "the confirmation page again");
}

on_both_engines!(
    a_flood_of_registrations_reaches_a_victim_s_inbox_at_most_three_times_an_hour,
    one_address_may_register_a_limited_number_of_times_an_hour,
    guessing_links_is_slowed_down,
);

mod privacy {
    use crate::helpers::{Engine, TestApp, csrf_token};
    use crate::on_both_engines;

    async fn a_person_downloads_then_erases_their_data_and_the_seat_goes_on(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let session = app.create_session("privacy", 1, 5).await;
        let org = app.create_member("Bruxelles", "Belgium").await;
        let manage = app.register_and_confirm("privacy", "Sophie Dubois", "sophie@bruxelles.be", &org).await;
        app.register_and_confirm("privacy", "Next Person", "next@bruxelles.be", &org).await;
        app.deliver_mail().await;
        let manage = manage.split('?').next().expect("path").to_owned();
        let client = app.client();

        let data = client.get(format!("{manage}/data.json")).send().await.expect("download");
        assert_eq!(data.status(), 200);
        assert_eq!(data.headers()["cache-control"], "no-store");
        let json: serde_json::Value = serde_json::from_str(&data.text().await.expect("body")).expect("JSON");
        assert_eq!(json["registration"]["email"], "sophie@bruxelles.be");
        assert_eq!(json["registration"]["organisation"], "Bruxelles");
        assert!(json["consent"]["registration"]["notice_version"].is_string());
        assert!(json["emails"].as_array().is_some_and(|e| e.len() >= 2), "the emails sent are listed");

        let page = client.get(&manage).send().await.expect("manage").text().await.expect("body");
        let token = csrf_token(&page);
        let res = client
            .post(format!("{manage}/erase"))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .expect("erase");
        assert_eq!(res.status(), 303, "without the confirmation box nothing is erased");
        assert_eq!(app.status_of(&session.id, "sophie@bruxelles.be").await.as_deref(), Some("confirmed"));
        let res = client
            .post(format!("{manage}/erase"))
            .form(&[("csrf_token", token.as_str()), ("confirm", "yes")])
            .send()
            .await
            .expect("erase");
        assert_eq!(res.status(), 200);
        assert!(res.text().await.expect("body").contains("Your data has been erased"));

        assert_eq!(app.status_of(&session.id, "sophie@bruxelles.be").await, None, "the address is gone");
        assert_eq!(
            app.status_of(&session.id, "next@bruxelles.be").await.as_deref(),
            Some("confirmed"),
            "the seat moved on"
        );
        let sid = session.id.clone();
        let (names, organisations): (Vec<String>, Vec<Option<String>>) = app
            .db(move |conn| {
                use convoca::db::schema::registrations::dsl as r;
                use diesel::prelude::*;
                r::registrations
                    .filter(r::session_id.eq(sid))
                    .select((r::name, r::organisation_id))
                    .load::<(String, Option<String>)>(conn)
                    .expect("rows")
                    .into_iter()
                    .unzip()
            })
            .await;
        assert!(!names.iter().any(|n| n == "Sophie Dubois"));
        assert_eq!(organisations.iter().flatten().count(), 2, "the organisation stays for the counts");
        assert_eq!(
            client.get(&manage).send().await.expect("manage").status(),
            404,
            "the link no longer works"
        );
    }

    async fn old_registrations_are_purged_after_the_retention_period(engine: Engine) {
        let app = TestApp::spawn(engine).await;
        let session = app.create_session("old", 10, 1).await;
        app.insert_confirmed(&session.id, 5, "en", chrono::Duration::hours(1)).await;
        let now = app.clock.now() + chrono::Duration::days(100);
        let dir = app.settings.mail_dir();
        let purged =
            app.db(move |conn| convoca::db::privacy::purge(conn, &dir, 365, now).expect("purge")).await;
        assert_eq!(purged, 0, "still within the retention period");
        let later = app.clock.now() + chrono::Duration::days(400);
        let dir = app.settings.mail_dir();
        let purged =
            app.db(move |conn| convoca::db::privacy::purge(conn, &dir, 365, later).expect("purge")).await;
        assert_eq!(purged, 5);
        assert_eq!(app.count_registrations(&session.id, "erased").await, 5, "the rows stay, anonymous");
        let dir = app.settings.mail_dir();
        let again =
            app.db(move |conn| convoca::db::privacy::purge(conn, &dir, 365, later).expect("purge")).await;
        assert_eq!(again, 0, "nothing twice");
    }

    on_both_engines!(
        a_person_downloads_then_erases_their_data_and_the_seat_goes_on,
        old_registrations_are_purged_after_the_retention_period,
    );
}
