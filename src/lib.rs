//! workplan: the tracker an agency runs its annual information-disclosure work plan on.

pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod evidence;
pub mod export;
pub mod import;
pub mod json;
pub mod mail;
pub mod service;
pub mod web;
