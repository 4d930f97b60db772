//! The organiser's exports: they hold what the list shows (its search and filters), in the
//! organiser's language, as CSV with either separator or as an Excel workbook read back here
//! with a spreadsheet reader (cell types, headers, frozen and filterable header row).

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::Duration;
use convoca::db::admin_registrations::Filters;
use convoca::db::models::{Registration, RegistrationDetails};
use convoca::domain::{Language, RegistrationStatus};
use convoca::i18n::I18n;
use diesel::prelude::*;

use crate::helpers::{Engine, TestApp, sid};
use crate::on_both_engines;

/// A registration written straight into the database; returns its address.
#[allow(clippy::too_many_arguments)]
async fn add(
    app: &TestApp,
    session_id: &str,
    name: &str,
    email: &str,
    status: RegistrationStatus,
    country: &str,
    organisation: (Option<String>, Option<&str>),
    newsletter: bool,
) -> String {
    let now = app.clock.now();
    let details = RegistrationDetails {
        organisation_id: organisation.0,
        organisation_other: organisation.1.map(str::to_owned),
        country: country.to_owned(),
        language: "fr".into(),
        newsletter,
        ..RegistrationDetails::sample(name, email, now)
    };
    let row = Registration {
        status,
        confirmed_at: (status == RegistrationStatus::Confirmed).then_some(now),
        waitlisted_at: (status == RegistrationStatus::Waitlisted).then_some(now),
        attended: (status == RegistrationStatus::Confirmed).then_some(true),
        ..Registration::pending(&sid(session_id), details, now)
    };
    app.db(move |conn| {
        diesel::insert_into(convoca::db::schema::registrations::table)
            .values(&row)
            .execute(conn)
            .expect("insert registration")
    })
    .await;
    email.to_owned()
}

/// A session with a few different registrations and enough confirmed ones to fill more than
/// one chunk of the export.
async fn seeded(app: &TestApp) -> String {
    let session = app.create_session("exported", 5000, 10).await;
    let accra = app.create_member("Accra Metropolitan Assembly", "GH").await;
    let id = session.id.as_str();
    let other = |name| (None, Some(name));
    add(app, id, "Ana Torres", "ana@cdmx.gob.mx", RegistrationStatus::Pending, "MX", other("CDMX"), false)
        .await;
    add(
        app,
        id,
        "=HYPERLINK(\"http://x\")",
        "evil@x.org",
        RegistrationStatus::Confirmed,
        "FR",
        other("Ville; Région"),
        true,
    )
    .await;
    add(app, id, "+Plus Minus", "plus@x.org", RegistrationStatus::Waitlisted, "ES", other("Madrid"), false)
        .await;
    add(
        app,
        id,
        "Kofi Mensah",
        "kofi@accra.gov.gh",
        RegistrationStatus::Confirmed,
        "GH",
        (Some(accra), None),
        false,
    )
    .await;
    app.insert_confirmed(id, 1002, "es", Duration::days(1)).await;
    session.id.to_string()
}

/// The addresses the list shows for these filters (its own query, every page).
async fn listed(app: &TestApp, session_id: &str, filters: Filters) -> BTreeSet<String> {
    let id = sid(session_id);
    app.db(move |conn| {
        let (rows, total) =
            convoca::db::admin_registrations::list(conn, &id, &filters, 0, 100_000).expect("list");
        assert_eq!(usize::try_from(total).expect("count"), rows.len());
        rows.into_iter().map(|r| r.email).collect()
    })
    .await
}

pub(crate) async fn download(
    client: &reqwest::Client,
    url: String,
    language: &str,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let res = client.get(url).header("accept-language", language).send().await.expect("download");
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    (headers, res.bytes().await.expect("body").to_vec())
}

/// A CSV download's header and records, checking its byte-order mark.
pub(crate) fn read_csv(bytes: &[u8], delimiter: u8) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(&bytes[3..]);
    let header = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let records = reader.records().map(|r| r.expect("record")).collect();
    (header, records)
}

