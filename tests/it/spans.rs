//! Large text files are typed in spans side by side and merged; duplicates found across spans must be
//! reported exactly as a row-by-row reading reports them. The reference is the same folder read as one
//! span: a corrections folder with header-only files makes each file a table in memory (one span) and
//! changes nothing.

use mujun::generate::{generate, Format, GenOptions};
use mujun::validate;

#[test]
fn spans_give_the_same_dataset_and_exceptions_as_one_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    // 40,000 firms over two years: output.csv is about 10 MB, read in three spans of 4 MB; the generator's
    // defects (duplicated enterprise and output rows, unknown ids, bad check digits) fall in every span.
    let opts = GenOptions {
        enterprises: 40_000,
        seed: 11,
        first_year: 2024,
        last_year: 2025,
        defects: true,
        format: Format::Csv,
    };
    generate(&opts, &data).unwrap();
    assert!(
        std::fs::metadata(data.join("output.csv")).unwrap().len() > 8 << 20,
        "output.csv should need several spans"
    );
    let corr = tmp.path().join("corrections");
    std::fs::create_dir_all(&corr).unwrap();
    for (kind, header) in [
        ("enterprises", "enterprise_id,name,county,industry,scale,reason,reference"),
        ("land", "enterprise_id,parcel_id,area,tenure,reason,reference"),
        ("output", "enterprise_id,period,revenue,reason,reference"),
        ("tax", "enterprise_id,period,tax_paid,reason,reference"),
    ] {
        std::fs::write(corr.join(format!("{kind}.csv")), format!("{header}\n")).unwrap();
    }
    let (spans, _) = validate::load_corrected(&data, None, &mujun::dataset::Keep::Rows).unwrap();
    let (one, changes) = validate::load_corrected(&data, Some(&corr), &mujun::dataset::Keep::Rows).unwrap();
    assert!(changes.is_empty());
    assert_eq!(spans.exceptions, one.exceptions);
    assert!(spans.exceptions.iter().any(|e| e.reason.starts_with("duplicate: ") && e.file == "output.csv"));
    assert!(spans.exceptions.iter().any(|e| e.reason.starts_with("duplicate enterprise_id")));
    let ids = |d: &mujun::dataset::Dataset| d.enterprises.iter().map(|e| (e.id.clone(), e.line)).collect::<Vec<_>>();
    assert_eq!(ids(&spans), ids(&one));
    let out = |d: &mujun::dataset::Dataset| {
        d.output.iter().map(|r| (r.enterprise(), r.quarter, r.line(), r.values())).collect::<Vec<_>>()
    };
    assert_eq!(out(&spans), out(&one));
    let tax = |d: &mujun::dataset::Dataset| {
        d.tax.iter().map(|r| (r.enterprise(), r.quarter, r.line(), r.tax_paid)).collect::<Vec<_>>()
    };
    assert_eq!(tax(&spans), tax(&one));
    let land = |d: &mujun::dataset::Dataset| {
        d.land.iter().map(|r| (r.enterprise(), r.parcel_id.clone(), r.line())).collect::<Vec<_>>()
    };
    assert_eq!(land(&spans), land(&one));
    for (a, b) in spans.accounts.iter().zip(&one.accounts) {
        assert_eq!((a.read, a.used, a.excepted), (b.read, b.used, b.excepted), "{}", a.file);
        assert_eq!(a.read, a.used + a.excepted, "{}", a.file);
    }
}
