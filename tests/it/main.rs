//! Integration tests, one binary (each extra test binary is another multi-GB link with polars).

mod accounting;
mod common;
mod families;
mod fixture;
mod formats;
mod golden;
mod objections;
mod policies;
mod whatif;
