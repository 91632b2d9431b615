//! What differs between SQL engines: literals and names, reading the exported tables, the file-order
//! sum, keeping a stage's rows, writing the results. Everything else in the script is SQL both DuckDB and
//! Spark SQL read alike (`STRING`, `DOUBLE`, `CASE`, window functions, `FILTER (WHERE …)`).

use crate::schema::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    DuckDb,
    /// Spark SQL 4 (run statement by statement: `benches/sql/spark_run.py`, or spark-submit with it).
    Spark,
}

/// The format of the exported tables (`mujun export --format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Parquet,
    Csv,
}

/// A dialect and where a Spark script keeps its stages.
#[derive(Debug, Clone, Copy)]
pub struct Sql<'a> {
    pub dialect: Dialect,
    /// The folder or URI under which Spark writes each stage's rows as Parquet and reads them back, so
    /// that a stage's plan starts from files (Spark would otherwise plan every stage from the inputs).
    pub stages: &'a str,
}

impl Sql<'_> {
    /// Settings the script starts with. DuckDB keeps rows in insertion order. Spark: a county folder
    /// named by digits stays text, and a division by zero is NULL (as in mujun's rules; ANSI mode would
    /// stop the job on a branch the script computes before a CASE discards it).
    pub fn preamble(self) -> &'static str {
        match self.dialect {
            Dialect::DuckDb => "SET preserve_insertion_order = true;\n",
            Dialect::Spark => {
                "SET spark.sql.ansi.enabled = false;\nSET spark.sql.sources.partitionColumnTypeInference.enabled = false;\n"
            }
        }
    }

    /// A binary64 literal that reads back to exactly `x`: its shortest spelling, cast from text (a
    /// decimal literal is typed DECIMAL and would be converted with a rounding of the engine's own).
    pub fn double(self, x: f64) -> String {
        format!("CAST('{x:?}' AS DOUBLE)")
    }

    /// A text literal. Spark reads a backslash in a literal as an escape; a line break is written as
    /// `\n` there so that no statement holds one inside a literal (the runner splits at `;` + line end).
    pub fn text(self, s: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => {
                let e = s.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n").replace('\r', "\\r");
                format!("'{e}'")
            }
        }
    }

    /// A column name as given (Chinese indicator keys included).
    pub fn ident(self, s: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("\"{}\"", s.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", s.replace('`', "``")),
        }
    }

    /// Whether the firm holds `tag`: exported tags are joined by `|`, which no tag holds.
    pub fn has_tag(self, tag: &str) -> String {
        format!("(instr('|' || tags || '|', {}) > 0)", self.text(&format!("|{tag}|")))
    }

    /// The values `x` of the rows where `filter` holds and `x` is not NULL, as a list in the order of
    /// `order` (an aggregate; empty, or NULL on DuckDB, when there is none).
    pub fn ordered_list(self, x: &str, order: &str, filter: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("list({x} ORDER BY {order}) FILTER (WHERE ({filter}) AND ({x}) IS NOT NULL)"),
            // Structs sort by their first field: the order key, unique per row.
            Dialect::Spark => format!(
                "array_sort(collect_list(struct({order} AS o, {x} AS x)) FILTER (WHERE ({filter}) AND ({x}) IS NOT NULL))"
            ),
        }
    }

    /// `start` with the values of `list` (from [`Self::ordered_list`], or NULL) added one after the
    /// other: `((start + x1) + x2) …`.
    pub fn fold_from(self, start: &str, list: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("list_reduce(list_concat([{start}], COALESCE({list}, [])), lambda a, b: a + b)"),
            Dialect::Spark => {
                format!(
                    "(CASE WHEN {list} IS NULL THEN {start} ELSE aggregate({list}, {start}, (a, e) -> a + e.x) END)"
                )
            }
        }
    }

    /// An aggregate: the values `x` of the rows where `filter` holds and `x` is not NULL, added one after
    /// the other in the order of `order` (`((x1 + x2) + x3) …`, the binary64 result mujun's loops give);
    /// NULL when there is none.
    pub fn fold_sum(self, x: &str, order: &str, filter: &str) -> String {
        let list = self.ordered_list(x, order, filter);
        match self.dialect {
            Dialect::DuckDb => format!("list_reduce({list}, lambda a, b: a + b)"),
            // The accumulator starts NULL and takes the first value as it is (not 0 + x1).
            Dialect::Spark => format!(
                "aggregate({list}, CAST(NULL AS DOUBLE), (a, e) -> CASE WHEN a IS NULL THEN e.x ELSE a + e.x END)"
            ),
        }
    }

    /// An aggregate: the compensated (Neumaier) sums of several values at once, as
    /// `crate::report::aggregates` adds a group's figures: over the rows where `filter` holds, in the
    /// order of `order`, `values[i]` (a value, or NULL where that sum skips the row) added to sum `i` by
    /// a two-sum step, from 0. Spark folds all the sums in one pass over one sorted list (one sort per
    /// group); DuckDB folds each sum over its own list. The result is a struct; sum `i` is
    /// [`Self::sum_of`] it.
    pub fn exact_sums(self, values: &[String], order: &str, filter: &str) -> String {
        // Spark's fold carries every sum: a row without sum i's value leaves it as it is.
        let step = |i: usize, x: &str| {
            let (s, c) = (format!("a.s{i}"), format!("a.c{i}"));
            let (t, err) = two_sum(&s, &c, x);
            let keep = |now: String, then: &str| format!("CASE WHEN {x} IS NULL THEN {then} ELSE {now} END");
            (keep(t, &s), keep(err, &c))
        };
        let zero = "CAST(0 AS DOUBLE)";
        match self.dialect {
            // DuckDB evaluates a fold's lambda row by row of the list, at a cost that grows with the
            // lambda: a fold per sum, over the rows that have its value, walks less than one fold of all.
            Dialect::DuckDb => {
                let folds: Vec<String> = values
                    .iter()
                    .enumerate()
                    .map(|(i, x)| {
                        let (t, c) = two_sum("a.s", "a.c", "b");
                        format!(
                            "'f{i}': list_reduce(list({x} ORDER BY {order}) FILTER (WHERE ({filter}) AND ({x}) IS NOT NULL), \
                             lambda a, b: {{'s': {t}, 'c': {c}}}, {{'s': {zero}, 'c': {zero}}})"
                        )
                    })
                    .collect();
                format!("{{{}}}", folds.join(",\n    "))
            }
            Dialect::Spark => {
                let row: Vec<String> = values.iter().enumerate().map(|(i, x)| format!("{x} AS x{i}")).collect();
                let start: Vec<String> = (0..values.len()).map(|i| format!("'s{i}', {zero}, 'c{i}', {zero}")).collect();
                let next: Vec<String> = (0..values.len())
                    .map(|i| {
                        let (s, c) = step(i, &format!("e.x{i}"));
                        format!("'s{i}', {s}, 'c{i}', {c}")
                    })
                    .collect();
                format!(
                    "aggregate(array_sort(collect_list(struct({order} AS o, {})) FILTER (WHERE {filter})), \
                     named_struct({}), (a, e) -> named_struct({}))",
                    row.join(", "),
                    start.join(", "),
                    next.join(", ")
                )
            }
        }
    }

    /// Sum `i` of the struct `acc` from [`Self::exact_sums`]: its sum plus its carried error; 0 for a
    /// group without rows (DuckDB's fold of no list is NULL).
    pub fn sum_of(self, acc: &str, i: usize) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("COALESCE({acc}.f{i}.s + {acc}.f{i}.c, CAST(0 AS DOUBLE))"),
            Dialect::Spark => format!("COALESCE({acc}.s{i} + {acc}.c{i}, CAST(0 AS DOUBLE))"),
        }
    }

    /// `x` rounded half away from zero at `places` decimals on its shortest decimal spelling (mujun's
    /// rule, `crate::decimal`), as an exact decimal: the engine spells the double as text and rounds half
    /// away from zero when it casts that text to a DECIMAL. DuckDB's spelling is the shortest; Spark's is
    /// Java's `Double.toString`, the shortest below 10^16 on the JDK 17 measured (docs/scaling.md).
    pub fn round_half_up(self, x: &str, places: usize) -> String {
        format!("CAST(CAST({x} AS STRING) AS DECIMAL(38, {places}))")
    }

    /// Statements that keep a stage's rows for the next ones (Spark: written as Parquet under `stages`
    /// and read back as a view).
    pub fn table(self, name: &str, body: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => format!("CREATE OR REPLACE TEMP TABLE {name} AS\n{body};\n"),
            Dialect::Spark => {
                let path = self.text(&format!("{}/{name}", self.stages));
                format!(
                    "INSERT OVERWRITE DIRECTORY {path} USING parquet\n{body};\n\
                     CREATE OR REPLACE TEMPORARY VIEW {name} USING parquet OPTIONS (path {path});\n"
                )
            }
        }
    }

    /// A stage built in steps: each of `parts` (a name unique in the script, its SELECT) is read by the
    /// later ones and by `select`. DuckDB: one statement with a WITH clause. Spark: each part a view of
    /// its own, so that the stage is one plain SELECT written under `stages` (and a cached part, were
    /// the stages kept in memory instead, is not hidden from Spark's cache by a WITH clause).
    pub fn staged(self, name: &str, parts: &[(&str, String)], select: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => {
                let with: Vec<String> = parts.iter().map(|(n, body)| format!("{n} AS (\n  {body}\n)")).collect();
                self.table(name, &format!("WITH {}\n{select}", with.join(", ")))
            }
            Dialect::Spark => {
                let mut s: String = parts
                    .iter()
                    .map(|(n, body)| format!("CREATE OR REPLACE TEMPORARY VIEW {n} AS\n{body};\n"))
                    .collect();
                s += &self.table(name, select);
                s
            }
        }
    }

    /// Statements that name `view` the exported table of `kind` under `location` (`kind/part-0.*` or
    /// `kind/county=…/part-0.*`), with `columns` typed as exported (CSV text has no types of its own);
    /// `county` comes from the folder names when the tables are partitioned.
    pub fn source(self, view: &str, input: Input, location: &str, kind: FileKind, columns: &[(&str, &str)]) -> String {
        let folder = format!("{location}/{}", kind.stem());
        match self.dialect {
            Dialect::DuckDb => {
                let glob = self.text(&format!("{folder}/**/*.{}", ext(input)));
                let from = match input {
                    Input::Parquet => format!("read_parquet({glob}, hive_partitioning = true, union_by_name = true)"),
                    Input::Csv => {
                        let types: Vec<String> =
                            columns.iter().map(|(n, t)| format!("{}: '{t}'", self.text(n))).collect();
                        format!(
                            "read_csv({glob}, header = true, hive_partitioning = true, union_by_name = true, types = {{{}}})",
                            types.join(", ")
                        )
                    }
                };
                format!("CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {from};\n")
            }
            Dialect::Spark => {
                let path = self.text(&folder);
                match input {
                    Input::Parquet => format!(
                        "CREATE OR REPLACE TEMPORARY VIEW {view} USING parquet OPTIONS (path {path}, mergeSchema 'true');\n"
                    ),
                    // Read as text (a blank is NULL), then typed; quotes are doubled as the export writes them.
                    Input::Csv => {
                        let typed: Vec<String> =
                            columns.iter().map(|(n, t)| format!("CAST({n} AS {t}) AS {n}")).collect();
                        let county = if kind == FileKind::Enterprises { ", county" } else { "" };
                        format!(
                            "CREATE OR REPLACE TEMPORARY VIEW {view}_text USING csv OPTIONS (path {path}, header 'true', \
                             escape '\"', multiLine 'true');\n\
                             CREATE OR REPLACE TEMPORARY VIEW {view} AS SELECT {}{county} FROM {view}_text;\n",
                            typed.join(", ")
                        )
                    }
                }
            }
        }
    }

    /// Writes the rows of `select` (in its order) to the results as CSV with a header: DuckDB the file
    /// `out/stem.csv`, Spark the folder `out/stem/` holding one `part-….csv`.
    pub fn write_csv(self, select: &str, out: &str, stem: &str) -> String {
        match self.dialect {
            Dialect::DuckDb => {
                format!("COPY (\n{select}\n) TO {} (HEADER, DELIMITER ',');\n", self.text(&format!("{out}/{stem}.csv")))
            }
            // One partition keeps the order; cells written as they are (no trimming, a blank text blank).
            Dialect::Spark => format!(
                "INSERT OVERWRITE DIRECTORY {} USING csv OPTIONS (header 'true', escape '\"', emptyValue '', \
                 ignoreLeadingWhiteSpace 'false', ignoreTrailingWhiteSpace 'false')\n\
                 SELECT /*+ COALESCE(1) */ * FROM (\n{select}\n) x;\n",
                self.text(&format!("{out}/{stem}"))
            ),
        }
    }
}

