//! Fuzzes the `reqtrail.toml` reader: any text gives a config or an error that starts with a
//! line of the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.matches('\n').count() + 1;
    if let Err(message) = reqtrail::config::Config::parse(&text) {
        let line: usize = message
            .split(':')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("error without a line: {message}"));
        assert!((1..=lines).contains(&line), "{message}");
    }
});
