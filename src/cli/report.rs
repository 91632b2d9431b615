//! `mujun report --run DIR`: charts and Chinese PDF reports from a finished run folder.

use super::Ctx;
use crate::error::Result;
use crate::render::{self, RenderOptions};
use std::path::PathBuf;

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
    let opts = RenderOptions { font: a.font.clone(), progress: !cx.quiet, ..Default::default() };
    cx.say(render::render_run(&a.run, &opts)?.describe());
    Ok(0)
}
