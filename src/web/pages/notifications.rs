//! 通知: what concerns the user, newest first.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, Nav};
use crate::service::supervision::{self, Inbox, ReadInput};
use crate::web::auth::{PageForm, PageUser};
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    nav: Nav,
    inbox: Inbox,
}

/// GET /notifications.
pub async fn show(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    let caller = user.caller.clone();
    let inbox = state
        .db
        .read(move |c| supervision::inbox(c, &caller, false))
        .await?;
    render(&NotificationsPage {
        nav: Nav::new(&user, "/notifications"),
        inbox,
    })
}

/// GET /notifications/{id}: marks the notification read and goes where it leads.
pub async fn open(
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<i32>,
) -> Result<HttpResponse, PageError> {
    let (id, caller) = (id.into_inner(), user.caller);
    let to = state
        .db
        .write(move |c| supervision::open(c, &caller, id))
        .await?;
    Ok(see_other(&to))
}

/// The mark-all-read form carries only its token.
#[derive(Deserialize)]
pub struct Empty {}

/// POST /notifications/read.
pub async fn read_all(
    state: web::Data<AppState>,
    user: PageUser,
    _form: PageForm<Empty>,
) -> Result<HttpResponse, PageError> {
    let caller = user.caller;
    state
        .db
        .write(move |c| supervision::mark_read(c, &caller, &ReadInput::default()))
        .await?;
    Ok(see_other("/notifications"))
}
