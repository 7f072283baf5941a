//! reqtrail: requirements traceability for Rust projects with Markdown specs.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `discover` -> `spec` + `source` -> `evidence` -> `graph` (the model) -> `evaluate` (the
//! evaluation) -> `gate`, and `report::build` (the report) -> `report::*`.
//! `cli` only wires them together.
//!
//! What is public is what something outside the crate uses: `cli` (the two binaries), and the
//! parsers and data the integration tests, benches, fuzz targets and the generator drive
//! directly (`model`, `config`, `discover`, `spec`, `source`, `evidence`, `report`). Every other
//! stage is `pub(crate)`.

pub(crate) mod baseline;
pub(crate) mod changes;
pub mod cli;
pub(crate) mod comparison;
pub mod config;
pub(crate) mod defects;
pub(crate) mod deliver;
pub mod discover;
pub(crate) mod evaluate;
pub mod evidence;
pub(crate) mod gate;
pub(crate) mod graph;
pub(crate) mod help;
pub(crate) mod history;
pub(crate) mod ids;
pub(crate) mod init;
pub mod model;
pub(crate) mod output;
pub(crate) mod pipeline;
pub(crate) mod plan;
pub(crate) mod policy;
pub(crate) mod records;
pub(crate) mod release;
pub mod report;
pub(crate) mod snapshot;
pub mod source;
pub mod spec;
pub(crate) mod suspect;
pub(crate) mod targets;
#[cfg(test)]
pub(crate) mod testkit;
pub(crate) mod trend;
pub(crate) mod worddiff;
