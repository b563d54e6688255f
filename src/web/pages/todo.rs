//! 待办: what needs the user now, grouped by kind, each entry a link to where it is done.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::{render, Nav};
use crate::service::todo::{self, TodoList};
use crate::web::auth::PageUser;
use crate::web::error::PageError;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    nav: Nav,
    list: TodoList,
    /// Whether the user's role has a list at all (leaders and auditors have none).
    has_list: bool,
}

/// GET /todo.
pub async fn show(state: web::Data<AppState>, user: PageUser) -> Result<HttpResponse, PageError> {
    let caller = user.caller.clone();
    let clock = state.config.clock();
    let list = state
        .db
        .read(move |c| todo::todo(c, &caller, &clock))
        .await?;
    render(&TodoPage {
        has_list: user.todo.is_some(),
        nav: Nav::new(&user, super::TODO_PAGE),
        list,
    })
}
