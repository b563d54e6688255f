//! E-mail copies of notifications, delivered in the background so that a slow or absent
//! mail server never slows a page; failures are counted and retried in later rounds.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::db::queries::{self, supervision};
use crate::db::Db;
use crate::error::AppError;

/// Attempts after which a mail is given up (the in-app notification stays).
pub const MAX_ATTEMPTS: i32 = 20;

fn subject(kind: &str) -> &'static str {
    match kind {
        "acknowledged" => "【政务公开台账】事项已签收",
        "disputed" => "【政务公开台账】分工异议待答复",
        "dispute_answered" => "【政务公开台账】分工异议已答复",
        "extension_requested" => "【政务公开台账】延期申请待审批",
        "extension_decided" => "【政务公开台账】延期申请已答复",
        "urged" => "【政务公开台账】催办通知",
        "urging_answered" => "【政务公开台账】催办已答复",
        _ => "【政务公开台账】新通知",
    }
}

/// Sends one round of pending mails; returns how many were delivered.
pub async fn deliver_pending(db: &Db, config: &Config) -> Result<usize, AppError> {
    let pending = db
        .read(|c| supervision::pending_mail(c, MAX_ATTEMPTS, 50).map_err(AppError::from))
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.smtp_host)
        .port(config.smtp_port)
        .timeout(Some(Duration::from_secs(10)))
        .build();
    let from: Mailbox = config
        .smtp_from
        .parse()
        .map_err(|e| AppError::Internal(format!("smtp_from: {e}")))?;
    let mut sent = 0;
    for (n, to) in pending {
        let (id, attempts) = (n.id, n.email_attempts);
        let ours = db
            .write(move |c| supervision::claim_mail(c, id, attempts).map_err(AppError::from))
            .await?;
        if !ours {
            continue; // another instance is sending it
        }
        // The place the notice is about (the item page and the place on it), so the reader
        // lands where it is done even after logging in first.
        let base = config.public_url.trim_end_matches('/');
        let link = match (n.link.as_deref(), n.item_id) {
            (Some(l), _) if crate::domain::todo::is_local_link(l) => format!("{base}{l}"),
            (_, Some(i)) => format!("{base}/items/{i}"),
            _ => format!("{base}/notifications"),
        };
        let body = format!(
            "{}\n\n查看详情：{link}\n\n（本邮件由政务公开工作台账自动发送，请勿直接回复。）",
            n.text
        );
        let outcome = match to.parse::<Mailbox>() {
            Ok(to) => match Message::builder()
                .from(from.clone())
                .to(to)
                .subject(subject(&n.kind))
                .header(ContentType::TEXT_PLAIN)
                .body(body)
            {
                Ok(msg) => transport
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            },
            Err(e) => Err(e.to_string()),
        };
        let delivered = outcome.is_ok();
        if let Err(e) = outcome {
            tracing::warn!(notification = n.id, error = %e, "mail not delivered; will retry");
        }
        if delivered {
            let at = queries::now();
            db.write(move |c| supervision::record_mail_sent(c, id, at).map_err(AppError::from))
                .await?;
            sent += 1;
        } else {
            // The server is likely down: stop this round, try again next time.
            break;
        }
    }
    Ok(sent)
}

/// Runs delivery rounds forever (spawned by `serve` when SMTP is enabled).
pub async fn run(db: Db, config: Config) {
    let every = Duration::from_secs(config.mail_interval_secs.max(1));
    loop {
        if let Err(e) = deliver_pending(&db, &config).await {
            tracing::warn!(error = %e, "mail round failed");
        }
        tokio::time::sleep(every).await;
    }
}
