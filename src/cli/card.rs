//! `mujun card --run DIR ID` and `mujun card --run DIR --county NAME`: enterprise cards (企业画像) from a
//! finished run folder. The run is evaluated again in memory from the inputs and methodology its
//! manifest.json records (refused when any of them changed since: their SHA-256 must match), because
//! "what it would take" scores the firm again; the result must match the run's enterprises.csv. Writes
//! the PDF, and beside it the "what it takes" table (.csv) and the cards (.json).

use super::{load, Ctx};
use crate::card::{self, Card};
use crate::error::{Error, Result};
use crate::period::{Period, Quarter};
use crate::pipeline::{self, Run};
use crate::render::card::{self as render_card, CardDoc};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The run folder (the --out of evaluate or demo).
    #[arg(long)]
    run: PathBuf,
    /// 统一社会信用代码 of the enterprise.
    #[arg(required_unless_present = "county", conflicts_with = "county")]
    enterprise_id: Option<String>,
    /// Every enterprise of this county, in one PDF (one card after the other).
    #[arg(long)]
    county: Option<String>,
    /// The PDF to write (default RUN/cards/<id>.pdf or RUN/cards/county_<name>.pdf); the .csv and
    /// .json are written beside it with the same name.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A font file with Chinese glyphs (default: the installed fonts, else the one built into mujun).
    #[arg(long, env = "MUJUN_FONT")]
    font: Option<PathBuf>,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let run = reevaluate(&a.run)?;
    let (which, subject, stem) = match (&a.enterprise_id, &a.county) {
        (Some(id), _) => {
            let i = find(&run, id, &a.run)?;
            (vec![i], run.data.enterprises[i].name.clone(), run.data.enterprises[i].id.to_string())
        }
        (None, Some(county)) => (county_firms(&run, county)?, county.clone(), format!("county_{county}")),
        (None, None) => return Err(Error::BadInput("give an enterprise id or --county".into())),
    };
    check_against_tables(&run, &which, &a.run)?;
    let cards = card::cards(&run, &which);
    let pdf_path = a.out.clone().unwrap_or_else(|| a.run.join("cards").join(format!("{}.pdf", file_part(&stem))));
    let title = &run.method.method.scheme.title;
    let title = if title.is_empty() { "亩均效益综合评价" } else { title.as_str() };
    let run_dir = a.run.display().to_string();
    let doc = CardDoc { title, subject: &subject, run_dir: &run_dir, date: None };
    let font = match &a.font {
        Some(p) => {
            Some((p.as_path(), std::fs::read(p).map_err(|e| Error::BadInput(format!("--font {}: {e}", p.display())))?))
        }
        None => None,
    };
    let (pdf, warnings) = render_card::pdf(&cards, &doc, font)?;
    write_outputs(&pdf_path, &pdf, &cards)?;
    warnings.iter().for_each(|w| eprintln!("mujun card: warning: {w}"));
    cx.say(summary(&cards, &pdf_path));
    Ok(0)
}

/// A name part safe in a file name (separators and control characters replaced).
fn file_part(s: &str) -> String {
    s.chars().map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '_' } else { c }).collect()
}

/// Writes the PDF and, beside it, the moves (.csv) and the cards (.json).
fn write_outputs(pdf_path: &Path, pdf: &[u8], cards: &[Card]) -> Result<()> {
    let out = |p: &Path, bytes: &[u8]| {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::Output(format!("{}: {e}", dir.display())))?;
        }
        crate::report::table::write_atomic(p, bytes).map_err(|e| Error::Output(format!("{}: {e}", p.display())))
    };
    let json = serde_json::to_vec_pretty(cards).map_err(|e| Error::Internal(e.to_string()))?;
    out(pdf_path, pdf)?;
    out(&pdf_path.with_extension("csv"), &crate::report::table::to_csv(&card::table::moves(cards)))?;
    out(&pdf_path.with_extension("json"), &json)
}

