//! Output and tax rows folded into period sums while reading (what an evaluation reads) give what the rows
//! give: the same facts to the bit, the same exceptions and the same row accounting.

use crate::fixture;
use mujun::dataset::{Dataset, Keep};
use mujun::method::LandBasis;
use mujun::period::{Basis, Period};
use mujun::schema::{Field, FileKind};
use std::path::Path;

const FIRM: &str = "91610902MA0009001J";

/// The fixture, plus for its first firm 2025 quarters in the order Q3, Q2, Q1 with revenue 0.3, 0.2 and
/// 0.1, a repeated Q1 and 2025Q4 tax only.
fn write(dir: &Path) {
    fixture::write(dir);
    let add = |file: &str, text: &str| {
        let p = dir.join(file);
        let s = std::fs::read_to_string(&p).unwrap() + text;
        std::fs::write(p, s).unwrap();
    };
    // output.csv lines 50–53, tax.csv lines 50–52.
    add(
        "output.csv",
        &format!("{FIRM},2025Q3,0.3,,,,,10\n{FIRM},2025Q2,0.2,,,,,20\n{FIRM},2025Q1,0.1,,,,,\n{FIRM},2025Q1,9,,,,,\n"),
    );
    add("tax.csv", &format!("{FIRM},2025Q4,1\n{FIRM},2025Q1,2\n{FIRM},2025Q4,5\n"));
}

fn load(dir: &Path, keep: &Keep) -> Dataset {
    mujun::validate::load_corrected(dir, None, keep).unwrap().0
}

#[test]
fn folded_sums_are_the_rows_sums() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path());
    let year = |y: &str| Period::parse(y, Basis::Rolling4).unwrap();
    let (p25, p24) = (year("2025"), year("2024"));
    let rows = load(tmp.path(), &Keep::Rows);
    let sums = load(tmp.path(), &Keep::Sums(vec![p25.clone(), p24.clone()]));
    assert!(sums.output.is_empty() && sums.tax.is_empty(), "no row is held");
    assert_eq!(rows.exceptions, sums.exceptions);
    assert_eq!(rows.accounts, sums.accounts);
    for kind in [FileKind::Output, FileKind::Tax] {
        assert_eq!(rows.rows_in(kind, &p25), sums.rows_in(kind, &p25));
        assert_eq!(rows.rows_in(kind, &p24), sums.rows_in(kind, &p24));
    }
    assert_eq!(rows.quarters_held(), sums.quarters_held());
    let fields = [Field::Revenue, Field::Employees, Field::Tax, Field::QuartersOutput, Field::QuartersTax];
    for period in [&p25, &p24] {
        let a = mujun::indicators::compute(&rows, period, LandBasis::OwnedPlusRentedInMinusRentedOut);
        let b = mujun::indicators::compute(&sums, period, LandBasis::OwnedPlusRentedInMinusRentedOut);
        for (fa, fb) in a.iter().zip(&b) {
            for f in fields {
                assert_eq!(fa.figure(f).map(f64::to_bits), fb.figure(f).map(f64::to_bits), "{f:?} {}", period.label);
            }
            assert_eq!(fa.missing_quarters, fb.missing_quarters);
        }
    }
    // The first firm in 2025, by hand: revenue added in file order (0.3 + 0.2) + 0.1 = 0.6 exactly, where
    // quarter order (0.1 + 0.2) + 0.3 gives 0.6000000000000001; the repeated Q1 (line 53, revenue 9) is not
    // added. Employees: the mean of the rows with a value, (10 + 20) ÷ 2 = 15. Tax: 1 + 2 = 3 (the second
    // Q4, line 52, is a repeat). Output is missing Q4 and tax Q2 and Q3.
    let f = &mujun::indicators::compute(&sums, &p25, LandBasis::OwnedPlusRentedInMinusRentedOut)[0];
    assert_eq!(f.figure(Field::Revenue), Some(0.6));
    assert_ne!(0.1 + 0.2 + 0.3, 0.6);
    assert_eq!((f.figure(Field::Employees), f.figure(Field::Tax)), (Some(15.0), Some(3.0)));
    assert_eq!(f.missing_quarters, ["2025Q2", "2025Q3", "2025Q4"]);
    let repeats: Vec<(usize, &str)> = sums
        .exceptions
        .iter()
        .filter(|e| e.reason.starts_with("duplicate: "))
        .map(|e| (e.line, e.reason.as_str()))
        .collect();
    assert_eq!(
        repeats,
        [
            (53, "duplicate: 2025Q1 already reported at line 52; that row is used"),
            (52, "duplicate: 2025Q4 already reported at line 50; that row is used"),
        ]
    );
}