/// The first sheet of a workbook: its name, its cells, and whether it holds any formula.
pub(crate) fn read_xlsx(bytes: &[u8]) -> (String, Vec<Vec<Data>>, Vec<(String, String)>) {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("xlsx");
    let name = workbook.sheet_names().first().cloned().expect("a sheet");
    let range = workbook.worksheet_range(&name).expect("sheet");
    let formulas = workbook.worksheet_formula(&name).expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell is a formula");
    let rows = range.rows().map(<[Data]>::to_vec).collect();
    (name, rows, workbook.defined_names().to_vec())
}

/// The XML of the first sheet, for what a reader does not report (the frozen pane).
fn sheet_xml(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("zip");
    let mut xml = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").expect("sheet1").read_to_string(&mut xml).expect("xml");
    xml
}

pub(crate) fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("a text cell, not {other:?}"),
    }
}

async fn every_export_of_the_list_holds_the_rows_the_list_shows(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = seeded(&app).await;
    let client = app.sign_in("organiser").await;
    let base = format!("/admin/sessions/{session}/registrations");

    // The case: "Email not confirmed", one match, and the export has that one row.
    let page = client
        .get(app.url(&format!("{base}?status=pending")))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("page");
    let one_match = I18n::new(Language::En).t1("admin-reg-matches", "count", 1);
    assert!(page.contains(&one_match), "{page}");

    let cases: Vec<(&str, Filters)> = vec![
        ("status=pending", Filters { status: "pending".into(), ..Filters::default() }),
        ("q=ACCRA", Filters { q: "ACCRA".into(), ..Filters::default() }),
        ("country=FR", Filters { country: "FR".into(), ..Filters::default() }),
        (
            "organisation=other&status=confirmed&country=ES",
            Filters {
                organisation: "other".into(),
                status: "confirmed".into(),
                country: "ES".into(),
                ..Filters::default()
            },
        ),
        // More than one chunk of the streamed export.
        ("status=confirmed", Filters { status: "confirmed".into(), ..Filters::default() }),
        ("", Filters::default()),
    ];
    for (query, filters) in cases {
        let expected = listed(&app, &session, filters).await;
        assert!(!expected.is_empty(), "{query}: the case lists someone");

        let (_, csv) = download(&client, app.url(&format!("{base}.csv?{query}&separator=comma")), "en").await;
        let (header, records) = read_csv(&csv, b',');
        let email = header.iter().position(|h| h == "Email").expect("an Email column");
        let emails: Vec<String> = records.iter().map(|r| r[email].to_owned()).collect();
        assert_eq!(emails.len(), expected.len(), "{query}: no row twice, none missing");
        assert_eq!(emails.into_iter().collect::<BTreeSet<_>>(), expected, "{query}: CSV rows are the list's");

        let (headers, xlsx) = download(&client, app.url(&format!("{base}.xlsx?{query}")), "en").await;
        assert_eq!(
            headers["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let (_, rows, _) = read_xlsx(&xlsx);
        let emails: BTreeSet<String> = rows[1..].iter().map(|r| text(&r[email])).collect();
        assert_eq!(rows.len() - 1, expected.len(), "{query}");
        assert_eq!(emails, expected, "{query}: workbook rows are the list's");
    }
    let pending = listed(&app, &session, Filters { status: "pending".into(), ..Filters::default() }).await;
    assert_eq!(pending.into_iter().collect::<Vec<_>>(), ["ana@cdmx.gob.mx"]);

    let details: Vec<String> = app
        .db(|conn| {
            use convoca::db::schema::audit_log::dsl as a;
            a::audit_log
                .filter(a::action.eq("registrations.export"))
                .select(a::details)
                .load::<String>(conn)
                .expect("audit")
        })
        .await;
    assert_eq!(details.len(), 12, "every download is audited");
    assert!(details.iter().any(|d| d.contains("format=xlsx") && d.contains("filtered=true")), "{details:?}");
    assert!(details.iter().all(|d| !d.contains("ACCRA")), "the search text stays out of the log");
}

async fn the_workbook_has_typed_cells_and_headers_in_the_organisers_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = seeded(&app).await;
    let client = app.sign_in("organiser").await;
    let url = app.url(&format!("/admin/sessions/{session}/registrations.xlsx"));
    let now = app.clock.now();

    for (lang, language, sheet, name, status, registered, yes) in [
        (Language::En, "en", "Registrations", "Name", "Status", "Registered (UTC)", "Yes"),
        (Language::Fr, "fr", "Inscriptions", "Nom", "Statut", "Inscription (UTC)", "Oui"),
        (Language::Es, "es", "Inscripciones", "Nombre", "Estado", "Inscripción (UTC)", "Sí"),
    ] {
        // Words of the shared message files, as they are worded there.
        let i18n = I18n::new(lang);
        let (confirmed, french) = (i18n.t("admin-reg-status-confirmed"), i18n.language_name("fr"));
        let (headers, bytes) = download(&client, url.clone(), language).await;
        let disposition = headers["content-disposition"].to_str().expect("disposition");
        assert_eq!(disposition, "attachment; filename=\"registrations-exported.xlsx\"");
        let (sheet_name, rows, names) = read_xlsx(&bytes);
        assert_eq!(sheet_name, sheet, "{language}");
        let header: Vec<String> = rows[0].iter().map(text).collect();
        assert_eq!(header.len(), 16, "13 columns, then the language followed and the needs");
        assert_eq!((header[0].as_str(), header[6].as_str(), header[7].as_str()), (name, status, registered));
        assert!(header.iter().all(|h| !h.contains('_')), "{language}: {header:?}");
        assert_eq!(rows.len(), 1 + 1006, "{language}: every registration");

        let evil = rows.iter().find(|r| text(&r[1]) == "evil@x.org").expect("the row");
        assert_eq!(text(&evil[0]), "=HYPERLINK(\"http://x\")", "a string cell, as typed, never a formula");
        assert_eq!(text(&evil[2]), "Ville; Région");
        assert_eq!(text(&evil[5]), french, "{language}: the language's name");
        assert_eq!(text(&evil[6]), confirmed, "{language}: the status's name");
        match &evil[7] {
            Data::DateTime(at) => {
                // Excel counts days from 1899-12-30.
                let epoch =
                    chrono::NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.and_hms_opt(0, 0, 0));
                let expected = (now - epoch.expect("epoch")).num_seconds() as f64 / 86_400.0;
                let off = (at.as_f64() - expected).abs() * 86_400.0;
                assert!(off < 1.0, "{language}: the registration time, as an Excel date: {at:?} vs {now}");
            }
            other => panic!("{language}: registered is a date cell, not {other:?}"),
        }
        assert!(matches!(evil[8], Data::DateTime(_)), "{language}: confirmed is a date cell");
        assert_eq!(text(&evil[9]), yes, "{language}: attended");
        assert_eq!(text(&evil[11]), yes, "{language}: newsletter");
        let ana = rows.iter().find(|r| text(&r[1]) == "ana@cdmx.gob.mx").expect("the row");
        assert_eq!(ana[8], Data::Empty, "never confirmed");
        assert_eq!(ana[9], Data::Empty, "attendance not recorded");
        assert!(rows.iter().any(|r| text(&r[3]) == "Ghana"), "{language}: countries by name");

        let filter =
            names.iter().find(|(n, _)| n == "_xlnm._FilterDatabase").expect("a filter on the header");
        assert!(filter.1.ends_with("$A$1:$P$1007"), "{language}: {filter:?}");
        let xml = sheet_xml(&bytes);
        assert!(xml.contains("<autoFilter ref=\"A1:P1007\""), "{language}");
        assert!(
            xml.contains("state=\"frozen\"") && xml.contains("topLeftCell=\"A2\""),
            "{language}: frozen header"
        );
    }
}

