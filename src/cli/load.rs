//! Reading on a command's behalf: the methodology file (with what-if overrides), the dataset folder (with
//! a corrections folder), the files a methodology names, and the checks on an output folder.

use crate::error::{Error, Result};
use crate::ingest::{self, RawTable};
use crate::method::{self, Loaded, SideFiles};
use crate::pipeline::{Inputs, Options};
use crate::progress::Stage;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Reads and checks a methodology file, with what-if overrides (`path=value`) applied to its text.
pub fn method(path: &Path, overrides: &[String]) -> Result<Loaded> {
    let unreadable = |reason: String| method::MethodError::Unreadable { path: path.display().to_string(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let text = method::overrides::apply(&text, overrides)
        .map_err(|message| method::MethodError::Toml { path: path.display().to_string(), message })?;
    Ok(method::load_str(&text, path)?)
}

/// The folder holding a file (where the files it names are looked for after the data folder).
pub fn beside(file: &Path) -> PathBuf {
    file.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Reads a file a methodology or rules file names (`key` names it there) from the first of `dirs` that
/// holds it (the data folder, then the folder of the file that names it).
pub fn side_table(key: &str, name: &str, dirs: &[PathBuf]) -> Result<RawTable> {
    let path = dirs.iter().map(|d| d.join(name)).find(|p| p.is_file()).ok_or_else(|| {
        let places: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        Error::BadInput(format!("{key}: file '{name}' not found in {}", places.join(" or ")))
    })?;
    ingest::read(&path).map_err(|e| Error::BadInput(format!("{key}: {e}")))
}

/// Every file the methodology names, read.
pub fn side_files(method: &Loaded, data_dir: &Path) -> Result<SideFiles> {
    let mut side = SideFiles::default();
    for (key, name) in method.side_files() {
        if side.get(&name).is_none() {
            let t = side_table(&key, &name, &[data_dir.to_path_buf(), beside(&method.path)])?;
            side.insert(name, t);
        }
    }
    Ok(side)
}

/// Everything an evaluation reads: the methodology (with overrides), the dataset (with a corrections
/// folder applied; the output and tax rows folded into what `opts` needs) and the files the methodology
/// names, with the time each took.
pub fn evaluation(
    data_dir: &Path,
    method_path: &Path,
    overrides: &[String],
    corrections: Option<&Path>,
    opts: &Options,
) -> Result<Inputs> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let method = method(method_path, overrides)?;
    let side = side_files(&method, data_dir)?;
    timings.push(Stage::done("methodology", t));
    let t = Instant::now();
    let (data, corrections) = crate::validate::load_corrected(data_dir, corrections, &opts.keep(&method))?;
    timings.push(Stage::done("ingest and validate", t));
    Ok(Inputs { data, method, side, data_dir: data_dir.to_path_buf(), corrections, timings })
}

/// Checks that `out` may receive a run: not the data folder, and either new, empty, or an earlier run
/// (it holds a manifest.json) unless `force`; creates it.
pub fn prepare_out_dir(out: &Path, data_dir: &Path, force: bool) -> Result<()> {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if out.exists() && canon(out) == canon(data_dir) {
        return Err(Error::Output(format!(
            "refusing to write results into the data folder {}; choose another --out",
            out.display()
        )));
    }
    if out.is_dir() && !force {
        let non_empty = std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(false);
        if non_empty && !out.join("manifest.json").is_file() {
            return Err(Error::Output(format!(
                "{} is not empty and is not an earlier mujun run; choose another --out or add --force",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| Error::Output(format!("cannot create {}: {e}", out.display())))
}
