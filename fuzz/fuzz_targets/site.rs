#![no_main]
//! See fuzz/README.md and `namrong_fuzz::harness::site`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    namrong_fuzz::harness::site(data);
});
