//! reqtrail: requirements traceability for Rust projects with Markdown specs.
//!
//! The pipeline, one module per stage (see ARCHITECTURE.md):
//! `discover` -> `spec` + `source` -> `evidence` -> `graph` -> `evaluate` -> `gate` and `report::*`.
//! `cli` only wires them together.

pub mod baseline;
pub mod changes;
pub mod cli;
pub(crate) mod comparison;
pub mod config;
pub mod discover;
pub mod evaluate;
pub mod evidence;
pub mod gate;
pub mod graph;
pub(crate) mod help;
pub(crate) mod history;
pub(crate) mod ids;
pub mod init;
pub mod model;
pub(crate) mod output;
pub(crate) mod pipeline;
pub(crate) mod plan;
pub mod report;
pub mod source;
pub mod spec;
pub mod suspect;
pub(crate) mod targets;
#[cfg(test)]
pub(crate) mod testkit;
pub mod worddiff;
