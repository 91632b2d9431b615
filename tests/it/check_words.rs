//! `mujun check` reads every preset and worked example back in words, compared line for line with
//! tests/snapshots/check/<name>.txt: a change of wording is seen in review, not by a planner. After a
//! deliberate change, `MUJUN_BLESS=1 cargo test --release check_words` rewrites the snapshots.

use crate::common::*;

/// Words that mean a Rust name leaked into the text (`Some("B")`, `RatioOfSums by City`, `vetoes [] →`).
const INTERNAL: [&str; 8] = ["Some(", "None", "[]", "RatioOfSums", "ZeroPoints", "FullWeight", " by City", "Named"];

#[test]
fn check_reads_every_preset_and_example_in_words() {
    let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
    for d in std::fs::read_dir(repo("data/methods")).unwrap() {
        let p = d.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        // The monitoring and standard-land presets are read by their own commands.
        if !name.starts_with("monitor") && !name.starts_with("standard_land") {
            files.push((name, p));
        }
    }
    for w in ["w1_zj6", "w2_bench", "w3_quota", "w4_minmax"] {
        files.push((w.to_string(), repo(&format!("tests/golden/{w}/methodology.toml"))));
    }
    files.sort();
    let bless = std::env::var_os("MUJUN_BLESS").is_some();
    let mut changed = Vec::new();
    for (name, path) in &files {
        let o = mujun().args(["check", "--method"]).arg(path).output().unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        for w in INTERNAL {
            assert!(!text.contains(w), "{name}: check prints an internal name '{w}':\n{text}");
        }
        let snap = repo(&format!("tests/snapshots/check/{name}.txt"));
        if bless {
            std::fs::create_dir_all(snap.parent().unwrap()).unwrap();
            std::fs::write(&snap, &text).unwrap();
        } else if std::fs::read_to_string(&snap).ok().as_deref() != Some(text.as_str()) {
            changed.push(format!("--- {name} now reads:\n{text}"));
        }
    }
    assert!(
        changed.is_empty(),
        "check output differs from tests/snapshots/check (MUJUN_BLESS=1 to accept):\n{}",
        changed.join("\n")
    );
}
