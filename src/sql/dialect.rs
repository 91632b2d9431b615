//! What differs between SQL engines: literals, reading the exported tables, the file-order sum, decimal
//! rounding, writing the results. Only DuckDB is written yet (the Spark dialect is refused by the command).

use crate::schema::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
}

/// The format of the exported tables (`mujun export --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Parquet,
    Csv,
}

impl Dialect {
    /// A binary64 literal that reads back to exactly `x`: its shortest spelling, cast from text (a
    /// decimal literal could be typed DECIMAL and converted with a rounding of the engine's own).
    pub fn double(self, x: f64) -> String {
        format!("CAST('{x:?}' AS DOUBLE)")
    }

    /// A text literal.
    pub fn text(self, s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    /// A column name as given (Chinese indicator keys included).
    pub fn ident(self, s: &str) -> String {
        format!("\"{}\"", s.replace('"', "\"\""))
    }

    /// Whether the firm holds `tag`: exported tags are joined by `|`, which no tag holds.
    pub fn has_tag(self, tag: &str) -> String {
        format!("(instr('|' || tags || '|', {}) > 0)", self.text(&format!("|{tag}|")))
    }

    /// An aggregate: the values `x` of the rows where `filter` holds and `x` is not NULL, added one after
    /// the other in the order of `order` (`((x1 + x2) + x3) …`, the binary64 result mujun's loops give);
    /// NULL when there is none.
    pub fn fold_sum(self, x: &str, order: &str, filter: &str) -> String {
        format!(
            "list_reduce(list({x} ORDER BY {order}) FILTER (WHERE ({filter}) AND ({x}) IS NOT NULL), lambda a, b: a + b)"
        )
    }

    /// `x` rounded half away from zero at `places` decimals on its shortest decimal spelling (mujun's
    /// rule, `crate::decimal`), as an exact decimal: DuckDB spells a double by its shortest digits and
    /// rounds half away from zero when it casts that text to a DECIMAL.
    pub fn round_half_up(self, x: &str, places: usize) -> String {
        format!("CAST(CAST({x} AS VARCHAR) AS DECIMAL(38, {places}))")
    }

    /// A statement that keeps a stage's rows for the next ones.
    pub fn table(self, name: &str, body: &str) -> String {
        format!("CREATE OR REPLACE TEMP TABLE {name} AS\n{body};\n")
    }

    /// The exported table of `kind` under `location` (`kind/part-0.*` or `kind/county=…/part-0.*`), with
    /// `columns` typed as exported (CSV text has no types of its own).
    pub fn read(self, input: Input, location: &str, kind: FileKind, columns: &[(&str, &str)]) -> String {
        let glob = self.text(&format!("{location}/{}/**/*.{}", kind.stem(), ext(input)));
        match input {
            Input::Parquet => format!("read_parquet({glob}, hive_partitioning = true, union_by_name = true)"),
            Input::Csv => {
                let types: Vec<String> = columns.iter().map(|(n, t)| format!("{}: '{t}'", self.text(n))).collect();
                format!(
                    "read_csv({glob}, header = true, hive_partitioning = true, union_by_name = true, types = {{{}}})",
                    types.join(", ")
                )
            }
        }
    }

    /// Writes the rows of `select` to `path` as CSV with a header.
    pub fn write_csv(self, select: &str, path: &str) -> String {
        format!("COPY (\n{select}\n) TO {} (HEADER, DELIMITER ',');\n", self.text(path))
    }
}

fn ext(input: Input) -> &'static str {
    match input {
        Input::Parquet => "parquet",
        Input::Csv => "csv",
    }
}
