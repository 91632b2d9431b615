//! Fonts for the charts and the PDFs, found once per run. Lookup order: `--font FILE`, then the fonts
//! installed on the system (typst-kit's scan, which also names the file the charts draw with), else an
//! error that names the fix. typst only *warns* about a missing font and prints boxes (tofu), so the
//! choice is made and checked here, before anything is drawn.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::FontStore;

/// What the user is told when no font with Chinese glyphs can be found.
pub const FIX: &str = "install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk) or pass --font FILE (a .ttf, .otf or .ttc with Chinese glyphs)";

/// Characters every report prints: a font must have all of them to be chosen.
const PROBE: &str = "亩均效益综合评价汉滨区旬阳市县企业税收等级";

/// The fonts of one run: typst's store (all faces found) and the choices made from it.
pub struct Fonts {
    pub store: FontStore,
    /// Family lists for the template: body text (serif first when one exists) and headings/tables (sans).
    pub body: Vec<String>,
    pub sans: Vec<String>,
    /// The family the charts are drawn with (also named in the SVG files).
    pub chart_family: String,
    /// The face the charts are drawn with, as bytes plotters can hold for the rest of the process.
    pub chart_face: &'static [u8],
    /// Where the chart face came from, for the summary ("/usr/share/fonts/…/NotoSansCJK-Regular.ttc #2").
    pub chart_source: String,
}

/// A face that has every probe character, with where it lives.
struct Candidate {
    info: FontInfo,
    path: PathBuf,
    index: u32,
}

impl Fonts {
    /// Scans the system fonts once and adds `user_font` (all its faces) in front of them.
    pub fn load(user_font: Option<&Path>) -> Result<Fonts> {
        let mut store = FontStore::new();
        let mut user: Vec<Candidate> = Vec::new();
        if let Some(path) = user_font {
            let data = std::fs::read(path).map_err(|e| Error::BadInput(format!("--font {}: {e}", path.display())))?;
            let faces: Vec<Font> = Font::iter(Bytes::new(data)).collect();
            if faces.is_empty() {
                return Err(Error::BadInput(format!(
                    "--font {}: not a font file (.ttf, .otf or .ttc)",
                    path.display()
                )));
            }
            for f in faces {
                if covers(f.info()) {
                    user.push(Candidate { info: f.info().clone(), path: path.to_path_buf(), index: f.index() });
                }
                let info = f.info().clone();
                store.push((f, info));
            }
            if user.is_empty() {
                return Err(Error::BadInput(format!(
                    "--font {}: the font has no Chinese glyphs (it lacks some of {PROBE}); {FIX}",
                    path.display()
                )));
            }
        }
        let mut system: Vec<Candidate> = Vec::new();
        for (fp, info) in typst_kit::fonts::system() {
            if covers(&info) {
                system.push(Candidate { info: info.clone(), path: fp.path.clone(), index: fp.index });
            }
            store.push((fp, info));
        }
        let chosen = match user.iter().min_by_key(|c| preference(&c.info)) {
            Some(c) => c,
            None => system
                .iter()
                .min_by_key(|c| preference(&c.info))
                .ok_or_else(|| Error::BadInput(format!("no font with Chinese glyphs found on this system: {FIX}")))?,
        };
        let sans_family = chosen.info.family.clone();
        // Body text in a serif (宋体-like) face when the user gave no font and one is installed.
        let serif = system
            .iter()
            .filter(|c| c.info.family.contains("Serif") || c.info.family.contains("Song"))
            .min_by_key(|c| preference(&c.info));
        let body_family = match (user.is_empty(), serif) {
            (true, Some(s)) => s.info.family.clone(),
            _ => sans_family.clone(),
        };
        let mut others: Vec<String> = system.iter().chain(user.iter()).map(|c| c.info.family.clone()).collect();
        others.sort_by_key(|f| family_rank(f));
        others.dedup();
        let list = |first: &str| {
            let mut v = vec![first.to_string()];
            v.extend(others.iter().filter(|f| *f != first).cloned());
            v
        };
        let chart_face = chart_bytes(&chosen.path, chosen.index)?;
        Ok(Fonts {
            store,
            body: list(&body_family),
            sans: list(&sans_family),
            chart_family: sans_family,
            chart_face,
            chart_source: format!("{} #{}", chosen.path.display(), chosen.index),
        })
    }

    /// Characters of `text` that no font found has a glyph for (they would print as boxes).
    pub fn missing_glyphs(&self, text: &str) -> Vec<char> {
        let book = self.store.book();
        let mut seen: Vec<char> = Vec::new();
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || seen.contains(&c) {
                continue;
            }
            let any = (0..).map_while(|i| book.info(i)).any(|info| info.coverage.contains(c as u32));
            if !any {
                seen.push(c);
            }
        }
        seen
    }
}

