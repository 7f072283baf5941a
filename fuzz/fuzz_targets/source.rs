//! Fuzzes the Rust scanner: any bytes (decoded lossily) must scan without a panic, every line
//! it reports must be in the file, and every test a reference names must exist.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqtrail::config::SourceOptions;
use reqtrail::model::CrateUnit;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let unit = CrateUnit {
        binary: "pkg::fuzz".to_string(),
        module_path: vec!["m".to_string()],
    };
    let options = SourceOptions {
        test_attributes: vec!["my_test".to_string()],
        prefixes: vec!["r".to_string(), "req".to_string()],
    };
    let scanned = reqtrail::source::scan_source("tests/fuzz.rs", &text, &unit, &options);
    let lines = text.matches('\n').count() as u32 + 1;
    for t in &scanned.tests {
        assert!((1..=lines).contains(&t.line), "{t:?}");
    }
    for r in &scanned.references {
        assert!((1..=lines).contains(&r.line), "{r:?}");
        assert!(r.tests.iter().all(|&t| t < scanned.tests.len()), "{r:?}");
    }
    for d in &scanned.diagnostics {
        let line = d.location.as_ref().map_or(1, |l| l.line);
        assert!((1..=lines).contains(&line), "{d:?}");
    }
});
