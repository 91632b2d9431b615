//! `files.toml`: optional settings per input kind, beside the data files, for when the layout stage's
//! detection is not right (docs/data-format.md, "Spreadsheet shapes"). Without the file everything is
//! detected.
//!
//! ```toml
//! [output]
//! file = "2025年经济指标.xlsx"   # the file, when it is not named after its kind
//! sheets = ["汉滨区", "汉阴县"]   # the sheets to read, stacked in this order
//! header_row = 3                # the header's row (sheet row or CSV line); a two-row header: its first row
//! header_rows = 2               # 1 or 2
//! layout = "cumulative"         # auto | long | quarterly | cumulative
//! year = 2025                   # the year of quarter columns that do not say it (一季度 …)
//! ```

use crate::ingest::FileKind;
use serde::Deserialize;
use std::path::Path;

/// The settings file's name in a data folder.
pub const FILE_NAME: &str = "files.toml";

/// How the value columns of an output or tax file are laid out.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Detected from the headers.
    #[default]
    Auto,
    /// One row per enterprise and quarter with a period column (the canonical format); no detection.
    Long,
    /// One column per quarter (一季度营业收入 … 四季度营业收入).
    Quarterly,
    /// Year-to-date figures (本年累计 1–3月, 1–6月 …), also when headed by quarter (一季度 … 四季度).
    Cumulative,
}

/// The settings of one kind's file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub file: Option<String>,
    #[serde(default)]
    pub sheets: Vec<String>,
    pub header_row: Option<usize>,
    pub header_rows: Option<u8>,
    #[serde(default)]
    pub layout: Layout,
    pub year: Option<i32>,
}

impl FileSettings {
    /// The settings in words, for the summary (`None` when nothing is set).
    pub fn describe(&self) -> Option<String> {
        let mut s = Vec::new();
        if let Some(f) = &self.file {
            s.push(format!("file = {f}"));
        }
        if !self.sheets.is_empty() {
            s.push(format!("sheets = {}", self.sheets.join(", ")));
        }
        if let Some(r) = self.header_row {
            s.push(format!("header_row = {r}"));
        }
        if let Some(r) = self.header_rows {
            s.push(format!("header_rows = {r}"));
        }
        if self.layout != Layout::Auto {
            s.push(format!("layout = {:?}", self.layout).to_lowercase());
        }
        if let Some(y) = self.year {
            s.push(format!("year = {y}"));
        }
        (!s.is_empty()).then(|| format!("settings from {FILE_NAME}: {}", s.join("; ")))
    }

    fn check(&self, kind: FileKind) -> Result<(), String> {
        let bad = |what: &str| Err(format!("[{kind}] {what}"));
        if self.header_rows.is_some_and(|r| !(1..=2).contains(&r)) {
            return bad("header_rows must be 1 or 2");
        }
        if self.header_row == Some(0) {
            return bad("header_row counts from 1 (the first row of the sheet or file)");
        }
        if self.year.is_some_and(|y| !(1900..=2200).contains(&y)) {
            return bad("year must be a year such as 2025");
        }
        Ok(())
    }
}

static NONE: FileSettings = FileSettings {
    file: None,
    sheets: Vec::new(),
    header_row: None,
    header_rows: None,
    layout: Layout::Auto,
    year: None,
};

/// The settings of every kind (all detected when the file is absent).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    enterprises: FileSettings,
    #[serde(default)]
    land: FileSettings,
    #[serde(default)]
    output: FileSettings,
    #[serde(default)]
    tax: FileSettings,
    #[serde(default)]
    events: FileSettings,
}

impl Settings {
    /// Reads `files.toml` in `dir`, if there is one (the file is read by ingest, like every input).
    pub fn load(dir: &Path) -> Result<Settings, String> {
        match crate::ingest::read_text(&dir.join(FILE_NAME)).map_err(|e| e.to_string())? {
            Some(text) => Settings::parse(&text),
            None => Ok(Settings::default()),
        }
    }

    /// The settings written in `text` (a `files.toml`), each kind's checked.
    pub fn parse(text: &str) -> Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.to_string())?;
        for kind in FileKind::DATASET {
            s.of(kind).check(kind)?;
        }
        Ok(s)
    }

    pub fn of(&self, kind: FileKind) -> &FileSettings {
        match kind {
            FileKind::Enterprises => &self.enterprises,
            FileKind::Land => &self.land,
            FileKind::Output => &self.output,
            FileKind::Tax => &self.tax,
            FileKind::Events => &self.events,
            // Standard land's files are read on their own (`standard_land::input`).
            FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => &NONE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_read_and_checked() {
        let s: Settings =
            toml::from_str("[output]\nsheets = [\"汉滨区\"]\nlayout = \"cumulative\"\nyear = 2025\n").unwrap();
        let o = s.of(FileKind::Output);
        assert_eq!((o.layout, o.year), (Layout::Cumulative, Some(2025)));
        assert_eq!(
            o.describe().unwrap(),
            "settings from files.toml: sheets = 汉滨区; layout = cumulative; year = 2025"
        );
        assert!(s.of(FileKind::Land).describe().is_none());
        assert!(toml::from_str::<Settings>("[output]\nlayot = \"long\"\n").is_err());
        let bad: Settings = toml::from_str("[tax]\nheader_rows = 3\n").unwrap();
        assert_eq!(bad.of(FileKind::Tax).check(FileKind::Tax).unwrap_err(), "[tax] header_rows must be 1 or 2");
    }
}
