//! Every methodology preset in data/methods evaluates the committed sample city, so an analyst trying the
//! presets on the sample meets results, not an error (the files a preset names are in data/sample).

use crate::common::*;

#[test]
fn every_preset_evaluates_the_sample() {
    let dir = repo("data/methods");
    let mut tried = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Monitoring and standard-land rules are not methodologies.
        if path.extension().is_none_or(|e| e != "toml") || name == "monitor_default" || name == "standard_land_default"
        {
            continue;
        }
        let out = tempfile::tempdir().unwrap();
        evaluate(&repo("data/sample"), &path, "2025", out.path());
        let rows = read_rows(&out.path().join("enterprises.csv"));
        let graded = rows.iter().filter(|r| r["status"] == "graded").count();
        assert!(graded > 1000, "{name}: only {graded} of {} enterprises graded", rows.len());
        tried += 1;
    }
    assert_eq!(tried, 5, "the five methodology presets");
}
