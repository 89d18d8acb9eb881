#![no_main]
//! See fuzz/README.md and `namrong_fuzz::harness::markdown`.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = namrong_fuzz::harness::markdown(data);
});
