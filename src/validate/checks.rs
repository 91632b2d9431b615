//! Checks across files and rows after typing: enterprises with no land, output or tax rows, and one
//! enterprise apparently listed under two ids. Both only warn; the rows are kept.

use super::layout::Origin;
use super::rows::Part;
use crate::dataset::{Enterprise, Exception};
use crate::ingest::FileKind;
use crate::schema::{Action, ReasonCode};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::hash_map::Entry;

/// Warnings for enterprises that have no land, output or tax rows at all (kept; the evaluation
/// reports them as not scored or with missing data).
pub(super) fn coverage(part: &mut Part, files: &[(FileKind, String)], origin: &Origin) {
    let file_of = |k: FileKind| files.iter().find(|(kk, _)| *kk == k).map(|(_, f)| f.clone()).unwrap_or_default();
    let n = part.data.enterprises.len();
    let mut has = [vec![false; n], vec![false; n], vec![false; n]];
    part.data.land.iter().for_each(|r| has[0][r.enterprise()] = true);
    part.data.output.iter().for_each(|r| has[1][r.enterprise()] = true);
    part.data.tax.iter().for_each(|r| has[2][r.enterprise()] = true);
    // Rows folded while reading (an evaluation's read): which firms had any.
    for (k, folded) in [
        (1, part.data.output_sums.as_ref().map(|f| &f.has_rows)),
        (2, part.data.tax_sums.as_ref().map(|f| &f.has_rows)),
    ] {
        for (h, &f) in has[k].iter_mut().zip(folded.into_iter().flatten()) {
            *h |= f;
        }
    }
    let ent_file = file_of(FileKind::Enterprises);
    for (i, e) in part.data.enterprises.iter().enumerate() {
        for (k, kind) in [FileKind::Land, FileKind::Output, FileKind::Tax].iter().enumerate() {
            if !has[k][i] {
                part.exceptions.push(Exception {
                    file: origin.file(&ent_file, e.line),
                    line: origin.real(e.line),
                    column: "enterprise_id".into(),
                    enterprise_id: e.id.to_string(),
                    code: ReasonCode::NoRows,
                    reason: format!("no rows in {}", file_of(*kind)),
                    action: Action::KeptNoRows,
                });
            }
        }
    }
}

/// Warnings for one enterprise listed under two ids (same name and county): both rows are kept, since
/// two firms can share a name, but an analyst should check (an old registration number next to the
/// credit code, or a typo in one id).
pub(super) fn duplicate_names(enterprises: &[Enterprise], file: &str, origin: &Origin) -> Vec<Exception> {
    // The name without spaces and with full-width brackets as ASCII; borrowed when already so.
    fn key(e: &Enterprise) -> (Cow<'_, str>, &str) {
        let plain = |c: char| !c.is_whitespace() && c != '（' && c != '）';
        let name: Cow<str> = if e.name.chars().all(plain) {
            Cow::Borrowed(e.name.as_str())
        } else {
            Cow::Owned(
                e.name
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .map(|c| match c {
                        '（' => '(',
                        '）' => ')',
                        _ => c,
                    })
                    .collect(),
            )
        };
        (name, e.county.as_str())
    }
    let mut found = Vec::new();
    let mut first: FxHashMap<(Cow<str>, &str), usize> = FxHashMap::default();
    first.reserve(enterprises.len());
    for (i, e) in enterprises.iter().enumerate() {
        if e.name.trim().is_empty() {
            continue;
        }
        match first.entry(key(e)) {
            Entry::Occupied(o) => {
                let f = &enterprises[*o.get()];
                found.push(Exception {
                    file: origin.file(file, e.line),
                    line: origin.real(e.line),
                    column: "name".into(),
                    enterprise_id: e.id.to_string(),
                    code: ReasonCode::NameShared,
                    reason: format!(
                        "likely duplicate: same name '{}' and county '{}' as enterprise '{}' at {} (one firm under two ids?)",
                        e.name,
                        e.county,
                        f.id,
                        origin.at(f.line)
                    ),
                    action: Action::KeptCheckIds,
                });
            }
            Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    found
}
