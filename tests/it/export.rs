//! `mujun export` (the validated inputs as typed tables for a SQL engine) and `mujun sql` (the methodology
//! compiled to a script over them): what is written, read back with polars, and what is refused.
//! That the script's results equal mujun's is proved on DuckDB by benches/sql/prove.py.

use crate::common::{mujun, read_rows, repo};
use polars::prelude::*;
use std::path::Path;

fn frame(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .finish()
        .unwrap()
}

#[test]
fn the_worked_example_exports_typed_rows_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    let data = repo("tests/golden/w1_zj6");
    let mut c = mujun();
    c.args(["--quiet", "export", "--data"]).arg(&data).arg("--out").arg(&out);
    assert!(c.status().unwrap().success());
    // land.csv: HB-001 50 亩 自有 (line 2), then HB-002 40 亩 自有 and 8 亩 租出 of the second firm (lines 3, 4).
    let land = frame(&out.join("land/part-0.parquet"));
    assert_eq!(land.height(), 16, "every land row of the example is used (16 lines under the header)");
    let area = land.column("area_mu").unwrap().f64().unwrap();
    let tenure = land.column("tenure").unwrap().str().unwrap();
    let line = land.column("line").unwrap().i64().unwrap();
    assert_eq!((area.get(1), tenure.get(1), line.get(1)), (Some(40.0), Some("自有"), Some(3)));
    assert_eq!((area.get(2), tenure.get(2), line.get(2)), (Some(8.0), Some("租出"), Some(4)));
    // output.csv line 2: 2024Q1 revenue 1800, employees 398, electricity blank.
    let output = frame(&out.join("output/part-0.parquet"));
    assert_eq!(output.column("period").unwrap().str().unwrap().get(0), Some("2024Q1"));
    assert_eq!(output.column("revenue").unwrap().f64().unwrap().get(0), Some(1800.0));
    assert_eq!(output.column("employees").unwrap().f64().unwrap().get(0), Some(398.0));
    assert_eq!(output.column("electricity_10k_kwh").unwrap().f64().unwrap().get(0), None);
    assert_eq!(output.column("seq").unwrap().i64().unwrap().get(3), Some(4));
    // No events file in the example: no events table.
    assert!(!out.join("events").exists());
}

#[test]
fn the_sample_city_exports_by_county_with_the_exceptions_of_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (out, check) = (dir.path().join("x"), dir.path().join("v"));
    let data = repo("data/sample");
    let mut c = mujun();
    c.args(["--quiet", "export", "--partition", "county", "--data"]).arg(&data).arg("--out").arg(&out);
    assert!(c.status().unwrap().success());
    let mut v = mujun();
    v.args(["--quiet", "validate", "--data"]).arg(&data).arg("--out").arg(&check);
    assert_eq!(v.status().unwrap().code(), Some(1), "the sample holds rows validate excludes");
    let exported = read_rows(&out.join("exceptions.csv"));
    assert_eq!(exported.len(), read_rows(&check.join("exceptions.csv")).len());
    assert_eq!(exported.len(), 206);
    // One folder per county of the sample (eleven, 安康高新区 among them); rows add up to the used rows of the manifest.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    for (kind, used) in [("enterprises", 2994), ("land", 5152), ("output", 34167), ("tax", 34166), ("events", 149)] {
        let folders: Vec<_> = std::fs::read_dir(out.join(kind)).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(folders.len(), 11, "{kind}: one folder per county (ten counties and 安康高新区)");
        let mut rows = 0;
        for f in &folders {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            assert!(name.starts_with("county="), "{name}");
            let df = frame(&f.join("part-0.parquet"));
            assert!(df.column("county").is_err(), "the folder names the county, not a column");
            rows += df.height();
        }
        assert_eq!(rows, used, "{kind}");
        assert_eq!(manifest["tables"][kind]["rows"], used, "{kind}");
    }
    let hb = frame(&out.join("enterprises/county=汉滨区/part-0.parquet"));
    let ids = hb.column("enterprise_id").unwrap().str().unwrap().clone();
    assert!((0..ids.len()).all(|r| ids.get(r).is_some_and(|x| x.len() == 18)));
}

/// `mujun sql` for period 2025 with `method`, the `extra` options, the script written to `script`.
fn compile(method: &std::path::Path, extra: &[&str], script: &std::path::Path) -> std::process::Output {
    mujun()
        .args(["--quiet", "sql", "--period", "2025"])
        .args(extra)
        .arg("--method")
        .arg(method)
        .arg("--out")
        .arg(script)
        .output()
        .unwrap()
}

#[test]
fn the_compiler_refuses_what_it_does_not_express_and_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("data/methods/ankang_default.toml")).unwrap().replacen(
        "basis = \"owned_plus_rented_in_minus_rented_out\"",
        "basis = \"owned_plus_rented_in_minus_rented_out\"\nmerge_tenants = true",
        1,
    );
    let method = dir.path().join("m.toml");
    std::fs::write(&method, text).unwrap();
    let script = dir.path().join("e.sql");
    let o = compile(&method, &[], &script);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("`land.merge_tenants`: tenants merged into their landlords are not compiled yet"), "{err}");
    assert!(!script.exists());
    // The default preset compiles: its script reads the export and sums in file order.
    let preset = repo("data/methods/ankang_default.toml");
    let o = compile(&preset, &["--data-location", "/data/x"], &script);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sql = std::fs::read_to_string(&script).unwrap();
    assert!(sql.contains("read_parquet('/data/x/output/**/*.parquet'"));
    assert!(sql.contains("WHERE period IN ('2025Q1', '2025Q2', '2025Q3', '2025Q4')"));
    assert!(sql.contains("list_reduce(list(o.revenue ORDER BY o.seq)"));
    // The Spark script: folds over the values sorted by seq, each stage written as Parquet under the
    // results and read back, the table written as one part file in the results.
    let spark =
        compile(&preset, &["--dialect", "spark", "--data-location", "/data/x", "--results-location", "/r"], &script);
    assert!(spark.status.success(), "{}", String::from_utf8_lossy(&spark.stderr));
    let sql = std::fs::read_to_string(&script).unwrap();
    assert!(sql.contains("SET spark.sql.ansi.enabled = false;"));
    assert!(sql.contains("USING parquet OPTIONS (path '/data/x/output', mergeSchema 'true')"));
    assert!(sql.contains("aggregate(array_sort(collect_list(struct(o.seq AS o, o.revenue AS x))"));
    assert!(sql.contains("INSERT OVERWRITE DIRECTORY '/r/stages/facts' USING parquet"));
    assert!(sql.contains("INSERT OVERWRITE DIRECTORY '/r/enterprises' USING csv"));
    // The aggregates: compensated sums in file order, one fold carrying each sum and its error.
    assert!(sql.contains("INSERT OVERWRITE DIRECTORY '/r/by_county' USING csv"));
    assert!(sql.contains("INSERT OVERWRITE DIRECTORY '/r/by_industry' USING csv"));
    assert!(sql.contains("named_struct('s0', CAST(0 AS DOUBLE), 'c0', CAST(0 AS DOUBLE)"));
    assert!(!sql.contains("WITH "), "a WITH clause would hide Spark's stages");
}
