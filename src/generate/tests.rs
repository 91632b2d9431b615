//! Tests of the generator: determinism, the defects it plants, the shapes of its files.

use super::*;
use std::collections::HashSet;

const FILES: [&str; 5] = ["enterprises.csv", "land.csv", "output.csv", "tax.csv", "events.csv"];

fn opts(defects: bool) -> GenOptions {
    GenOptions { enterprises: 200, seed: 42, first_year: 2023, last_year: 2025, defects, format: Format::Csv }
}

/// Generates into a temp dir; returns the summary and each file's records (header excluded).
fn run(o: &GenOptions) -> (GenSummary, Vec<Vec<csv::StringRecord>>) {
    let dir = tempfile::tempdir().unwrap();
    let s = generate(o, dir.path()).unwrap();
    let read = |f: &str| csv::Reader::from_path(dir.path().join(f)).unwrap().records().map(|x| x.unwrap()).collect();
    (s, FILES.iter().map(|f| read(f)).collect())
}

fn counts(s: &GenSummary) -> [usize; 4] {
    [s.land_rows, s.output_rows, s.tax_rows, s.event_rows]
}

/// Parquet holds the same rows as CSV, numbers typed: the first output row's revenue, the row counts.
#[test]
fn parquet_has_the_csv_rows_with_typed_numbers() {
    use polars::prelude::*;
    let (summary, csv_rows) = run(&opts(false));
    let dir = tempfile::tempdir().unwrap();
    generate(&GenOptions { format: Format::Parquet, ..opts(false) }, dir.path()).unwrap();
    let read = |stem: &str| {
        ParquetReader::new(std::fs::File::open(dir.path().join(format!("{stem}.parquet"))).unwrap()).finish().unwrap()
    };
    let out = read("output");
    assert_eq!(out.height(), summary.output_rows);
    assert_eq!(read("land").height(), summary.land_rows);
    assert_eq!(read("enterprises").height(), 200);
    let revenue = out.column("revenue").unwrap();
    assert_eq!(revenue.dtype(), &DataType::Float64);
    assert_eq!(revenue.f64().unwrap().get(0), csv_rows[2][0][2].parse().ok());
    assert_eq!(out.column("period").unwrap().str().unwrap().get(0), Some(&csv_rows[2][0][1]));
}

#[test]
fn same_options_give_identical_bytes() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(&opts(true), a.path()).unwrap();
    generate(&opts(true), b.path()).unwrap();
    generate(&GenOptions { seed: 43, ..opts(true) }, c.path()).unwrap();
    let bytes = |d: &tempfile::TempDir, f: &str| fs::read(d.path().join(f)).unwrap();
    for f in FILES {
        assert_eq!(bytes(&a, f), bytes(&b, f), "{f}");
    }
    assert_ne!(bytes(&a, "output.csv"), bytes(&c, "output.csv"));
}

#[test]
fn clean_data_is_clean_and_counts_match() {
    let (s, files) = run(&opts(false));
    assert!(s.defects.is_empty());
    let ents = &files[0];
    assert_eq!(ents.len(), s.enterprises);
    let known: HashSet<&str> = ents.iter().map(|r| &r[0]).collect();
    assert_eq!(known.len(), 200, "ids are unique");
    assert_eq!(ents.iter().map(|r| &r[1]).collect::<HashSet<_>>().len(), 200, "names are unique");
    assert_eq!(counts(&s).to_vec(), files[1..].iter().map(Vec::len).collect::<Vec<_>>());
    for r in files.iter().flatten() {
        assert_eq!(ids::id_problem(&r[0]), None);
        assert!(known.contains(&r[0]), "unknown id {}", &r[0]);
    }
    for r in &files[1] {
        assert!(r[2].parse::<f64>().unwrap() > 0.0, "{r:?}");
        assert!(["亩", "平方米"].contains(&&r[3]) && ["自有", "租入", "租出"].contains(&&r[4]), "{r:?}");
    }
    assert!(["租入", "租出"].iter().all(|t| files[1].iter().any(|r| &r[4] == *t)));
    for cell in files[2].iter().flat_map(|r| r.iter().skip(2).filter(|c| !c.is_empty()).collect::<Vec<_>>()) {
        cell.parse::<f64>().unwrap();
        assert!(cell.split('.').nth(1).map_or(0, str::len) <= 2, "{cell}");
    }
    assert!(s.output_rows <= 200 * 12 && s.output_rows > 200 * 10);
}

#[test]
fn defects_are_injected_and_counted() {
    let (s, files) = run(&opts(true));
    assert_eq!(s.defects.len(), 8);
    assert!(s.defects.iter().all(|d| d.ends_with(": 1")), "{:?}", s.defects);
    let [ents, land, out, tax, events] = &files[..] else { unreachable!() };
    assert_eq!(counts(&s), [land.len(), out.len(), tax.len(), events.len()]);
    assert_eq!(ents.len(), 201, "one exact duplicate");
    assert_eq!(ents.iter().filter(|r| ids::id_problem(&r[0]).is_some()).count(), 1);
    assert_eq!(land.iter().filter(|r| r[2].starts_with('-')).count(), 1);
    assert_eq!(land.iter().filter(|r| &r[2] == "0").count(), 1);
    let known: HashSet<&str> = ents.iter().map(|r| &r[0]).collect();
    assert_eq!(land.iter().filter(|r| !known.contains(&r[0])).count(), 1);
    assert_eq!(tax.iter().filter(|r| !known.contains(&r[0])).count(), 1);
    assert_eq!(out.iter().filter(|r| r[2].parse::<f64>().is_err()).count(), 1);
    assert_eq!(out.iter().map(|r| (&r[0], &r[1])).collect::<HashSet<_>>().len(), out.len() - 1);
}

#[test]
fn number_format_and_ids() {
    assert_eq!(
        (num(1234.5678), num(12000.0), num(0.5), num(-0.001)),
        ("1234.57".into(), "12000".into(), "0.5".into(), "0".into())
    );
    assert_eq!(make_id(0, 1), ids::with_check("91610902MA0000001").unwrap());
    assert_eq!(&make_id(10, 31u64.pow(7) - 1)[8..17], "MAYYYYYYY");
}

/// Timing: `cargo test --release --lib generate::tests::hundred_thousand -- --ignored --nocapture`
#[test]
#[ignore]
fn hundred_thousand() {
    let dir = Path::new("/tmp/gen100k");
    let t = std::time::Instant::now();
    let s = generate(
        &GenOptions {
            enterprises: 100_000,
            seed: 7,
            first_year: 2023,
            last_year: 2025,
            defects: true,
            format: Format::Csv,
        },
        dir,
    )
    .unwrap();
    println!("100k enterprises in {:.2?}: {s:?}", t.elapsed());
    for f in FILES {
        println!("{f}: {} bytes", fs::metadata(dir.join(f)).unwrap().len());
    }
}
