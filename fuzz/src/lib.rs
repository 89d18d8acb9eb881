//! The fuzz targets' code, in a library so that `tests/fuzz_regressions.rs` in the main crate
//! replays inputs through exactly the same paths (it includes `harness.rs` with `#[path]`).
#[path = "harness.rs"]
pub mod harness;
