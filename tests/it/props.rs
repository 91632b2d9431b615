//! Property tests (proptest): the parsers and formatters never panic on any input and round-trip valid
//! values. Each property runs 256 cases by default (fast in CI); `PROPTEST_CASES=100000 cargo test
//! --release --test it props` runs long searches (docs/reliability.md).

use mujun::validate::numbers::{self, AREA_UNITS, MONEY_UNITS, NO_UNITS};
use mujun::{dates, decimal, ids, ingest, method, period, report};
use proptest::prelude::*;
use std::path::Path;

/// 256 cases unless PROPTEST_CASES says otherwise.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

/// Strings made of the characters bureau cells are made of, so that random strings reach deep into the
/// parsers (digits, signs, separators, units, full-width forms, Chinese, quotes, control characters).
fn cell_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "0",
        "1",
        "5",
        "9",
        "12",
        "3.5",
        ".",
        ",",
        "-",
        "+",
        "e",
        "E",
        "%",
        " ",
        "\t",
        "亩",
        "万元",
        "平方米",
        "公顷",
        "元",
        "１",
        "２",
        "．",
        "，",
        "－",
        "　",
        "Q",
        "q",
        "年",
        "月",
        "日",
        "第",
        "季度",
        "/",
        "NaN",
        "inf",
        "—",
        "\"",
        "'",
        "=",
        "@",
        "\r",
        "\n",
        "\u{0}",
        "\u{200b}",
        "\u{feff}",
        "E+17",
        "1e308",
        "1e-320",
        "ｅ",
        "∞",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

/// A decimal written from an integer mantissa and a scale: (text, mantissa, scale).
fn decimal_text() -> impl Strategy<Value = (String, i64, u32)> {
    (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=8).prop_map(|(m, k)| (spell(m, k), m, k))
}

/// `m / 10^k` spelled exactly in decimal.
fn spell(m: i64, k: u32) -> String {
    let body = spell_abs(m.unsigned_abs() as u128, k);
    if m < 0 {
        format!("-{body}")
    } else {
        body
    }
}

fn spell_abs(mag: u128, k: u32) -> String {
    let digits = mag.to_string();
    if k == 0 {
        return digits;
    }
    let padded = format!("{:0>width$}", digits, width = k as usize + 1);
    let (i, f) = padded.split_at(padded.len() - k as usize);
    format!("{i}.{f}")
}

