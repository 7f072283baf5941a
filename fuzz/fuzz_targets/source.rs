//! Fuzzes the Rust scanner: any bytes (decoded lossily) must scan without a panic, every line
//! it reports must be in the file, and every test a reference names must exist.
//!
//! Run it with `--no-cfg-fuzzing`: under `cfg(fuzzing)` proc-macro2 tracks no span locations,
//! so every line syn gives is 0 and only the upper bound can be checked.
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
        test_macros: Vec::new(),
        prefixes: vec!["r".to_string(), "req".to_string()],
    };
    let scanned = reqtrail::source::scan_source("tests/fuzz.rs", &text, &unit, &options);
    // proc-macro2 keeps the text of every file parsed on a thread to resolve spans; a fuzzing
    // process parses millions, so the table is cleared after each.
    proc_macro2::extra::invalidate_current_thread_spans();
    let first = if cfg!(fuzzing) { 0 } else { 1 };
    let lines = text.matches('\n').count() as u32 + 1;
    for t in &scanned.tests {
        assert!((first..=lines).contains(&t.line), "{t:?}");
    }
    for r in &scanned.references {
        assert!((1..=lines).contains(&r.line), "{r:?}");
        assert!(r.tests.iter().all(|&t| t < scanned.tests.len()), "{r:?}");
    }
    for d in &scanned.diagnostics {
        let line = d.location.as_ref().map_or(1, |l| l.line);
        assert!((first..=lines).contains(&line), "{d:?}");
    }
});