async fn french_and_spanish_organisers_get_semicolon_csv_with_their_words(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = seeded(&app).await;
    let client = app.sign_in("organiser").await;
    let url = format!("/admin/sessions/{session}/registrations.csv");

    let (headers, bytes) = download(&client, app.url(&url), "fr").await;
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let first_line = String::from_utf8_lossy(&bytes[3..]).lines().next().map(str::to_owned).expect("header");
    assert!(first_line.starts_with("Nom;Adresse e-mail;Organisation;Pays;"), "{first_line}");
    let fr = I18n::new(Language::Fr);
    let (header, records) = read_csv(&bytes, b';');
    assert_eq!(header.len(), 16);
    assert_eq!(header[7], "Inscription (UTC)");
    assert_eq!(records.len(), 1006);
    let evil = records.iter().find(|r| &r[1] == "evil@x.org").expect("the row");
    assert_eq!(&evil[0], "'=HYPERLINK(\"http://x\")", "the formula guard is kept");
    assert_eq!(&evil[2], "Ville; Région", "a separator inside a cell is quoted");
    assert_eq!(&evil[3], "France");
    assert_eq!(evil[5], fr.language_name("fr"));
    assert_eq!(evil[6], fr.t("admin-reg-status-confirmed"));
    assert_eq!(&evil[7], app.clock.now().format("%Y-%m-%dT%H:%M:%SZ").to_string(), "ISO dates");
    assert_eq!(&evil[9], "Oui");
    let plus = records.iter().find(|r| &r[1] == "plus@x.org").expect("the row");
    assert_eq!(&plus[0], "'+Plus Minus");
    assert_eq!(plus[6], fr.t("admin-reg-status-waitlisted"));

    let (_, bytes) = download(&client, app.url(&url), "es").await;
    let (header, records) = read_csv(&bytes, b';');
    assert_eq!((header[0].as_str(), header[6].as_str()), ("Nombre", "Estado"));
    let confirmada = I18n::new(Language::Es).t("admin-reg-status-confirmed");
    assert!(records.iter().any(|r| r[6] == confirmada && &r[3] == "España"));

    // Either separator on request, whatever the language.
    let (_, bytes) = download(&client, app.url(&format!("{url}?separator=comma")), "fr").await;
    let (header, records) = read_csv(&bytes, b',');
    assert_eq!(header[0], "Nom");
    assert_eq!(records.len(), 1006);
    let (_, bytes) = download(&client, app.url(&format!("{url}?separator=semicolon")), "en").await;
    let (header, _) = read_csv(&bytes, b';');
    assert_eq!(header[0], "Name");
    let (_, bytes) = download(&client, app.url(&url), "en").await;
    assert!(bytes[3..].starts_with(b"Name,Email,"), "English Excel reads commas");
}

