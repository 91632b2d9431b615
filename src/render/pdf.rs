//! typst as a library: a small World that serves the template, one virtual JSON file with the report's
//! data (`/data.json`, read in the template with `json(...)`, never pasted into markup, so a name like
//! `#set page(...)` prints as text) and the charts drawn in memory (`/charts/<file>`); fonts come from the
//! one scan of the run. Nothing is read from disk here.

use super::fonts::Fonts;
use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::PathBuf;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

/// The template compiled into the binary (templates/report.typ); RenderOptions::template overrides it.
pub const TEMPLATE: &str = include_str!("../../templates/report.typ");

struct ReportWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a Fonts,
    main: Source,
    files: HashMap<FileId, Bytes>,
    /// Chart files by name (`class_by_county.svg`).
    charts: &'a HashMap<String, Bytes>,
    today: (i32, u8, u8),
}

fn id(path: &str) -> Result<FileId> {
    let vpath = VirtualPath::new(path).map_err(|e| Error::Internal(format!("virtual path {path}: {e:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        let path = id.get().vpath().get_with_slash().to_string();
        match path.strip_prefix("/charts/").and_then(|name| self.charts.get(name)) {
            Some(b) => Ok(b.clone()),
            None => Err(FileError::NotFound(PathBuf::from(path))),
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.today.0, self.today.1, self.today.2)
    }
}

/// Compiles the template with `data` as /data.json and returns the PDF bytes and the warnings that
/// are not about fonts. Font warnings (an unknown family, which typst prints as boxes) are errors.
pub fn compile(
    template: &str,
    data: &serde_json::Value,
    fonts: &Fonts,
    charts: &HashMap<String, Bytes>,
    today: (i32, u8, u8),
) -> Result<(Vec<u8>, Vec<String>)> {
    let main = Source::new(id("/report.typ")?, template.to_string());
    let json = serde_json::to_vec(data).map_err(|e| Error::Internal(e.to_string()))?;
    let files = HashMap::from([(id("/data.json")?, Bytes::new(json))]);
    let world = ReportWorld { library: LazyHash::new(Library::builder().build()), fonts, main, files, charts, today };
    let warned = typst::compile(&world);
    let mut warnings = Vec::new();
    for w in &warned.warnings {
        let text = describe(&world, w);
        if w.message.contains("font") {
            return Err(Error::Output(format!("typesetting the report: {text}; {}", super::fonts::FIX)));
        }
        warnings.push(text);
    }
    let doc = warned.output.map_err(|errs| {
        Error::Output(format!(
            "typesetting the report: {}",
            errs.iter().map(|e| describe(&world, e)).collect::<Vec<_>>().join("; ")
        ))
    })?;
    // Untagged: the structure tags of a long appendix made the city report several times larger.
    let options = typst_pdf::PdfOptions {
        creator: typst::foundations::Smart::Custom(Some(format!("mujun {}", crate::VERSION))),
        tagged: false,
        ..Default::default()
    };
    let pdf = typst_pdf::pdf(&doc, &options).map_err(|errs| {
        Error::Output(format!(
            "writing the PDF: {}",
            errs.iter().map(|e| describe(&world, e)).collect::<Vec<_>>().join("; ")
        ))
    })?;
    Ok((pdf, warnings))
}

/// "report.typ line 12: message (hint: …)" for a diagnostic, so a restyled template's mistakes are found.
fn describe(world: &ReportWorld, d: &SourceDiagnostic) -> String {
    let kind = if d.severity == Severity::Error { "error" } else { "warning" };
    let line =
        world.range(d.span).map(|r| world.main.text()[..r.start.min(world.main.text().len())].lines().count().max(1));
    let mut s = match line {
        Some(l) => format!("template line {l}: {kind}: {}", d.message),
        None => format!("{kind}: {}", d.message),
    };
    for h in &d.hints {
        s.push_str(&format!(" (hint: {})", h.v));
    }
    s
}

/// Today's date in China Standard Time (UTC+8, no daylight saving), for the cover.
pub fn today_cst() -> (i32, u8, u8) {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (y, m, d) = crate::dates::civil_from_days((secs + 8 * 3600).div_euclid(86_400));
    (y, m as u8, d as u8)
}
