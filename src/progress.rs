//! Progress of the long steps (rows read, the scoring stages, tables written), drawn on stderr only when
//! it is a terminal and the command was not given `--quiet`: logs, pipes and tests see nothing.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

static WANTED: AtomicBool = AtomicBool::new(false);

/// Turns progress on or off for this process (the command line's `--quiet` turns it off).
pub fn enable(on: bool) {
    WANTED.store(on, Ordering::Relaxed);
}

fn shown() -> bool {
    WANTED.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A counter of `unit` (e.g. rows) with its rate, for a step named `what`.
pub fn counter(what: &str, unit: &str) -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template(&format!("{{spinner}} {what}: {{human_pos}} {unit} ({{per_sec}}) {{elapsed}}"))
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// A spinner showing which step runs (its message is changed as the steps go).
pub fn steps() -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// One finished stage of a run, for the manifest: how long it took, and the process's peak resident memory
/// when it ended (what a province-scale run is sized by; `None` where the system does not say).
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: String,
    pub ms: f64,
    pub peak_mb: Option<u64>,
}

impl Stage {
    /// The stage `name`, started at `started`, ending now.
    pub fn done(name: &str, started: std::time::Instant) -> Stage {
        let ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
        Stage { name: name.to_string(), ms, peak_mb: peak_rss_mb() }
    }
}

/// The process's peak resident memory so far, in MB: the maximum resident set size the system keeps for
/// the process (`getrusage`, what `/usr/bin/time` reports as its maximum).
#[cfg(unix)]
pub fn peak_rss_mb() -> Option<u64> {
    // SAFETY: getrusage only writes the struct it is given, which is plain data and zeroed beforehand.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let max = u64::try_from(usage.ru_maxrss).ok()?;
    // Linux counts in kilobytes, macOS in bytes.
    let bytes = if cfg!(target_os = "macos") { max } else { max * 1024 };
    Some(bytes >> 20)
}

/// Not measured where the system has no `getrusage`.
#[cfg(not(unix))]
pub fn peak_rss_mb() -> Option<u64> {
    None
}
