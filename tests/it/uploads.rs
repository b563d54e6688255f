//! Every multipart route against a real server over a socket: a caller who may not upload
//! is refused before the body is read (the answer comes while nearly all of a body larger
//! than the cap is still unsent: 403, not 413), and an upload that stalls is ended with its
//! temporary file removed.

use std::time::{Duration, Instant};

use actix_web::test::TestRequest;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::*;
use crate::pages::{browser_login, csrf_field, session_of};
use workplan::domain::role::Role;

/// A real server on loopback over `state`; stopped when dropped.
struct Server {
    port: u16,
    handle: actix_web::dev::ServerHandle,
}

impl Server {
    fn start(state: actix_web::web::Data<workplan::web::AppState>) -> Server {
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .wrap(workplan::web::security_headers())
                .configure(workplan::web::configure(state.clone()))
        })
        .workers(1)
        .bind(("127.0.0.1", 0))
        .expect("bind");
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Server { port, handle }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        actix_web::rt::spawn(async move { handle.stop(false).await });
    }
}

const BOUNDARY: &str = "----workplan-raw";

/// The opening of a multipart body: a `year` field, then a file part's header and `n` bytes
/// of a PDF (the rest never follows).
fn body_start(n: usize) -> Vec<u8> {
    let mut b = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"year\"\r\n\r\n2031\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    )
    .into_bytes();
    b.resize(b.len() + n, b'x');
    b
}

/// What came back on the socket: the status and how long after the first body bytes.
struct Raw {
    status: u16,
    text: String,
    after: Duration,
}

/// Sends the request head declaring `declared` body bytes and `first` of them, then stops
/// sending and waits (at most `wait`) for the answer.
async fn post_raw(
    port: u16,
    uri: &str,
    credential: &str,
    declared: u64,
    first: &[u8],
    wait: Duration,
) -> Raw {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let head = format!(
        "POST {uri} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{credential}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {declared}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("head");
    s.write_all(first).await.expect("first bytes");
    let sent = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    let deadline = sent + wait;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => {
                got.extend_from_slice(&buf[..n]);
                if answered(&got) {
                    break;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|t| t.get(..3))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Raw {
        status,
        text,
        after: sent.elapsed(),
    }
}

/// Whether a whole answer (head and its declared body) has arrived.
fn answered(got: &[u8]) -> bool {
    let text = String::from_utf8_lossy(got);
    let Some(end) = text.find("\r\n\r\n") else {
        return false;
    };
    let length = text[..end]
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .and_then(|v| v.trim().parse::<usize>().ok())
        })
        .unwrap_or(0);
    got.len() >= end + 4 + length
}

