//! Integration tests, one binary (each extra test binary is another multi-GB link with polars).

mod accounting;
mod card;
mod check_words;
mod class_rules;
mod common;
mod conditions;
mod corpus;
mod families;
mod fixture;
mod formats;
mod golden;
mod groups;
mod guards;
mod monitor;
mod objections;
mod policies;
mod presets;
mod props;
mod render;
mod shapes;
mod spans;
mod standard_land;
mod standard_land_contract;
mod tenancy;
mod whatif;
mod workbooks;
