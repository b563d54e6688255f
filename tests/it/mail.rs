//! E-mail copies of notifications against a real SMTP server on loopback (Python's
//! aiosmtpd): delivered with a Chinese subject and a link; a server that is down delays
//! nothing and loses nothing.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::*;
use workplan::domain::role::Role;
use workplan::service::plans::{create, create_item, NewItemInput, NewPlanInput};
use workplan::service::supervision::{urge, UrgeInput};
use workplan::service::Caller;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn have_aiosmtpd() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("WORKPLAN_REQUIRE_SMTP").ok().as_deref() != Some("1"),
            "WORKPLAN_REQUIRE_SMTP=1 but aiosmtpd is not installed"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED SMTP test: pip install aiosmtpd (bash .ci/run does)"
        );
    }
    ok
}

/// Reads the maildir with Python's email package: one JSON object per message.
fn read_maildir(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let script = r#"
import json, mailbox, sys
from email.header import decode_header, make_header
for m in mailbox.Maildir(sys.argv[1], create=False):
    body = m.get_payload(decode=True).decode(m.get_content_charset() or 'utf-8')
    print(json.dumps({'to': m['To'], 'raw_subject': m['Subject'], 'subject': str(make_header(decode_header(m['Subject']))), 'body': body}, ensure_ascii=False))
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(dir)
        .output()
        .expect("python3");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[actix_web::test]
async fn notifications_are_mailed_and_a_down_server_loses_nothing() {
    if !have_aiosmtpd() {
        return;
    }
    let app = TestApp::sqlite().await;
    let lead = app.division("法规宣传处");
    app.user("wang", Role::Division, Some(lead));
    let item_id = app
        .db
        .write_blocking(|c| -> Result<i32, workplan::error::AppError> {
            let plan = create(
                c,
                &Caller::cli(),
                &NewPlanInput {
                    year: 2021,
                    title: "方案".into(),
                    document_number: None,
                },
            )?;
            let item = create_item(
                c,
                &Caller::cli(),
                plan.id,
                &NewItemInput {
                    number: "3".into(),
                    task: "发布目录".into(),
                    requirement: String::new(),
                    lead: vec!["法规宣传处".into()],
                    support: vec![],
                },
            )?;
            urge(
                c,
                &Caller::cli(),
                item.id,
                &UrgeInput {
                    message: "请本周内报送".into(),
                },
            )?;
            Ok(item.id)
        })
        .expect("setup");

    let port = free_port();
    let mut config = (*app.state.config).clone();
    config.smtp_enabled = true;
    config.smtp_port = port;
    config.smtp_from = "台账 <workplan@example.gov.cn>".into();
    config.public_url = "https://workplan.example.gov.cn".into();

    // Nobody listens yet: the round fails fast, the mail stays pending.
    let started = Instant::now();
    let sent = workplan::mail::deliver_pending(&app.db, &config)
        .await
        .expect("round");
    assert_eq!(sent, 0);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "a down server must not hang the round"
    );
    let pending = {
        let mut c = app.db.get().expect("conn");
        workplan::db::queries::supervision::pending_mail(&mut c, workplan::mail::MAX_ATTEMPTS, 10)
            .expect("pending")
    };
    // The assignment notice and the urging are kept for a later round; the first was tried once.
    assert_eq!(pending.len(), 2, "kept for a later round");
    assert_eq!(pending[0].0.email_attempts, 1);

    // The server comes up: the next round delivers.
    let maildir = tempfile::tempdir().expect("maildir");
    let mut server = Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir.path().join("box"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let sent = workplan::mail::deliver_pending(&app.db, &config)
        .await
        .expect("round");
    let again = workplan::mail::deliver_pending(&app.db, &config)
        .await
        .expect("round");
    let messages = read_maildir(&maildir.path().join("box"));
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(sent, 2);
    assert_eq!(again, 0, "nothing is sent twice");
    assert_eq!(messages.len(), 2, "{messages:?}");
    let m = messages
        .iter()
        .find(|m| m["subject"] == "【政务公开台账】催办通知")
        .expect("the urging mail");
    assert_eq!(m["to"], "wang@example.gov.cn");
    assert_eq!(m["subject"], "【政务公开台账】催办通知");
    assert!(
        m["raw_subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("=?utf-8?"),
        "encoded subject: {}",
        m["raw_subject"]
    );
    let body = m["body"].as_str().unwrap_or_default();
    assert!(
        body.contains("办公室催办法规宣传处：2021年《方案》3. 发布目录（请本周内报送）"),
        "{body}"
    );
    assert!(
        body.contains(&format!("https://workplan.example.gov.cn/items/{item_id}")),
        "{body}"
    );
}
