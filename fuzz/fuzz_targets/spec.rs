//! Fuzzes the Markdown requirement parser: any bytes (decoded lossily, as `discover::read_text`
//! does) in any style must parse without a panic, and every line it reports must be in the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reqtrail::config::SpecOptions;
use reqtrail::model::DefinitionStyle;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the style, so one corpus covers detection and the pinned styles.
    let (style, rest) = match data.split_first() {
        Some((b, rest)) => (
            match b % 4 {
                0 => None,
                1 => Some(DefinitionStyle::Marker),
                2 => Some(DefinitionStyle::Heading),
                _ => Some(DefinitionStyle::Oft),
            },
            rest,
        ),
        None => (None, data),
    };
    let text = String::from_utf8_lossy(rest);
    let options = SpecOptions {
        style,
        ..SpecOptions::default()
    };
    let spec = reqtrail::spec::parse_spec("fuzz.md", &text, &options);
    // Lines as CommonMark numbers them: one more than the line endings (`\n`, `\r\n`, `\r`).
    let lines = text.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32 + 1;
    for r in &spec.requirements {
        assert!((1..=lines).contains(&r.location.line), "{r:?}");
        assert!(!r.id.is_empty());
        for (_, line) in &r.parents {
            assert!((1..=lines).contains(line), "{r:?}");
        }
    }
    for d in &spec.diagnostics {
        let line = d.location.as_ref().map_or(1, |l| l.line);
        assert!((1..=lines).contains(&line), "{d:?}");
    }
});