async fn the_list_pages_offer_every_format_with_their_filters(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = seeded(&app).await;
    let anonymous = app.client();
    for path in [
        format!("/admin/sessions/{session}/registrations.xlsx"),
        "/admin/reports.xlsx".to_owned(),
        "/admin/newsletter.xlsx".to_owned(),
    ] {
        let res = anonymous.get(app.url(&path)).send().await.expect("get");
        assert_eq!(res.status(), 303, "{path}: sign in first");
    }
    let missing = app.sign_in("organiser").await;
    let res = missing.get(app.url("/admin/sessions/nope/registrations.xlsx")).send().await.expect("get");
    assert_eq!(res.status(), 404);

    let client = app.sign_in("organiser").await;
    let page = client
        .get(app.url(&format!("/admin/sessions/{session}/registrations?status=confirmed&country=ES")))
        .header("accept-language", "fr")
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("page");
    let base = format!("/admin/sessions/{session}/registrations");
    let semicolon = page
        .find(&format!("href=\"{base}.csv?status=confirmed&#38;country=ES&#38;separator=semicolon\""))
        .expect("semicolon CSV with the filters");
    let comma = page
        .find(&format!("href=\"{base}.csv?status=confirmed&#38;country=ES&#38;separator=comma\""))
        .expect("comma");
    let xlsx = page.find(&format!("href=\"{base}.xlsx?status=confirmed&#38;country=ES\"")).expect("Excel");
    assert!(semicolon < comma && comma < xlsx, "in French, the semicolon first");
    assert!(page.contains("CSV (point-virgule, pour Excel en français ou en espagnol)"));

    let page = client
        .get(app.url(&format!("/admin/reports?session={session}")))
        .send()
        .await
        .expect("report")
        .text()
        .await
        .expect("page");
    let comma = page
        .find(&format!("href=\"/admin/reports.csv?session={session}&#38;separator=comma\""))
        .expect("csv");
    let xlsx = page.find(&format!("href=\"/admin/reports.xlsx?session={session}\"")).expect("xlsx");
    assert!(comma < xlsx);
}

