//! Fonts for the charts and the PDFs, found once per run. Lookup order: `--font FILE`, then the fonts
//! installed on the system (typst-kit's scan, which also names the file the charts draw with), then the
//! font compiled into the binary (Noto Sans CJK SC subset to GB 2312, templates/fonts/README.md), so a
//! report never depends on what a machine has installed. typst only *warns* about a missing font and
//! prints boxes (tofu), so the choice is made and checked here, before anything is drawn.

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};
use typst_kit::fonts::FontStore;

/// What the user is told when a font given with `--font` cannot be used.
pub const FIX: &str = "pass --font FILE (a .ttf, .otf or .ttc with Chinese glyphs), or leave --font out to use the installed fonts or the one built into mujun";

/// Characters every report prints: a font must have all of them to be chosen.
const PROBE: &str = "亩均效益综合评价汉滨区旬阳市县企业税收等级";

/// Noto Sans CJK SC, regular and bold, subset to GB 2312 and Latin (SIL Open Font License 1.1;
/// templates/fonts/README.md says how they were made).
const SHIPPED: [&[u8]; 2] = [
    include_bytes!("../../templates/fonts/NotoSansSC-Regular-subset.otf"),
    include_bytes!("../../templates/fonts/NotoSansSC-Bold-subset.otf"),
];

/// The fonts of one run: typst's store (all faces found) and the choices made from it.
pub struct Fonts {
    pub store: FontStore,
    /// Family lists for the template: body text and headings/tables (the same sans-serif family first,
    /// for Chinese and Latin alike).
    pub body: Vec<String>,
    pub sans: Vec<String>,
    /// The family the charts are drawn with (also named in the SVG files).
    pub chart_family: String,
    /// The face the charts are drawn with, as bytes plotters can hold for the rest of the process.
    pub chart_face: &'static [u8],
    /// Where the chart face came from, for the summary ("/usr/share/fonts/…/NotoSansCJK-Regular.ttc #2").
    pub chart_source: String,
}

/// Where a face lives: a file (and its face number in a collection), or the binary itself.
enum Origin {
    File(PathBuf, u32),
    Shipped(&'static [u8]),
}

/// A face that has every probe character, with where it lives.
struct Candidate {
    info: FontInfo,
    origin: Origin,
}

impl Fonts {
    /// Scans the system fonts once and adds the user's font (`--font`: its path and bytes; all its faces)
    /// in front of them; with no face with Chinese glyphs among them, adds the shipped font.
    pub fn load(user_font: Option<(&Path, Vec<u8>)>) -> Result<Fonts> {
        let mut store = FontStore::new();
        let user = match user_font {
            Some((path, data)) => user_faces(path, data, &mut store)?,
            None => Vec::new(),
        };
        let mut system: Vec<Candidate> = Vec::new();
        for (fp, info) in typst_kit::fonts::system() {
            if covers(&info) {
                system.push(Candidate { info: info.clone(), origin: Origin::File(fp.path.clone(), fp.index) });
            }
            store.push((fp, info));
        }
        let mut shipped: Vec<Candidate> = Vec::new();
        if user.is_empty() && system.is_empty() {
            for data in SHIPPED {
                for f in Font::iter(Bytes::new(data)) {
                    let info = f.info().clone();
                    shipped.push(Candidate { info: info.clone(), origin: Origin::Shipped(data) });
                    store.push((f, info));
                }
            }
        }
        let chosen = best(&user)
            .or_else(|| best(&system))
            .or_else(|| best(&shipped))
            .ok_or_else(|| Error::Internal("the font built into mujun has no Chinese glyphs".into()))?;
        let family = chosen.info.family.clone();
        let mut others: Vec<String> =
            system.iter().chain(user.iter()).chain(shipped.iter()).map(|c| c.info.family.clone()).collect();
        others.sort_by_key(|f| family_rank(f));
        others.dedup();
        let mut list = vec![family.clone()];
        list.extend(others.into_iter().filter(|f| *f != family));
        let (chart_face, chart_source) = match &chosen.origin {
            Origin::File(path, index) => {
                (chart_bytes(&store, chosen, path, *index)?, format!("{} #{index}", path.display()))
            }
            Origin::Shipped(data) => (*data, format!("{family} (built into mujun)")),
        };
        Ok(Fonts { store, body: list.clone(), sans: list, chart_family: family, chart_face, chart_source })
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

/// Every face of the `--font` file, pushed into the store; those with Chinese glyphs are candidates.
fn user_faces(path: &Path, data: Vec<u8>, store: &mut FontStore) -> Result<Vec<Candidate>> {
    let faces: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    if faces.is_empty() {
        return Err(Error::BadInput(format!("--font {}: not a font file (.ttf, .otf or .ttc)", path.display())));
    }
    let mut user = Vec::new();
    for f in faces {
        if covers(f.info()) {
            user.push(Candidate { info: f.info().clone(), origin: Origin::File(path.to_path_buf(), f.index()) });
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
    Ok(user)
}

/// The preferred face of a list (see [`preference`]).
fn best(faces: &[Candidate]) -> Option<&Candidate> {
    faces.iter().min_by_key(|c| preference(&c.info))
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

/// The bytes of one face for plotters, which always reads face 0 of what it is given: the face is loaded
/// through the font store (the file as typst reads it), and for face `i` of a collection (.ttc) the header
/// is rewritten to list only that face: table offsets in a collection count from the start of the file,
/// so nothing else moves. Loaded once per face per process.
fn chart_bytes(store: &FontStore, chosen: &Candidate, path: &Path, index: u32) -> Result<&'static [u8]> {
    static CACHE: OnceLock<FaceCache> = OnceLock::new();
    let mut cache =
        CACHE.get_or_init(Default::default).lock().map_err(|_| Error::Internal("font cache poisoned".into()))?;
    if let Some(b) = cache.get(&(path.to_path_buf(), index)) {
        return Ok(b);
    }
    let unreadable = || Error::BadInput(format!("font {}: cannot be read", path.display()));
    let book = store.book();
    let slot = (0..).map_while(|i| book.info(i).map(|info| (i, info))).find(|(_, info)| **info == chosen.info);
    let font = slot.and_then(|(i, _)| store.font(i)).ok_or_else(unreadable)?;
    let mut data = font.data().as_slice().to_vec();
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
