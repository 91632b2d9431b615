//! The vocabulary every stage shares, as types: the fields of an enterprise ([`Field`]), the kinds of
//! input file, scale and status ([`FileKind`], [`Scale`], [`Status`]), and the reason codes of exceptions
//! and of enterprises that are not simply graded ([`ReasonCode`], with the [`Action`] taken).

mod field;
mod kinds;
mod reason;

pub use field::{Field, Holds, Reading};
pub use kinds::{FileKind, Scale, Status};
pub use reason::{Action, ReasonCode};
