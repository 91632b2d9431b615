//! `mujun compare`: the same data under two methodologies (or one with `--set` overrides) → both runs in
//! a/ and b/, the enterprises that change class and the class migration matrix.

use super::manifest::{self, Output};
use super::{evaluate, load, Ctx, OutArgs, PeriodArgs};
use crate::error::{Error, Result};
use crate::pipeline::{self, Options};
use crate::report::table;
use serde_json::{json, Map};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    data: PathBuf,
    /// Methodology A.
    #[arg(long)]
    method: PathBuf,
    /// Methodology B (default: A).
    #[arg(long)]
    method_b: Option<PathBuf>,
    /// Overrides applied to B, e.g. --set 'tracks[规上].indicators[tax_per_mu].weight=40'.
    #[arg(long = "set")]
    set: Vec<String>,
    #[command(flatten)]
    period: PeriodArgs,
    #[command(flatten)]
    out: OutArgs,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let period = a.period.parse()?;
    let out = &a.out.out;
    load::prepare_out_dir(out, &a.data, a.out.force)?;
    let opts = Options::for_period(period);
    let run_a = pipeline::evaluate(load::evaluation(&a.data, &a.method, &[], None, &opts)?, &opts)?;
    let method_b = a.method_b.as_deref().unwrap_or(&a.method);
    let run_b = pipeline::evaluate(load::evaluation(&a.data, method_b, &a.set, None, &opts)?, &opts)?;
    for (run, sub) in [(&run_a, "a"), (&run_b, "b")] {
        let dir = out.join(sub);
        load::prepare_out_dir(&dir, &a.data, a.out.force)?;
        evaluate::write(run, &dir, &[], cx)?;
    }
    let (matrix, changes) = crate::compare::compare(&run_a, &run_b);
    let io = |e: std::io::Error| Error::Output(e.to_string());
    let (mpath, cpath) = (out.join("migration.csv"), out.join("changes.csv"));
    table::write_csv(&mpath, &matrix).map_err(io)?;
    table::write_csv(&cpath, &changes).map_err(io)?;
    let method = |r: &pipeline::Run| json!({ "file": r.method.path.display().to_string(), "sha256": r.method.sha256 });
    let mut fields = Map::new();
    fields.insert("kind".into(), json!("compare"));
    fields.insert("period".into(), json!(run_a.period.label));
    fields.insert("methodology_a".into(), method(&run_a));
    fields.insert("methodology_b".into(), method(&run_b));
    fields.insert("overrides_b".into(), json!(a.set));
    fields.insert("class_changes".into(), json!(changes.rows.len()));
    manifest::write(out, fields, &cx.command_line, &[Output::new(mpath), Output::new(cpath)])?;
    cx.say(format!(
        "{} enterprises change class; see {}/changes.csv and migration.csv (runs in a/ and b/)",
        changes.rows.len(),
        out.display()
    ));
    Ok(0)
}
