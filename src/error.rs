//! Errors that end a command, and the exit code each one gives, so scripts can tell bad input from a
//! fault of mujun: 0 success; 1 `validate` found rows it had to exclude; 2 command-line usage;
//! 3 bad input or methodology (the run could not start); 4 output or internal error.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] crate::validate::InputError),
    #[error(transparent)]
    Method(#[from] crate::method::MethodError),
    /// A bad argument value or a data problem found while evaluating (e.g. a benchmark file without a county).
    #[error("{0}")]
    BadInput(String),
    /// The output folder cannot or must not be written.
    #[error("{0}")]
    Output(String),
    #[error("internal error (please report it): {0}")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Method(_) | Error::BadInput(_) => 3,
            Error::Output(_) | Error::Internal(_) => 4,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
