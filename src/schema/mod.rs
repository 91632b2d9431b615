//! The vocabulary every stage shares, as types: the fields of an enterprise ([`Field`]), the kinds of
//! input file, scale and status ([`FileKind`], [`Scale`], [`Status`]), and the reason codes of exceptions
//! and of enterprises that are not simply graded ([`ReasonCode`], with the [`Action`] taken).

mod field;
mod kinds;
mod reason;

pub use field::{Field, Holds, Reading};
pub use kinds::{FileKind, Scale, Status};
pub use reason::{Action, ReasonCode};

/// A member of a closed vocabulary: the code the CSV tables write (stable, English) and the Chinese the
/// workbooks and reports show.
pub trait Word: Copy {
    fn code(self) -> &'static str;
    fn zh(self) -> &'static str;
}

impl Word for Status {
    fn code(self) -> &'static str {
        Status::code(self)
    }
    fn zh(self) -> &'static str {
        Status::zh(self)
    }
}

impl Word for ReasonCode {
    fn code(self) -> &'static str {
        ReasonCode::code(self)
    }
    fn zh(self) -> &'static str {
        ReasonCode::zh(self)
    }
}

/// An action's code is the words of the exceptions file's `action` column.
impl Word for Action {
    fn code(self) -> &'static str {
        self.text()
    }
    fn zh(self) -> &'static str {
        Action::zh(self)
    }
}
