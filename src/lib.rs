//! mujun (亩均): per-mu land efficiency evaluation (亩均效益综合评价) for county land and industry bureaus.
//!
//! The pipeline, one module per stage, arrows one way:
//! `ingest` → `validate` → `indicators` → `score` → `classify` → `rank` → `report`.
//! `method` holds the methodology file (TOML) that drives the middle stages; `pipeline` runs them in order.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod card;
pub mod classify;
pub mod cli;
pub mod compare;
pub mod dataset;
pub mod dates;
pub mod decimal;
pub mod digest;
pub mod error;
pub mod generate;
pub mod ids;
pub mod indicators;
pub mod ingest;
pub mod method;
pub mod monitor;
pub mod period;
pub mod pipeline;
pub mod progress;
pub mod rank;
pub mod render;
pub mod report;
pub mod schema;
pub mod score;
pub mod sql;
pub mod standard_land;
pub mod validate;

#[cfg(test)]
mod xorshift;
