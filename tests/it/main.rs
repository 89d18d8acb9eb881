//! Integration tests: fixture sites under tests/sites/ are copied to a temporary folder, built,
//! and the output is checked. One binary for all of them keeps linking fast.

mod build;
mod catalog;
mod cli;
mod errors;
mod fingerprint;
mod incremental;
mod messages;
mod opendata;
mod photos;
mod pictures;
mod progress;
mod safety;
#[cfg(unix)]
mod safety_fs;
mod serve;
mod sources;
mod support;
mod wordbreak;