async fn the_report_and_the_newsletter_list_export_in_the_organisers_language(engine: Engine) {
    let app = TestApp::spawn(engine).await;
    let session = seeded(&app).await;
    let client = app.sign_in("organiser").await;

    let (_, bytes) =
        download(&client, app.url(&format!("/admin/reports.xlsx?session={session}")), "es").await;
    let (sheet, rows, _) = read_xlsx(&bytes);
    assert_eq!(sheet, "Participación");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(
        header,
        ["Sección", "Nombre", "País", "Inscritos", "Confirmados", "Asistentes", "Nunca confirmados"]
    );
    let member = rows.iter().find(|r| text(&r[1]) == "Accra Metropolitan Assembly").expect("the member");
    assert_eq!((text(&member[0]), text(&member[2])), ("Miembro".to_owned(), "Ghana".to_owned()));
    assert_eq!(member[3], Data::Float(1.0), "counts are numbers");
    let total = rows.last().expect("total");
    assert_eq!(text(&total[0]), "Total");
    assert_eq!(total[3], Data::Float(1006.0));
    assert_eq!(total[4], Data::Float(1004.0));

    let (_, bytes) = download(&client, app.url(&format!("/admin/reports.csv?session={session}")), "es").await;
    let (header, records) = read_csv(&bytes, b';');
    assert_eq!(header[0], "Sección");
    assert!(records.iter().any(|r| &r[0] == "País" && &r[1] == "España" && &r[2] == "ES"), "{records:?}");
    assert!(records.iter().any(|r| &r[0] == "Total" && &r[3] == "1006" && &r[4] == "1004"));

    let res = client.get(app.url("/admin/newsletter.xlsx")).send().await.expect("get");
    assert_eq!(res.status(), 403, "administrators only");
    let admin = app.sign_in("admin").await;
    let (_, bytes) = download(&admin, app.url("/admin/newsletter.xlsx"), "fr").await;
    let (sheet, rows, _) = read_xlsx(&bytes);
    assert_eq!(sheet, "Lettre d’information");
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header, ["Adresse e-mail", "Nom", "Langue", "Consentement (UTC)", "Version de la notice"]);
    assert_eq!(rows.len(), 2, "only the one who opted in");
    assert_eq!(text(&rows[1][0]), "evil@x.org");
    assert_eq!(text(&rows[1][2]), I18n::new(Language::Fr).language_name("fr"));
    assert!(matches!(rows[1][3], Data::DateTime(_)), "the consent time is a date cell");

    let (_, bytes) = download(&admin, app.url("/admin/newsletter.csv"), "fr").await;
    let (header, records) = read_csv(&bytes, b';');
    assert_eq!(header[0], "Adresse e-mail");
    assert_eq!(records.len(), 1);
    assert_eq!(&records[0][1], "'=HYPERLINK(\"http://x\")");
}

on_both_engines!(
    every_export_of_the_list_holds_the_rows_the_list_shows,
    the_workbook_has_typed_cells_and_headers_in_the_organisers_language,
    french_and_spanish_organisers_get_semicolon_csv_with_their_words,
    the_list_pages_offer_every_format_with_their_filters,
    the_report_and_the_newsletter_list_export_in_the_organisers_language,
);
