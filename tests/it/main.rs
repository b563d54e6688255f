//! Integration tests: the real app over a real SQLite file, and over PostgreSQL when
//! WORKPLAN_TEST_PG_URL is set.

mod helpers;

mod agency;
mod annual_report;
mod assigning;
mod auth;
mod backup;
mod browser;
mod browser_office;
mod browser_people;
mod browser_todo;
mod browser_tour;
mod city_rush;
mod cli;
mod directory;
mod errors;
mod evaluation;
mod exports;
mod figures;
mod forms;
mod import;
mod large_plan;
mod load;
mod mail;
mod notations;
mod office;
mod openapi;
mod pages;
mod people;
mod plans;
mod reads;
mod rendered;
mod reports;
mod roles;
mod seams;
mod second_factor;
mod sessions;
mod supervision;
mod todo;
mod tracking;
mod upgrade;
mod uploads;
