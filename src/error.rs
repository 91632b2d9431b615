//! Errors that end a command, and the exit code each one gives, so scripts can tell bad input from a
//! fault of mujun: 0 success; 1 `validate` found rows it had to exclude; 2 command-line usage;
//! 3 bad input or methodology (the run could not start); 4 output or internal error.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Input(#[from] crate::validate::InputError),
    #[error(transparent)]
    Method(#[from] crate::method::MethodError),
    /// A file given on the command line or named by a methodology or rules file that cannot be used:
    /// which file (and which key named it), where in it, what is wrong.
    #[error("{}", describe_file(file, named_by, line, column, problem))]
    File { file: String, named_by: Option<String>, line: Option<usize>, column: Option<String>, problem: String },
    /// A bad argument value or a data problem found while evaluating.
    #[error("{0}")]
    BadInput(String),
    /// The output folder cannot or must not be written.
    #[error("{0}")]
    Output(String),
    #[error("internal error (please report it): {0}")]
    Internal(String),
}

/// `county_prior.csv line 4, column value (named by tracks[0].indicators[0].benchmark.file): not a number`.
fn describe_file(
    file: &str,
    named_by: &Option<String>,
    line: &Option<usize>,
    column: &Option<String>,
    problem: &str,
) -> String {
    let mut s = file.to_string();
    if let Some(l) = line {
        s.push_str(&format!(" line {l}"));
    }
    if let Some(c) = column {
        s.push_str(&format!(", column {c}"));
    }
    if let Some(k) = named_by {
        s.push_str(&format!(" (named by {k})"));
    }
    format!("{s}: {problem}")
}

impl Error {
    /// A problem with a whole file.
    pub fn file(file: &str, problem: impl Into<String>) -> Error {
        Error::File { file: file.to_string(), named_by: None, line: None, column: None, problem: problem.into() }
    }
    /// A problem at a line (and column) of a file.
    pub fn at(file: &str, line: usize, column: Option<&str>, problem: impl Into<String>) -> Error {
        let column = column.map(str::to_string);
        Error::File { file: file.to_string(), named_by: None, line: Some(line), column, problem: problem.into() }
    }
    /// The same error, saying which key of a methodology or rules file named the file.
    pub fn named_by(self, key: &str) -> Error {
        match self {
            Error::File { file, line, column, problem, .. } => {
                Error::File { file, named_by: Some(key.to_string()), line, column, problem }
            }
            other => other,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Method(_) | Error::File { .. } | Error::BadInput(_) => 3,
            Error::Output(_) | Error::Internal(_) => 4,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_say_where_and_who_named_the_file() {
        let e = Error::at("county_prior.csv", 4, Some("tax_per_mu"), "'约3' is not a number")
            .named_by("tracks[0].indicators[0].benchmark.file");
        assert_eq!(
            e.to_string(),
            "county_prior.csv line 4, column tax_per_mu (named by tracks[0].indicators[0].benchmark.file): '约3' is not a number"
        );
        assert_eq!(Error::file("targets.csv", "no target column").to_string(), "targets.csv: no target column");
        assert_eq!(e.exit_code(), 3);
    }
}
