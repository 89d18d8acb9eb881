//! namrong builds bilingual (Thai/English) static websites of open pilot reports.
//!
//! The pipeline, in order: [`config::load_config`] reads namrong.toml; [`load::load_content`]
//! reads content/; [`validate::validate`] checks every record and renders Markdown into a
//! [`model::Site`]; [`render`] turns the site into pages in parallel; [`output`] writes them so
//! that a failed build never touches the previous output. `check` and `serve` reuse the same steps.
#![warn(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod config;
pub mod diagnostics;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
#[allow(missing_docs)]
pub mod records;
pub mod source;
pub mod suggest;
pub mod urls;