/// The plan, its item's Q1 report (by the lead) and the accounts the upload tests use.
async fn scene(app: &TestApp) -> (i64, i64) {
    let lead = app.division("法规宣传处");
    app.user("office", Role::Office, None);
    app.user("lead", Role::Division, Some(lead));
    // Read-only accounts carrying the lead's division: it gives them no writes.
    app.user("leader", Role::Leader, Some(lead));
    app.user("auditor", Role::Auditor, Some(lead));
    let svc = app.service().await;
    let office = login(&svc, "office").await;
    let post = |token: &str, uri: &str, body: serde_json::Value| {
        authed(TestRequest::post().uri(uri), token).set_json(body)
    };
    let plan = send(
        &svc,
        post(
            &office,
            "/api/v1/plans",
            json!({"year": 2031, "title": "方案"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("plan");
    let item = send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/items"),
            json!({"number": "1", "task": "发布目录", "lead": ["法规宣传处"]}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("item");
    send(
        &svc,
        post(
            &office,
            &format!("/api/v1/plans/{plan}/periods"),
            json!({"period": "2031-Q1"}),
        ),
    )
    .await;
    let lead_t = login(&svc, "lead").await;
    let report = send(
        &svc,
        post(
            &lead_t,
            &format!("/api/v1/items/{item}/reports"),
            json!({"period": "2031-Q1", "summary": "进展"}),
        ),
    )
    .await
    .json()["id"]
        .as_i64()
        .expect("report");
    (plan, report)
}

/// Every multipart route, API and page: `{plan}` and `{report}` filled in by the caller.
const API_UPLOADS: [&str; 4] = [
    "/api/v1/plans/import",
    "/api/v1/plans/{plan}/annual-report/import",
    "/api/v1/plans/{plan}/progress-upload",
    "/api/v1/reports/{report}/evidence",
];
const PAGE_UPLOADS: [&str; 4] = [
    "/import/preview",
    "/plans/{plan}/annual-report/import",
    "/plans/{plan}/progress-upload",
    "/reports/{report}/upload",
];

async fn read_only_roles_are_refused_before_the_body_is_read(app: TestApp) {
    let (plan, report) = scene(&app).await;
    let svc = app.service().await;
    let storage = app.state.config.storage_dir.clone();
    let cap = app.state.config.max_upload_bytes;
    let server = Server::start(app.state.clone());
    let fill = |t: &str| {
        t.replace("{plan}", &plan.to_string())
            .replace("{report}", &report.to_string())
    };
    // A body larger than the cap, of which 64 KiB are sent: an answer before the rest (and
    // 403 rather than 413) means the route decided without reading it.
    let declared = cap + 100 * 1024 * 1024;
    let first = body_start(64 * 1024);
    for who in ["leader", "auditor"] {
        let token = login(&svc, who).await;
        let bearer = format!("Authorization: Bearer {token}");
        let session = session_of(&browser_login(&svc, who, PASSWORD).await);
        let home = send(&svc, TestRequest::get().uri("/").cookie(session.clone())).await;
        let csrf = csrf_field(&home.body);
        let cookie = format!("Cookie: {}={}", session.name(), session.value());
        let mut routes: Vec<(String, &str)> = API_UPLOADS
            .iter()
            .map(|t| (fill(t), bearer.as_str()))
            .collect();
        routes.extend(
            PAGE_UPLOADS
                .iter()
                .map(|t| (format!("{}?csrf={csrf}", fill(t)), cookie.as_str())),
        );
        for (uri, credential) in routes {
            let a = post_raw(
                server.port,
                &uri,
                credential,
                declared,
                &first,
                Duration::from_secs(20),
            )
            .await;
            assert_eq!(a.status, 403, "{who} POST {uri}: {}", a.text);
            assert!(
                a.text.contains("\"forbidden\"") || a.text.contains("没有权限"),
                "{who} POST {uri}: {}",
                a.text
            );
        }
    }
    // A page upload with a forged token is refused the same way, even for the lead.
    let session = session_of(&browser_login(&svc, "lead", PASSWORD).await);
    let cookie = format!("Cookie: {}={}", session.name(), session.value());
    for t in PAGE_UPLOADS {
        let uri = format!("{}?csrf=forged", fill(t));
        let a = post_raw(
            server.port,
            &uri,
            &cookie,
            declared,
            &first,
            Duration::from_secs(20),
        )
        .await;
        assert_eq!(a.status, 403, "lead POST {uri}: {}", a.text);
        assert!(a.text.contains("CSRF"), "{}", a.text);
    }
    // Nothing was stored, not even a temporary part.
    let files: Vec<_> = walk(&storage).into_iter().filter(|p| p.is_file()).collect();
    assert!(files.is_empty(), "{files:?}");
}

async fn a_stalled_upload_is_ended_and_its_temporary_file_removed(app: TestApp) {
    let (_, report) = scene(&app).await;
    let mut config = (*app.state.config).clone();
    config.upload_idle_secs = 1;
    let storage = config.storage_dir.clone();
    let state =
        actix_web::web::Data::new(workplan::web::AppState::new(app.db.clone(), config, SECRET));
    let svc = actix_web::test::init_service(
        actix_web::App::new().configure(workplan::web::configure(state.clone())),
    )
    .await;
    let server = Server::start(state);
    let lead_t = login(&svc, "lead").await;
    let office_t = login(&svc, "office").await;
    let session = session_of(&browser_login(&svc, "lead", PASSWORD).await);
    let page = send(&svc, TestRequest::get().uri("/").cookie(session.clone())).await;
    let csrf = csrf_field(&page.body);
    let tmp = storage.join("tmp");
    let parts =
        || -> Vec<std::path::PathBuf> { walk(&tmp).into_iter().filter(|p| p.is_file()).collect() };
    // Part of a file, then nothing: evidence streamed to a temporary file (API and page),
    // and a plan read into memory.
    let lead_bearer = format!("Authorization: Bearer {lead_t}");
    let office_bearer = format!("Authorization: Bearer {office_t}");
    let cookie = format!("Cookie: {}={}", session.name(), session.value());
    let cases = [
        (
            format!("/api/v1/reports/{report}/evidence"),
            lead_bearer.as_str(),
            true,
        ),
        (
            format!("/reports/{report}/upload?csrf={csrf}"),
            cookie.as_str(),
            true,
        ),
        (
            "/api/v1/plans/import".to_string(),
            office_bearer.as_str(),
            false,
        ),
    ];
    for (uri, credential, streamed) in cases {
        let port = server.port;
        let uri2 = uri.clone();
        let credential2 = credential.to_string();
        let answer = actix_web::rt::spawn(async move {
            post_raw(
                port,
                &uri2,
                &credential2,
                1024 * 1024,
                &body_start(16 * 1024),
                Duration::from_secs(30),
            )
            .await
        });
        if streamed {
            // The part being written exists while the client is silent...
            let seen = Instant::now();
            while parts().is_empty() && seen.elapsed() < Duration::from_secs(5) {
                actix_web::rt::time::sleep(Duration::from_millis(20)).await;
            }
            assert!(!parts().is_empty(), "{uri}: no temporary part was started");
        }
        let a = answer.await.expect("client task");
        // ...and the server ends the upload after a second of silence.
        assert_eq!(a.status, 408, "{uri}: {}", a.text);
        assert!(a.text.contains("秒内没有收到数据"), "{uri}: {}", a.text);
        assert!(
            a.after >= Duration::from_millis(900) && a.after < Duration::from_secs(15),
            "{uri}: answered after {:?}",
            a.after
        );
        assert!(parts().is_empty(), "{uri}: {:?} left behind", parts());
    }
    // Nothing was recorded for the stalled uploads.
    let r = send(
        &svc,
        authed(
            TestRequest::get().uri(&format!("/api/v1/reports/{report}")),
            &lead_t,
        ),
    )
    .await
    .json();
    assert_eq!(r["evidence"].as_array().map(Vec::len), Some(0), "{r}");
    assert_eq!(
        send(
            &svc,
            authed(TestRequest::get().uri("/api/v1/plans"), &office_t)
        )
        .await
        .json()
        .as_array()
        .map(Vec::len),
        Some(1)
    );
}

crate::on_both_backends!(
    read_only_roles_are_refused_before_the_body_is_read,
    a_stalled_upload_is_ended_and_its_temporary_file_removed,
);