fn covers(info: &FontInfo) -> bool {
    PROBE.chars().all(|c| info.coverage.contains(c as u32))
}

/// Simplified-Chinese families first (Noto CJK SC, Source Han SC), then any other; a regular upright face.
fn preference(info: &FontInfo) -> (u8, u16, u8) {
    let weight = info.variant.weight.to_number();
    let italic = u8::from(info.variant.style != typst::text::FontStyle::Normal);
    (family_rank(&info.family), weight.abs_diff(400), italic)
}

fn family_rank(family: &str) -> u8 {
    let f = family.to_ascii_lowercase();
    let simplified = f.ends_with(" sc")
        || f.contains(" sc ")
        || f.ends_with(" cn")
        || f.contains("hans")
        || f.contains("wenquanyi")
        || f.contains("song");
    match () {
        _ if f == "noto sans cjk sc" => 0,
        _ if f == "source han sans sc" || f == "source han sans cn" => 1,
        _ if f.contains("sans") && simplified => 2,
        _ if simplified => 3,
        _ if f.contains("cjk") => 4,
        _ => 5,
    }
}

/// Faces loaded for the charts, by file and face number.
type FaceCache = Mutex<HashMap<(PathBuf, u32), &'static [u8]>>;

/// The bytes of one face for plotters, which always reads face 0 of what it is given. For face `i` of a
/// collection (.ttc), the header is rewritten to list only that face: table offsets in a collection count
/// from the start of the file, so nothing else moves. Loaded once per face per process.
fn chart_bytes(path: &Path, index: u32) -> Result<&'static [u8]> {
    static CACHE: OnceLock<FaceCache> = OnceLock::new();
    let mut cache =
        CACHE.get_or_init(Default::default).lock().map_err(|_| Error::Internal("font cache poisoned".into()))?;
    if let Some(b) = cache.get(&(path.to_path_buf(), index)) {
        return Ok(b);
    }
    let mut data = std::fs::read(path).map_err(|e| Error::BadInput(format!("font {}: {e}", path.display())))?;
    if index > 0 {
        select_face(&mut data, index).ok_or_else(|| {
            Error::BadInput(format!("font {}: face {index} not found in the collection", path.display()))
        })?;
    }
    let bytes: &'static [u8] = Box::leak(data.into_boxed_slice());
    cache.insert((path.to_path_buf(), index), bytes);
    Ok(bytes)
}

/// Makes face `index` of a TrueType/OpenType collection its only (first) face.
fn select_face(data: &mut [u8], index: u32) -> Option<()> {
    if data.get(0..4)? != b"ttcf" {
        return None;
    }
    let be = |d: &[u8], at: usize| d.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    let count = be(data, 8)?;
    if index >= count {
        return None;
    }
    let offset = be(data, 12 + 4 * index as usize)?;
    data[8..12].copy_from_slice(&1u32.to_be_bytes());
    data[12..16].copy_from_slice(&offset.to_be_bytes());
    Some(())
}

/// Registers the chart face with plotters under its family name (named in SVG files) and as
/// "sans-serif" (what plotters uses for axis labels by default).
pub fn register_for_charts(fonts: &Fonts) -> Result<()> {
    use plotters::style::{register_font, FontStyle};
    for name in [fonts.chart_family.as_str(), "sans-serif"] {
        register_font(name, FontStyle::Normal, fonts.chart_face)
            .map_err(|_| Error::BadInput(format!("the chart font {} cannot be read; {FIX}", fonts.chart_source)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selecting_a_face_rewrites_only_the_collection_header() {
        let mut d =
            b"ttcf\x00\x01\x00\x00\x00\x00\x00\x03\x00\x00\x00\x18\x00\x00\x01\x00\x00\x00\x02\x00rest".to_vec();
        let tail = d[24..].to_vec();
        select_face(&mut d, 2).unwrap();
        assert_eq!(&d[8..16], b"\x00\x00\x00\x01\x00\x00\x02\x00");
        assert_eq!(&d[24..], &tail[..]);
        assert!(select_face(&mut d.clone(), 3).is_none());
        assert!(select_face(&mut b"OTTO\0\0\0\0".to_vec(), 1).is_none());
    }

    #[test]
    fn simplified_chinese_families_are_preferred() {
        assert!(family_rank("Noto Sans CJK SC") < family_rank("Noto Sans CJK JP"));
        assert!(family_rank("Noto Serif CJK SC") < family_rank("Noto Sans CJK JP"));
        assert!(family_rank("WenQuanYi Zen Hei") < family_rank("DejaVu Sans"));
    }
}
