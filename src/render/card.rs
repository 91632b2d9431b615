//! Enterprise cards (企业画像) as a PDF: the cards (values the card stage computed) go to typst as the
//! JSON file /data.json, read by the template templates/card.typ; nothing is pasted into markup, so a
//! name like `#set page(...)` prints as text. One card, or a county's cards one after the other.

use super::fonts::Fonts;
use super::pdf;
use crate::card::Card;
use crate::error::Result;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// The template compiled into the binary.
pub const TEMPLATE: &str = include_str!("../../templates/card.typ");

/// What the cards' pages say besides the cards.
pub struct CardDoc<'a> {
    /// The scheme's title (方案名称).
    pub title: &'a str,
    /// "汉滨区" for a county's cards, the firm's name for one card.
    pub subject: &'a str,
    /// The run folder, named in the footer.
    pub run_dir: &'a str,
    /// The date printed, default today (China Standard Time).
    pub date: Option<String>,
}

/// The PDF of `cards`, with the `--font` file if given; returns its bytes and the warnings.
pub fn pdf(cards: &[Card], doc: &CardDoc, font: Option<(&Path, Vec<u8>)>) -> Result<(Vec<u8>, Vec<String>)> {
    let fonts = Fonts::load(font)?;
    let today = pdf::today_cst();
    let date = doc.date.clone().unwrap_or_else(|| format!("{}年{}月{}日", today.0, today.1, today.2));
    let data = json!({
        "title": doc.title,
        "subject": doc.subject,
        "run_dir": doc.run_dir,
        "date": date,
        "version": format!("mujun {}", crate::VERSION),
        "fonts": { "body": fonts.body, "sans": fonts.sans },
        "cards": cards,
    });
    let (bytes, mut warnings) = pdf::compile(TEMPLATE, &data, &fonts, &HashMap::new(), today)?;
    let names: String = cards.iter().flat_map(|c| [c.name.as_str(), c.county.as_str(), c.park.as_str()]).collect();
    let missing = fonts.missing_glyphs(&names);
    if !missing.is_empty() {
        let chars: String = missing.iter().collect();
        warnings.push(format!("no font found has these characters, they print as boxes: {chars}"));
    }
    Ok((bytes, warnings))
}
