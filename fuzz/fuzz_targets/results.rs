//! Fuzzes the test-results reader (JUnit XML, libtest JSON lines): any bytes give results or a
//! one-line error naming a line of the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() as u32 + 1;
    match reqtrail::evidence::parse_results("fuzz.xml", &text) {
        Ok(results) => {
            for r in &results {
                assert!((1..=lines).contains(&r.location.line), "{r:?}");
            }
        }
        Err(message) => {
            let line: u32 = message
                .strip_prefix("fuzz.xml:")
                .and_then(|rest| rest.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("error without FILE:LINE: {message}"));
            assert!((1..=lines).contains(&line), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
});