/// One step of a compensated sum: the sum `s` and carried error `c` after adding `x`, as SQL
/// (`crate::report::aggregates`' step): t = s + x, c + ((s - (t - (t - s))) + (x - (t - s))).
fn two_sum(s: &str, c: &str, x: &str) -> (String, String) {
    let t = format!("({s} + {x})");
    let part = format!("({t} - {s})");
    let err = format!("({c} + (({s} - ({t} - {part})) + ({x} - {part})))");
    (t, err)
}

fn ext(input: Input) -> &'static str {
    match input {
        Input::Parquet => "parquet",
        Input::Csv => "csv",
    }
}

#[cfg(test)]
mod tests {
    use super::{Dialect, Sql};

    #[test]
    fn literals_and_names_are_quoted_for_each_engine() {
        let (duck, spark) =
            (Sql { dialect: Dialect::DuckDb, stages: "s" }, Sql { dialect: Dialect::Spark, stages: "s" });
        // A quote doubled on DuckDB; on Spark a backslash escapes, so it is escaped too, and a line break
        // is written as \n (the runner splits statements at `;` + line end).
        assert_eq!(duck.text("a'b\\c\nd"), "'a''b\\c\nd'");
        assert_eq!(spark.text("a'b\\c\nd"), "'a\\'b\\\\c\\nd'");
        assert_eq!(duck.ident("亩均\"税收"), "\"亩均\"\"税收\"");
        assert_eq!(spark.ident("亩均`税收"), "`亩均``税收`");
        // 0.1 + 0.2 is 0.30000000000000004: the literal is its shortest spelling, read back exactly.
        assert_eq!(spark.double(0.1 + 0.2), "CAST('0.30000000000000004' AS DOUBLE)");
    }

    #[test]
    fn spark_keeps_each_stage_as_parquet_under_the_stages_folder() {
        let spark = Sql { dialect: Dialect::Spark, stages: "hdfs:///r/stages" };
        assert_eq!(
            spark.table("facts", "SELECT 1 AS x"),
            "INSERT OVERWRITE DIRECTORY 'hdfs:///r/stages/facts' USING parquet\nSELECT 1 AS x;\n\
             CREATE OR REPLACE TEMPORARY VIEW facts USING parquet OPTIONS (path 'hdfs:///r/stages/facts');\n"
        );
    }
}
