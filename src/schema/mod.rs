//! The vocabulary every stage shares, as types: the fields of an enterprise ([`Field`]).

mod field;

pub use field::{Field, Holds, Reading};
