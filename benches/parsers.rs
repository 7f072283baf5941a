//! Micro-benchmarks of the two parsers on generated inputs (issue 7): `spec::parse_spec` on a
//! 100-requirement document in each definition style, `source::scan_source` on a unit-test file
//! and an integration-test file, so that a regression in either shows as a change in
//! throughput rather than hiding in the whole-run figure of `scripts/bench`.
//!
//! `cargo bench --bench parsers`; the inputs come from the same code as the generator
//! (`examples/gen/synth.rs`), so they have the shape of the projects the bars are set on.

#[path = "../examples/gen/synth.rs"]
#[allow(dead_code)]
mod synth;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use reqtrail::config::{SourceOptions, SpecOptions};
use reqtrail::discover::crate_unit;
use std::hint::black_box;

fn spec(c: &mut Criterion) {
    let options = SpecOptions::default();
    let mut group = c.benchmark_group("parse_spec");
    for (name, style) in [
        ("marker", synth::DocStyle::Marker),
        ("heading", synth::DocStyle::Heading),
        ("oft", synth::DocStyle::Oft),
    ] {
        let text = synth::sample_document(style, 42);
        // A benchmark of a parser that finds nothing would measure nothing.
        let found = reqtrail::spec::parse_spec("docs/bench.md", &text, &options);
        assert_eq!(
            found.requirements.len(),
            100,
            "{name}: parser found {:?}",
            found.diagnostics
        );
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| reqtrail::spec::parse_spec("docs/bench.md", black_box(&text), &options))
        });
    }
    group.finish();
}

fn source(c: &mut Criterion) {
    let options = SourceOptions::default();
    let mut group = c.benchmark_group("scan_source");
    for ((path, text), name) in synth::sample_sources(42)
        .into_iter()
        .zip(["unit", "integration"])
    {
        let unit = crate_unit("synthproj", &path, true);
        let found = reqtrail::source::scan_source(&path, &text, &unit, &options);
        assert!(!found.tests.is_empty(), "{name}: no tests found in {path}");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| reqtrail::source::scan_source(&path, black_box(&text), &unit, &options))
        });
    }
    group.finish();
}

criterion_group!(benches, spec, source);
criterion_main!(benches);
