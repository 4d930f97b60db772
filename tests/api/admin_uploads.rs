//! The bounds of the organiser area's uploads (issue #14), sent over a raw connection so that
//! the body can be chunked, endless or announced with a false length, as a hostile client
//! would send it.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use convoca::db::audit::Actor;
use convoca::db::organisers::AddOutcome;
use convoca::db::speakers::SpeakerInput;

use crate::helpers::{Engine, TestApp};
use crate::on_both_engines;

pub(crate) const BOUNDARY: &str = "----convoca-upload-bounds";

/// A signed-in organiser as cookies, with a valid CSRF token for them.
#[derive(Clone)]
pub(crate) struct Visitor {
    id: String,
    pub cookie: String,
    pub csrf_token: String,
}

pub(crate) async fn organiser(app: &TestApp) -> Visitor {
    let now = app.clock.now();
    let (id, session) = app
        .db(move |conn| {
            let AddOutcome::Added(id) = convoca::db::organisers::add(
                conn,
                "uploads@secretariat.example.org",
                "Uploader",
                "x",
                false,
                now,
            )
            .expect("add") else {
                panic!("organiser exists")
            };
            let origin = convoca::db::organisers::SessionOrigin {
                user_agent: String::new(),
                client_address: String::new(),
            };
            let stage = convoca::domain::SignInStage::Complete;
            let session =
                convoca::db::organisers::start_session(conn, &id, stage, &origin, now).expect("session");
            (id, session)
        })
        .await;
    let seed = convoca::security::new_token();
    let csrf_token = app.settings.secret_key.sign("csrf", &seed);
    Visitor { id, cookie: format!("convoca_admin={session}; convoca_csrf={seed}"), csrf_token }
}

pub(crate) async fn speaker(app: &TestApp, visitor: &Visitor) -> String {
    let (now, actor) = (app.clock.now(), Actor { id: visitor.id.clone(), name: "Uploader".into() });
    app.db(move |conn| {
        let input = SpeakerInput { name: "Amina Diallo".into(), ..Default::default() };
        convoca::db::speakers::create_speaker(conn, &input, &actor, now).expect("speaker")
    })
    .await
}

pub(crate) fn text_part(name: &str, value: &str) -> Vec<u8> {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").into_bytes()
}

pub(crate) fn file_head(name: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"big.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes()
}

/// What the server answered, and how much of the body it took before answering.
pub(crate) struct Answer {
    pub status: u16,
    pub text: String,
    pub sent: usize,
}

/// Posts `start` and then filler again and again (up to `most` bytes in all) as a chunked
/// body, or with `Content-Length: length` when given, reading the answer as it comes: a
/// server that answers early is not made to wait for the end.
pub(crate) async fn post_streaming(
    app: &TestApp,
    path: &str,
    visitor: &Visitor,
    start: Vec<u8>,
    most: usize,
    length: Option<usize>,
) -> Answer {
    post_streaming_to(&app.address, path, visitor, start, most, length).await
}

/// [`post_streaming`] to the app at `address` (`http://host:port`).
pub(crate) async fn post_streaming_to(
    address: &str,
    path: &str,
    visitor: &Visitor,
    start: Vec<u8>,
    most: usize,
    length: Option<usize>,
) -> Answer {
    let address = address.trim_start_matches("http://").to_owned();
    let (path, visitor) = (path.to_owned(), visitor.clone());
    tokio::task::spawn_blocking(move || send_streaming(&address, &path, &visitor, start, most, length))
        .await
        .expect("client thread")
}

fn send_streaming(
    address: &str,
    path: &str,
    visitor: &Visitor,
    start: Vec<u8>,
    most: usize,
    length: Option<usize>,
) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let framing = match length {
        Some(n) => format!("Content-Length: {n}"),
        None => "Transfer-Encoding: chunked".to_owned(),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nCookie: {}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n",
        visitor.cookie
    );
    stream.write_all(head.as_bytes()).expect("head");
    let mut reader = stream.try_clone().expect("clone");
    let answer = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buffer = [0u8; 8192];
        loop {
            match reader.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => bytes.extend_from_slice(&buffer[..n]),
            }
            let text = String::from_utf8_lossy(&bytes);
            if text.contains("</html>") {
                break;
            }
        }
        bytes
    });
    let chunked = length.is_none();
    let filler = vec![b'x'; 64 * 1024];
    let mut sent = 0usize;
    let mut piece = start;
    while sent < most {
        let framed = if chunked {
            let mut framed = format!("{:x}\r\n", piece.len()).into_bytes();
            framed.extend_from_slice(&piece);
            framed.extend_from_slice(b"\r\n");
            framed
        } else {
            piece.clone()
        };
        if stream.write_all(&framed).is_err() || answer.is_finished() {
            break;
        }
        sent += piece.len();
        piece = filler.clone();
    }
    let bytes = answer.join().expect("reader");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
    Answer { status, text, sent }
}

