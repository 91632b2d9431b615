//! `mujun report --run DIR`: charts and Chinese PDF reports from a finished run folder. Reads the folder's
//! files, the `--font` file and a template for `render::render`, and writes what it returns.

use super::Ctx;
use crate::error::{Error, Result};
use crate::render::{self, RenderOptions, RenderSummary, Sources};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The run folder (the --out of evaluate); writes RUN/report/*.pdf and RUN/report/charts/.
    #[arg(long)]
    run: PathBuf,
    /// A font file with Chinese glyphs (.ttf, .otf, .ttc); default: the installed fonts (Noto CJK
    /// first), else the font built into mujun.
    #[arg(long, env = "MUJUN_FONT")]
    font: Option<PathBuf>,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let opts = RenderOptions { progress: !cx.quiet, ..Default::default() };
    cx.say(render_folder(&a.run, &opts, a.font.as_deref(), None)?.describe());
    Ok(0)
}

/// Renders the run folder `dir` into `dir/report/`, with the `--font` file and a template file if given.
pub fn render_folder(
    dir: &Path,
    opts: &RenderOptions,
    font: Option<&Path>,
    template: Option<&Path>,
) -> Result<RenderSummary> {
    if !dir.is_dir() {
        return Err(Error::BadInput(format!(
            "--run {}: not a folder (give the --out folder of mujun evaluate)",
            dir.display()
        )));
    }
    let font = match font {
        Some(p) => Some((p, std::fs::read(p).map_err(|e| Error::BadInput(format!("--font {}: {e}", p.display())))?)),
        None => None,
    };
    let template = match template {
        Some(p) => {
            Some(std::fs::read_to_string(p).map_err(|e| Error::BadInput(format!("template {}: {e}", p.display())))?)
        }
        None => None,
    };
    let files = |name: &str| -> std::result::Result<Option<Vec<u8>>, String> {
        match std::fs::read(dir.join(name)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    };
    let rendered = render::render(&files, dir, Sources { font, template }, opts)?;
    let charts = dir.join("report/charts");
    std::fs::create_dir_all(&charts).map_err(|e| Error::Output(format!("{}: {e}", charts.display())))?;
    for (name, bytes) in &rendered.files {
        let path = dir.join(name);
        crate::report::table::write_atomic(&path, bytes)
            .map_err(|e| Error::Output(format!("{}: {e}", path.display())))?;
    }
    Ok(rendered.summary)
}