/// What the command prints: each card's result and moves (a county's: the count).
fn summary(cards: &[Card], pdf: &Path) -> String {
    let mut s = String::new();
    if let [c] = cards {
        let class = if c.class.is_empty() { "—" } else { c.class.as_str() };
        s.push_str(&format!("{} {}: {} {} {}\n", c.enterprise_id, c.name, c.status_zh, c.total, class));
        if c.takes.applies {
            s.push_str(&format!("升至 {} 类: {}\n", c.takes.target_class, c.takes.rule));
            for m in &c.takes.moves {
                s.push_str(&format!("  {}: {}\n", m.indicator_zh, m.words));
            }
        }
        if !c.takes.note.is_empty() {
            s.push_str(&format!("{}\n", c.takes.note));
        }
    } else {
        s.push_str(&format!("{} cards\n", cards.len()));
    }
    s.push_str(&format!("wrote {} (and .csv, .json beside it)", pdf.display()));
    s
}

/// The index of the enterprise `id` in the run.
fn find(run: &Run, id: &str, dir: &Path) -> Result<usize> {
    let want = crate::ids::normalize(id);
    run.data.enterprises.iter().position(|e| e.id == want).ok_or_else(|| {
        Error::BadInput(format!("enterprise {id} is not in the run {} (see its enterprises.csv)", dir.display()))
    })
}

/// The firms of a county, in the order of enterprises.csv.
fn county_firms(run: &Run, county: &str) -> Result<Vec<usize>> {
    let which: Vec<usize> = crate::report::enterprises::row_order(run)
        .into_iter()
        .filter(|&i| run.data.enterprises[i].county == county)
        .collect();
    if which.is_empty() {
        let mut all: Vec<&str> = run.data.enterprises.iter().map(|e| e.county.as_str()).collect();
        all.sort_unstable();
        all.dedup();
        return Err(Error::BadInput(format!(
            "--county {county}: no enterprise of the run is in it (counties: {})",
            all.join(", ")
        )));
    }
    Ok(which)
}

/// The run folder's manifest.json, read.
fn manifest(dir: &Path) -> Result<Value> {
    let path = dir.join("manifest.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::BadInput(format!("{}: {e} (give the --out folder of mujun evaluate or demo)", path.display()))
    })?;
    serde_json::from_str(&text).map_err(|e| Error::BadInput(format!("{}: not a mujun manifest: {e}", path.display())))
}

/// A text field of the manifest the card cannot do without.
fn field<'a>(m: &'a Value, pointer: &str, dir: &Path) -> Result<&'a str> {
    m.pointer(pointer).and_then(Value::as_str).ok_or_else(|| {
        Error::BadInput(format!(
            "{}: no {pointer}; card works on the folder of mujun evaluate (or demo)",
            dir.join("manifest.json").display()
        ))
    })
}

