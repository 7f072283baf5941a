//! Fuzzes the parsers with large, deeply nested input built from a short description, which
//! byte-level mutation alone never reaches (libFuzzer keeps inputs to a few kilobytes): the
//! description names a parser (Markdown, Rust, results, config), an opening fragment and how
//! often to repeat it, a middle, and a closing fragment and its count. `fn f() ` + `{` x
//! 60,000, `mod m {` x 50,000, `> ` x 30,000, `<testsuite>` x 60,000 or `a=[` x 60,000 are each
//! a dozen bytes of description. Run with `-timeout=10`: quadratic work on such input takes
//! minutes, so it shows up as a timeout.
//!
//! Layout: `[parser] [open len] [open..] [open count: u16 LE] [middle len] [middle..]
//! [close len] [close..] [close count: u16 LE]`, lengths at most 32 bytes, the text at most
//! 2 MiB. A description cut short uses what it has.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqtrail::config::{SourceOptions, SpecOptions};
use reqtrail::model::CrateUnit;

const MAX_TEXT: usize = 2 * 1024 * 1024;

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        *first
    }
    fn fragment(&mut self) -> &'a [u8] {
        let len = usize::from(self.byte() % 33).min(self.0.len());
        let (fragment, rest) = self.0.split_at(len);
        self.0 = rest;
        fragment
    }
    fn count(&mut self) -> usize {
        usize::from(u16::from_le_bytes([self.byte(), self.byte()]))
    }
}

fn repeat(out: &mut Vec<u8>, fragment: &[u8], count: usize) {
    for _ in 0..count {
        if out.len() + fragment.len() > MAX_TEXT {
            return;
        }
        out.extend_from_slice(fragment);
    }
}

fuzz_target!(|data: &[u8]| {
    let mut description = Reader(data);
    let parser = description.byte();
    let open = description.fragment();
    let opens = description.count();
    let middle = description.fragment();
    let close = description.fragment();
    let closes = description.count();
    let mut bytes = Vec::new();
    repeat(&mut bytes, open, opens);
    repeat(&mut bytes, middle, 1);
    repeat(&mut bytes, close, closes);
    let text = String::from_utf8_lossy(&bytes);
    match parser % 4 {
        0 => spec(&text),
        1 => source(&text),
        2 => results(&text),
        _ => config(&text),
    }
});

fn spec(text: &str) {
    // Lines as CommonMark numbers them: `\n`, `\r\n` and a lone `\r` each end one.
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 1;
    let spec = reqtrail::spec::parse_spec("docs/nested.md", text, &SpecOptions::default());
    for r in &spec.requirements {
        assert!((1..=lines).contains(&r.location.line), "{r:?}");
    }
}

fn source(text: &str) {
    let unit = CrateUnit {
        binary: "pkg::fuzz".to_string(),
        module_path: vec!["m".to_string()],
    };
    let options = SourceOptions {
        test_attributes: Vec::new(),
        test_macros: Vec::new(),
        prefixes: vec!["r".to_string()],
    };
    let lines = text.matches('\n').count() as u32 + 1;
    let scanned = reqtrail::source::scan_source("tests/nested.rs", text, &unit, &options);
    proc_macro2::extra::invalidate_current_thread_spans();
    for r in &scanned.references {
        assert!((1..=lines).contains(&r.line), "{r:?}");
        assert!(r.tests.iter().all(|&t| t < scanned.tests.len()), "{r:?}");
    }
}

/// JUnit or libtest JSON lines: results or a one-line error naming a line of the file.
fn results(text: &str) {
    let lines = text.matches('\n').count() as u32 + 1;
    match reqtrail::evidence::parse_results("nested.xml", text) {
        Ok(results) => {
            for r in &results {
                assert!((1..=lines).contains(&r.location.line), "{r:?}");
            }
        }
        Err(message) => {
            let line: u32 = message
                .strip_prefix("nested.xml:")
                .and_then(|rest| rest.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("error without FILE:LINE: {message}"));
            assert!((1..=lines).contains(&line), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}

/// `reqtrail.toml`: a config or an error starting with a line of the file.
fn config(text: &str) {
    let lines = text.matches('\n').count() + 1;
    if let Err(message) = reqtrail::config::Config::parse(text) {
        let line: usize = message
            .split(':')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("error without a line: {message}"));
        assert!((1..=lines).contains(&line), "{message}");
    }
}
