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

/// A bureau's own words (`select_zh`, a rule's `zh`) replace the words made from the expression.
#[test]
fn a_bureaus_own_words_replace_the_generated_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let method = tmp.path().join("m.toml");
    let text = r#"
[scheme]
name = "words"
[[tracks]]
name = "规上"
select = "scale == '规上'"
select_zh = "规模以上工业企业"
[[tracks.undetermined]]
rule = "production_start > date(year - 2, 12, 31)"
reason = "T: 投产不满两年"
zh = "评价年度前两年内投产"
[[tracks.scope]]
rule = "land >= 3"
reason = "不在评价范围"
[[tracks.indicators]]
key = "tax_per_mu"
num = "tax"
den = "land"
weight = 100
benchmark = 10
[tracks.classes]
method = "thresholds"
thresholds = [90, 70, 50]
"#;
    std::fs::write(&method, text).unwrap();
    let o = mujun().args(["check", "--method"]).arg(&method).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("评价序列 track 规上: 适用于 规模以上工业企业\n"), "{out}");
    assert!(out.contains("不定等级 undetermined: 若 评价年度前两年内投产 则定为 T"), "{out}");
    // Without zh, the words come from the expression.
    assert!(out.contains("评价范围 scope: 须 用地面积 ≥ 3"), "{out}");
}