/// The run evaluated again from the inputs, methodology and period its manifest records, each input
/// checked against its recorded SHA-256 first.
fn reevaluate(dir: &Path) -> Result<Run> {
    let m = manifest(dir)?;
    let data_dir = PathBuf::from(field(&m, "/data_dir", dir)?);
    let method_path = PathBuf::from(field(&m, "/methodology/file", dir)?);
    let method_sha = field(&m, "/methodology/sha256", dir)?;
    for (what, path, found) in
        [("data folder", &data_dir, data_dir.is_dir()), ("methodology", &method_path, method_path.is_file())]
    {
        if !found {
            return Err(Error::BadInput(format!(
                "the run's {what} {} (as its manifest.json records it) is not found from the current folder; run mujun card from the folder mujun evaluate ran in",
                path.display()
            )));
        }
    }
    let changed = |what: &str, path: &Path, now: &str, then: &str| {
        Error::BadInput(format!(
            "{what} {} changed since the run (SHA-256 {now}, the run's manifest.json says {then}); evaluate again before making cards",
            path.display()
        ))
    };
    let inputs = m["inputs"].as_array().cloned().unwrap_or_default();
    for i in &inputs {
        let (Some(file), Some(want)) = (i["file"].as_str(), i["sha256"].as_str()) else { continue };
        let path = data_dir.join(file);
        let now = crate::digest::of_file(&path).map_err(|e| {
            Error::BadInput(format!(
                "input {} of the run cannot be read: {e} (card re-evaluates the run from its inputs)",
                path.display()
            ))
        })?;
        if now != want {
            return Err(changed("input", &path, &now, want));
        }
    }
    let corrections = corrections_dir(&m);
    // A card explains its firm whatever the run's size.
    let opts = pipeline::Options { explain_all: true, ..pipeline::Options::for_period(period(&m, dir)?) };
    let loaded = load::evaluation(&data_dir, &method_path, &[], corrections.as_deref(), &opts)?;
    if loaded.method.sha256 != method_sha {
        return Err(changed("methodology", &method_path, &loaded.method.sha256, method_sha));
    }
    let files_now: Vec<&str> = loaded.data.accounts.iter().map(|a| a.file.as_str()).collect();
    let files_then: Vec<&str> = inputs.iter().filter_map(|i| i["file"].as_str()).collect();
    if files_now != files_then {
        return Err(Error::BadInput(format!(
            "the data folder {} now holds the inputs {} but the run read {}; evaluate again before making cards",
            data_dir.display(),
            files_now.join(", "),
            files_then.join(", ")
        )));
    }
    for s in m["side_files"].as_array().into_iter().flatten() {
        let (Some(name), Some(want)) = (s["file"].as_str(), s["sha256"].as_str()) else { continue };
        if let Some(t) = loaded.side.get(name).filter(|t| t.sha256 != want) {
            return Err(changed("file", Path::new(name), &t.sha256, want));
        }
    }
    pipeline::evaluate(loaded, &opts)
}

/// The period of the run: its label and quarters as the manifest lists them.
fn period(m: &Value, dir: &Path) -> Result<Period> {
    let label = field(m, "/period", dir)?.to_string();
    let quarters: Option<Vec<Quarter>> =
        m["quarters"].as_array().map(|qs| qs.iter().filter_map(|q| q.as_str().and_then(Quarter::parse)).collect());
    match quarters {
        Some(quarters) if !quarters.is_empty() => Ok(Period { label, quarters }),
        _ => Err(Error::BadInput(format!("{}: no quarters of the period", dir.join("manifest.json").display()))),
    }
}

/// The corrections folder the run applied (`--corrections DIR` on its command line), if any.
fn corrections_dir(m: &Value) -> Option<PathBuf> {
    let command = m["command"].as_str()?;
    let mut words = command.split_whitespace();
    while let Some(w) = words.next() {
        if w == "--corrections" {
            return words.next().map(PathBuf::from);
        }
        if let Some(dir) = w.strip_prefix("--corrections=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// The firms' totals and classes evaluated again must be those of the run's enterprises.csv.
fn check_against_tables(run: &Run, which: &[usize], dir: &Path) -> Result<()> {
    let path = dir.join("enterprises.csv");
    let bytes = std::fs::read(&path).map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))?;
    let csv = crate::render::run_data::Csv::parse(path.clone(), &bytes)?;
    let (id, total, class) = (csv.need("enterprise_id")?, csv.need("total")?, csv.need("class")?);
    let rows: std::collections::HashMap<&str, &Vec<String>> = csv.rows.iter().map(|r| (r[id].as_str(), r)).collect();
    for &i in which {
        let (e, s) = (&run.data.enterprises[i], &run.scored[i]);
        let Some(row) = rows.get(e.id.as_str()) else {
            return Err(Error::BadInput(format!("{}: enterprise {} is not listed", path.display(), e.id)));
        };
        if row[total] != s.total_text.as_str() || row[class] != s.class.as_str() {
            return Err(Error::BadInput(format!(
                "{}: enterprise {} has total {} class {} but evaluating the run's inputs again gives {} {} (a run of another mujun version?); evaluate again before making cards",
                path.display(), e.id, row[total], row[class], s.total_text, s.class
            )));
        }
    }
    Ok(())
}
