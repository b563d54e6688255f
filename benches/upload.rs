//! Upload memory: the server's peak resident memory above idle while a large evidence file
//! (1 GiB by default) streams in. Target: under 64 MiB above idle.
//!
//! `cargo bench --bench upload` starts the real `workplan serve` (release build) on a free
//! loopback port with a fresh SQLite file, creates an office user, a plan, an item, a period
//! and a report through the API, then sends the file as multipart from this process,
//! generated on the fly (never held in memory). The server's VmRSS before and VmHWM after
//! are read from /proc. `WORKPLAN_BENCH_UPLOAD_MIB` sets the size.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn field(json: &str, key: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|_| panic!("not JSON: {json}"));
    match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn proc_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .expect("field")
}

fn main() {
    let mib: u64 = std::env::var("WORKPLAN_BENCH_UPLOAD_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port");
    let bin = env!("CARGO_BIN_EXE_workplan");
    let envs = [
        (
            "WORKPLAN_DATABASE_URL",
            format!("sqlite://{}/wp.db", dir.path().display()),
        ),
        ("WORKPLAN_DATA_DIR", dir.path().display().to_string()),
        (
            "WORKPLAN_STORAGE_DIR",
            dir.path().join("evidence").display().to_string(),
        ),
        ("WORKPLAN_BIND", format!("127.0.0.1:{port}")),
        (
            "WORKPLAN_MAX_UPLOAD_BYTES",
            ((mib + 16) * 1024 * 1024).to_string(),
        ),
        ("WORKPLAN_LOG", "warn".to_string()),
    ];
    let mut add = Command::new(bin);
    add.args([
        "user",
        "add",
        "bench",
        "--role",
        "office",
        "--password-stdin",
    ])
    .envs(envs.iter().cloned())
    .stdin(Stdio::piped())
    .stdout(Stdio::null());
    let mut child = add.spawn().expect("user add");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"bench-password\n")
        .expect("password");
    assert!(child.wait().expect("wait").success());
    let mut server = Command::new(bin)
        .arg("serve")
        .envs(envs.iter().cloned())
        .stdout(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let _ = lines.next();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (_, login) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        r#"{"username":"bench","password":"bench-password"}"#,
    );
    let token = field(&login, "token");
    let t = Some(token.as_str());
    http(
        port,
        "POST",
        "/api/v1/divisions",
        t,
        r#"{"name":"办公室","kind":"internal"}"#,
    );
    let (_, plan) = http(
        port,
        "POST",
        "/api/v1/plans",
        t,
        r#"{"year":2021,"title":"bench"}"#,
    );
    let plan_id = field(&plan, "id");
    let (_, item) = http(
        port,
        "POST",
        &format!("/api/v1/plans/{plan_id}/items"),
        t,
        r#"{"number":"1","task":"任务","lead":["办公室"]}"#,
    );
    let item_id = field(&item, "id");
    http(
        port,
        "POST",
        &format!("/api/v1/plans/{plan_id}/periods"),
        t,
        r#"{"period":"2021-Q3"}"#,
    );
    let (_, report) = http(
        port,
        "POST",
        &format!("/api/v1/items/{item_id}/reports"),
        t,
        r#"{"period":"2021-Q3","summary":"进展"}"#,
    );
    let report_id = field(&report, "id");

    std::thread::sleep(Duration::from_millis(300));
    let idle = proc_kib(server.id(), "VmRSS:");
    let boundary = "----workplan-bench";
    let head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.zip\"\r\nContent-Type: application/zip\r\n\r\n");
    let tail = format!("\r\n--{boundary}--\r\n");
    let size = mib * 1024 * 1024;
    let total = head.len() as u64 + size + tail.len() as u64;
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        s,
        "POST /api/v1/reports/{report_id}/evidence HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n{head}"
    )
    .expect("head");
    let started = Instant::now();
    let mut chunk = vec![0u8; 1024 * 1024];
    chunk[..4].copy_from_slice(b"PK\x03\x04");
    let mut sent = 0u64;
    while sent < size {
        s.write_all(&chunk).expect("body");
        chunk[..4].copy_from_slice(&(sent as u32).to_le_bytes());
        sent += chunk.len() as u64;
    }
    s.write_all(tail.as_bytes()).expect("tail");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("answer");
    let secs = started.elapsed().as_secs_f64();
    let peak = proc_kib(server.id(), "VmHWM:");
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "upload failed: {}",
        answer.lines().next().unwrap_or("")
    );
    let above = peak.saturating_sub(idle) as f64 / 1024.0;
    println!(
        "upload of {mib} MiB evidence in {secs:.1} s ({:.0} MiB/s)",
        mib as f64 / secs
    );
    println!(
        "  server RSS idle:        {:>8.1} MiB",
        idle as f64 / 1024.0
    );
    println!(
        "  server peak RSS:        {:>8.1} MiB",
        peak as f64 / 1024.0
    );
    println!(
        "  peak above idle:        {above:>8.1} MiB (target < 64 MiB) {}",
        if above < 64.0 { "ok" } else { "OVER TARGET" }
    );
}
