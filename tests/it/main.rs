//! Integration tests, one binary (each extra test binary is another multi-GB link with polars).

mod accounting;
mod common;
mod corpus;
mod families;
mod fixture;
mod formats;
mod golden;
mod monitor;
mod objections;
mod policies;
mod props;
mod render;
mod spans;
mod standard_land;
mod whatif;
mod workbooks;
