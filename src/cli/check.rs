//! `mujun check --method FILE`: the methodology checked and read back in words.

use super::{load, Ctx};
use crate::error::Result;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long)]
    method: PathBuf,
}

pub fn run(a: &Args, cx: &Ctx) -> Result<u8> {
    let loaded = load::method(&a.method, &[])?;
    cx.say(crate::method::describe(&loaded).text());
    Ok(0)
}