async fn an_endless_chunked_photo_is_cut_off_with_413_and_a_clear_page(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let visitor = organiser(&app).await;
    let id = speaker(&app, &visitor).await;
    let mut start = text_part("csrf_token", &visitor.csrf_token);
    start.extend(file_head("photo"));
    let path = format!("/admin/speakers/{id}/photo");
    let answer = post_streaming(&app, &path, &visitor, start, 200 * 1024 * 1024, None).await;
    assert_eq!(answer.status, 413, "{}", answer.text.lines().next().unwrap_or_default());
    assert!(answer.text.contains("What you sent is too large."), "a page that says why");
    assert!(
        answer.sent < 100 * 1024 * 1024,
        "answered at the limit, not at the end: {} bytes sent",
        answer.sent
    );
    let stored = app.db(move |conn| convoca::db::speakers::photo_path(conn, &id).expect("photo")).await;
    assert_eq!(stored, None);
    assert_eq!(std::fs::read_dir(app.data_dir.path().join("photos")).map(|d| d.count()).unwrap_or(0), 0);
}

async fn an_endless_chunked_attendance_file_is_cut_off_with_413(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let visitor = organiser(&app).await;
    let session = app.create_session("bounded-import", 10, 3).await;
    let mut start = text_part("csrf_token", &visitor.csrf_token);
    start.extend(file_head("file"));
    let path = format!("/admin/sessions/{}/attendance/import", session.id);
    let answer = post_streaming(&app, &path, &visitor, start, 200 * 1024 * 1024, None).await;
    assert_eq!(answer.status, 413);
    assert!(answer.text.contains("What you sent is too large."));
}

async fn a_body_announced_as_too_long_is_refused_before_it_is_read(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let visitor = organiser(&app).await;
    let id = speaker(&app, &visitor).await;
    let path = format!("/admin/speakers/{id}/photo");
    let answer = post_streaming(&app, &path, &visitor, Vec::new(), 0, Some(40 * 1024 * 1024)).await;
    assert_eq!(answer.status, 413, "refused on the announced length, before reading");
    assert_eq!(answer.sent, 0);
}

async fn too_many_fields_or_a_forged_token_are_refused_before_the_file(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let visitor = organiser(&app).await;
    let id = speaker(&app, &visitor).await;
    let path = format!("/admin/speakers/{id}/photo");

    let mut many = text_part("csrf_token", &visitor.csrf_token);
    for n in 0..10 {
        many.extend(text_part(&format!("extra{n}"), "1"));
    }
    many.extend(file_head("photo"));
    let answer = post_streaming(&app, &path, &visitor, many, 64 * 1024 * 1024, None).await;
    assert_eq!(answer.status, 413, "too many fields");

    for token in ["forged", ""] {
        let mut start = text_part("csrf_token", token);
        start.extend(file_head("photo"));
        let answer = post_streaming(&app, &path, &visitor, start, 64 * 1024 * 1024, None).await;
        assert_eq!(answer.status, 403, "token {token:?}");
        assert!(answer.sent < 16 * 1024 * 1024, "refused before the file is read: {}", answer.sent);
    }
    let mut missing = file_head("photo");
    missing.extend_from_slice(format!("png\r\n--{BOUNDARY}--\r\n").as_bytes());
    let answer =
        post_streaming(&app, &path, &visitor, missing.clone(), missing.len(), Some(missing.len())).await;
    assert_eq!(answer.status, 403, "no token at all");
}

on_both_engines!(
    an_endless_chunked_photo_is_cut_off_with_413_and_a_clear_page,
    an_endless_chunked_attendance_file_is_cut_off_with_413,
    a_body_announced_as_too_long_is_refused_before_it_is_read,
    too_many_fields_or_a_forged_token_are_refused_before_the_file,
);