/// Exact half-up (away from zero) rounding of `m / 10^k` to `p` places, spelled like `round_half_up_str`.
fn exact_half_up(m: i64, k: u32, p: u32) -> String {
    let mag = m.unsigned_abs() as u128;
    let rounded = if p >= k {
        mag * 10u128.pow(p - k)
    } else {
        let div = 10u128.pow(k - p);
        let (q, r) = (mag / div, mag % div);
        if 2 * r >= div {
            q + 1
        } else {
            q
        }
    };
    let s = spell_abs(rounded, p);
    if m < 0 && rounded != 0 {
        format!("-{s}")
    } else {
        s
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn number_parser_never_panics(s in any::<String>(), t in cell_text()) {
        for units in [NO_UNITS, MONEY_UNITS, AREA_UNITS] {
            let _ = numbers::parse(&s, units);
            let _ = numbers::parse(&t, units);
        }
    }

    #[test]
    fn number_parser_accepts_only_finite_bounded_values(t in cell_text()) {
        if let Ok(Some(v)) = numbers::parse(&t, AREA_UNITS) {
            prop_assert!(v.is_finite() && v.abs() <= numbers::MAX_ABS * 15.0, "{t:?} → {v}");
            prop_assert!(v == 0.0 || v.abs() >= numbers::MIN_ABS * numbers::MU_PER_M2, "{t:?} → {v}");
        }
    }

    #[test]
    fn number_parser_round_trips_plain_decimals((text, m, k) in decimal_text()) {
        let want: f64 = text.parse().unwrap();
        let got = numbers::parse(&text, NO_UNITS);
        if (want != 0.0 && want.abs() < numbers::MIN_ABS) || want.abs() > numbers::MAX_ABS {
            prop_assert!(got.is_err(), "{} → {:?}", text, got);
        } else {
            prop_assert_eq!(got, Ok(Some(want)), "{}", text);
            // The same value with thousands separators, full-width digits and a unit.
            if m.unsigned_abs() >= 1000 && k == 0 {
                let digits = m.unsigned_abs().to_string();
                let mut grouped = String::new();
                for (i, c) in digits.chars().enumerate() {
                    if i > 0 && (digits.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                let grouped = if m < 0 { format!("-{grouped}") } else { grouped };
                prop_assert_eq!(numbers::parse(&grouped, NO_UNITS), Ok(Some(want)), "{}", grouped);
            }
            let wide: String = text.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap() } else { c }).collect();
            prop_assert_eq!(numbers::parse(&wide, NO_UNITS), Ok(Some(want)), "{}", wide);
            prop_assert_eq!(numbers::parse(&format!("{text}万元"), MONEY_UNITS), Ok(Some(want)));
        }
    }

    #[test]
    fn date_parser_never_panics(s in any::<String>(), t in cell_text()) {
        let _ = dates::parse(&s);
        let _ = dates::parse(&t);
    }

    #[test]
    fn dates_round_trip(y in 1800i32..=2200, m in 1u32..=12, d in 1u32..=31) {
        match dates::from_parts(y, m, d) {
            Some(day) => {
                let text = dates::format(day);
                prop_assert_eq!(dates::parse(&text), Some(day));
                prop_assert_eq!(dates::parse(&format!("{y}/{m}/{d}")), Some(day));
                prop_assert_eq!(dates::parse(&format!("{y}年{m}月{d}日")), Some(day));
                prop_assert_eq!(dates::parse(&format!("{y:04}{m:02}{d:02}")), Some(day));
                prop_assert_eq!(dates::civil_from_days(day), (y, m, d));
            }
            // Only days past the month's end are refused.
            None => prop_assert!(d >= 29),
        }
    }

    #[test]
    fn period_parsers_never_panic(s in any::<String>(), t in cell_text()) {
        let _ = period::Quarter::parse(&s);
        let _ = period::Quarter::parse(&t);
        for basis in [period::Basis::Rolling4, period::Basis::Ytd] {
            let _ = period::Period::parse(&s, basis);
            let _ = period::Period::parse(&t, basis);
        }
    }

    #[test]
    fn quarters_round_trip(year in 1900i32..=2200, q in 1u8..=4) {
        let want = period::Quarter { year, q };
        for text in [format!("{year}Q{q}"), format!("{year}q{q}"), format!("{year}-Q{q}"), format!("{year}年第{q}季度"), format!("{year}年{q}季度")] {
            prop_assert_eq!(period::Quarter::parse(&text), Some(want), "{}", text);
        }
        prop_assert_eq!(period::Quarter::parse(&want.to_string()), Some(want));
        // A month is not a quarter.
        prop_assert_eq!(period::Quarter::parse(&format!("{year}-0{q}")), None);
        let p = period::Period::parse(&want.to_string(), period::Basis::Rolling4).unwrap();
        prop_assert_eq!(p.quarters.len(), 4);
        prop_assert_eq!(*p.quarters.last().unwrap(), want);
        prop_assert_eq!(period::Period::parse(&want.to_string(), period::Basis::Ytd).unwrap().quarters.len(), q as usize);
    }

    #[test]
    fn rounding_never_panics_and_never_prints_negative_zero(x in any::<f64>(), p in 0usize..=6) {
        let s = decimal::round_half_up_str(x, p);
        prop_assert_eq!(s.is_empty(), !x.is_finite());
        prop_assert!(!s.starts_with('-') || s.bytes().any(|b| (b'1'..=b'9').contains(&b)), "{x} → {s}");
        if x.is_finite() {
            prop_assert_eq!(s.split_once('.').map(|(_, f)| f.len()).unwrap_or(0), p, "{}", s);
            let back: f64 = s.parse().unwrap();
            prop_assert!((back - x).abs() <= 0.5 * 10f64.powi(-(p as i32)) * (1.0 + 1e-9) + x.abs() * 1e-15, "{x} → {s}");
        }
    }

    #[test]
    fn rounding_agrees_with_exact_decimal_half_up((text, m, k) in decimal_text(), p in 0u32..=4) {
        // Values with at most 15 significant digits: their shortest binary64 spelling is the text itself,
        // so half up on it must equal exact decimal half up computed with integers.
        let x: f64 = text.parse().unwrap();
        prop_assert_eq!(decimal::round_half_up_str(x, p as usize), exact_half_up(m, k, p), "{}", text);
    }

    #[test]
    fn methodology_loader_never_panics_on_random_text(s in any::<String>()) {
        let _ = method::load_str(&s, Path::new("random.toml"));
    }

    #[test]
    fn methodology_loader_never_panics_on_mutated_presets(
        which in 0usize..4,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..40, cell_text(), 0u8..4), 1..6),
    ) {
        let presets = [
            include_str!("../../data/methods/ankang_default.toml"),
            include_str!("../../data/methods/zhejiang_six.toml"),
            include_str!("../../data/methods/benchmark_formula.toml"),
            include_str!("../../tests/corpus/method.toml"),
        ];
        let mut text: Vec<char> = presets[which].chars().collect();
        for (at, len, insert, op) in edits {
            let i = at.index(text.len().max(1)).min(text.len());
            let j = (i + len).min(text.len());
            match op {
                0 => { text.drain(i..j); }
                1 => { text.splice(i..i, insert.chars()); }
                2 => { text.splice(i..j, insert.chars()); }
                _ => { let dup: Vec<char> = text[i..j].to_vec(); text.splice(j..j, dup); }
            }
        }
        let text: String = text.into_iter().collect();
        let _ = method::load_str(&text, Path::new("mutated.toml"));
    }

    #[test]
    fn csv_ingest_never_panics_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), text in prop::collection::vec(cell_text(), 0..30)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("land.csv");
        std::fs::write(&p, &bytes).unwrap();
        let _ = ingest::read(&p);
        // Text-like input: cells joined with commas and line breaks reach the CSV parser itself.
        let joined: String = text.iter().enumerate().map(|(i, c)| if i % 4 == 3 { format!("{c}\n") } else { format!("{c},") }).collect();
        std::fs::write(&p, joined.as_bytes()).unwrap();
        if let Ok(t) = ingest::read(&p) {
            prop_assert!(t.rows.iter().all(|r| r.line >= 1));
        }
    }

    #[test]
    fn xlsx_and_parquet_ingest_never_panic_on_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400), zip in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        // Half the cases start like a ZIP archive (an XLSX is one) so the reader gets past the first check.
        let mut b = if zip { b"PK\x03\x04".to_vec() } else { Vec::new() };
        b.extend_from_slice(&bytes);
        for name in ["land.xlsx", "land.parquet"] {
            let p = dir.path().join(name);
            std::fs::write(&p, &b).unwrap();
            let _ = ingest::read(&p);
        }
    }

    #[test]
    fn validation_accounts_for_every_row_of_random_tables(edits in prop::collection::vec((0usize..4, 0usize..20, 0usize..8, cell_text()), 1..10)) {
        // The corpus baseline with random cells overwritten (written with proper CSV quoting).
        let dir = tempfile::tempdir().unwrap();
        let files = ["enterprises.csv", "land.csv", "output.csv", "tax.csv"];
        for (f, file) in files.iter().enumerate() {
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/clean_baseline").join(file);
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_path(src).unwrap();
            let mut rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(String::from).collect()).collect();
            for (ef, er, ec, text) in &edits {
                if *ef == f {
                    let r = 1 + er % (rows.len() - 1);
                    let c = ec % rows[r].len();
                    rows[r][c] = text.clone();
                }
            }
            let mut w = csv::Writer::from_path(dir.path().join(file)).unwrap();
            rows.iter().for_each(|row| w.write_record(row).unwrap());
            w.flush().unwrap();
        }
        if let Ok(ds) = mujun::validate::load(dir.path()) {
            for a in &ds.accounts {
                prop_assert_eq!(a.read, a.used + a.excepted, "{}", a.file);
            }
            prop_assert!(ds.exceptions.iter().all(|e| !e.reason.is_empty() && !e.action.text().is_empty()));
            let used: usize = ds.accounts.iter().filter(|a| a.kind == mujun::schema::FileKind::Enterprises).map(|a| a.used).sum();
            prop_assert_eq!(used, ds.enterprises.len());
        }
    }

    #[test]
    fn id_checks_never_panic(s in any::<String>(), t in cell_text()) {
        for x in [&s, &t] {
            let _ = ids::id_problem(x);
            let _ = ids::id_problem(&ids::normalize(x));
        }
    }

    #[test]
    fn valid_ids_pass_and_one_changed_character_fails(stem in "[0-9A-HJ-NPQRTUWXY]{17}", pos in 0usize..17, sub in 0usize..31) {
        let id = ids::with_check(&stem).unwrap();
        prop_assert_eq!(ids::id_problem(&id), None);
        prop_assert_eq!(ids::normalize(&format!(" {} ", id.to_lowercase())), id.clone());
        let mut b = id.clone().into_bytes();
        let new = ids::ALPHABET[sub];
        if b[pos] != new {
            b[pos] = new;
            // GB 32100's weights detect every single-character substitution.
            prop_assert!(ids::id_problem(std::str::from_utf8(&b).unwrap()).is_some());
        }
    }

    #[test]
    fn formulas_are_always_neutralized(first in prop::sample::select(vec!['=', '+', '-', '@', '\t', '\r']), rest in any::<String>()) {
        let s = format!("{first}{rest}");
        let n = report::table::neutralize(&s);
        prop_assert_eq!(n, format!("'{s}"));
    }

    #[test]
    fn other_text_is_left_alone(s in any::<String>()) {
        let n = report::table::neutralize(&s);
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            prop_assert!(n.starts_with('\''));
        } else {
            prop_assert_eq!(n, s);
        }
    }

    #[test]
    fn safe_file_names_never_leave_the_folder(s in any::<String>(), t in cell_text()) {
        for name in [s, t, "../x".to_string(), "..".to_string()] {
            let f = report::safe_file_name(&name);
            prop_assert!(!f.is_empty() && !f.starts_with('.'));
            prop_assert!(!f.contains(['/', '\\', '\0']));
            let p = Path::new("out").join(format!("list_{f}.csv"));
            prop_assert_eq!(p.parent(), Some(Path::new("out")));
            prop_assert_eq!(p.components().count(), 2);
        }
    }
}
