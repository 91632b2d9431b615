//! `mujun demo`: the committed sample city under the default preset, into reports/demo: the evaluation,
//! quarterly monitoring (the year's last quarter against a year earlier), the standard-land projects
//! checked at mid-year, and the charts and PDF reports.

use super::{evaluate, load, monitor, projects, report, Ctx, MonitorArgs, ProjectsArgs};
use crate::error::{Error, Result};
use crate::period::{Basis, Period};
use crate::pipeline::{self, Options};
use crate::render::RenderOptions;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "2025")]
    period: String,
}

/// The repository folder holding the sample: the current folder, or the one mujun was built from.
fn root() -> Result<PathBuf> {
    let roots = [PathBuf::from("."), PathBuf::from(env!("CARGO_MANIFEST_DIR"))];
    let found = roots.iter().find(|r| {
        r.join("data/sample/enterprises.csv").is_file() && r.join("data/methods/ankang_default.toml").is_file()
    });
    found.cloned().ok_or_else(|| {
        Error::BadInput(
            "demo needs data/sample and data/methods/ankang_default.toml: run it from the mujun folder".into(),
        )
    })
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let root = root()?;
    let (data, method) = (root.join("data/sample"), root.join("data/methods/ankang_default.toml"));
    let out = PathBuf::from("reports/demo");
    let period = Period::parse(&a.period, Basis::Rolling4).map_err(Error::BadInput)?;
    let year = period.year();
    load::prepare_out_dir(&out, &data, false)?;
    let opts = Options::for_period(period);
    let run = pipeline::evaluate(load::evaluation(&data, &method, &[], None, &opts)?, &opts)?;
    evaluate::write(&run, &out, &[], cx)?;
    cx.say(evaluate::summary(&run, &out));
    drop(run);
    let mut m = MonitorArgs::new(&data, &method, &format!("{year}Q4"), &format!("{}Q4", year - 1), out.join("monitor"));
    m.targets = Some(data.join("targets.csv")).filter(|t| t.is_file());
    cx.say(format!("\n{}", monitor::run(&m, cx)?));
    let p = ProjectsArgs {
        data: root.join("data/sample_projects"),
        rules: root.join("data/methods/standard_land_default.toml"),
        as_of: format!("{year}-06-30"),
        out: out.join("projects"),
        force: false,
    };
    cx.say(format!("\n{}", projects::run(&p, cx)?));
    let opts = RenderOptions { progress: !cx.quiet, ..Default::default() };
    cx.say(format!("\n{}", report::render_folder(&out, &opts, None, None)?.describe()));
    Ok(0)
}
