//! Merging the typed pieces of a file in file order, with the checks that look across rows: an
//! enterprise id used twice, a quarter reported twice, identical land rows. The result is what reading
//! the file row by row gives: the first row of a key is used, each later one is excluded with the line
//! of the first, and the exceptions stay in file order.

use super::layout::Origin;
use super::repeats::Firsts;
use super::rows::{noted, Links, Part};
use crate::dataset::*;
use crate::ingest::FileKind;
use crate::period::Quarter;
use crate::schema::{Action, ReasonCode};
use rustc_hash::FxHashMap;

/// What a file's pieces are merged in: the file, its width, the enterprises its rows link to, where its
/// rows came from (sheets stacked) and what to keep of output and tax rows.
pub(super) struct Context<'a> {
    pub kind: FileKind,
    pub file: &'a str,
    pub width: usize,
    pub enterprises: &'a [Enterprise],
    pub origin: &'a Origin,
    pub keep: &'a Keep,
}

/// The pieces of one file, typed side by side, gathered in file order as they come ([`Merger::push`]);
/// [`Merger::finish`] makes the checks across rows. Output and tax rows are checked for repeated quarters
/// as they come, and with [`Keep::Sums`] folded into their sums and dropped.
pub(super) struct Merger<'a> {
    all: Part,
    cx: Context<'a>,
    firsts: Firsts,
    /// Rows found repeated while merging, put in file order by [`Merger::finish`].
    late: Vec<Exception>,
}

impl<'a> Merger<'a> {
    /// `rows` is an upper bound of the file's rows: the kind's rows are reserved once (capacity never
    /// used costs address space, not memory), so gathering never copies them again.
    pub fn new(cx: Context<'a>, rows: usize) -> Merger<'a> {
        let n = cx.enterprises.len();
        let mut all = Part::default();
        match (cx.kind, cx.keep) {
            (FileKind::Output, Keep::Sums(periods)) => all.data.output_sums = Some(Fold::new(periods, n)),
            (FileKind::Tax, Keep::Sums(periods)) => all.data.tax_sums = Some(Fold::new(periods, n)),
            (kind, _) => all = Part::reserved(kind, rows),
        }
        Merger { all, firsts: Firsts::new(n), cx, late: Vec::new() }
    }

    /// Appends the next piece in file order (its memory is freed for the next pieces).
    pub fn push(&mut self, p: Part) {
        let all = &mut self.all;
        let at = all.exceptions.len();
        all.after_id_check.extend(p.after_id_check.iter().map(|i| i + at));
        all.exceptions.extend(p.exceptions);
        all.read += p.read;
        all.skipped += p.skipped;
        all.long_rows.extend(p.long_rows);
        let d = p.data;
        all.data.enterprises.extend(d.enterprises);
        all.data.land.extend(d.land);
        all.data.events.extend(d.events);
        for r in d.output {
            if self.first_of_quarter(r.enterprise(), r.quarter, r.line()) {
                match &mut self.all.data.output_sums {
                    Some(f) => f.push(&r),
                    None => self.all.data.output.push(r),
                }
            }
        }
        for r in d.tax {
            if self.first_of_quarter(r.enterprise(), r.quarter, r.line()) {
                match &mut self.all.data.tax_sums {
                    Some(f) => f.push(&r),
                    None => self.all.data.tax.push(r),
                }
            }
        }
    }

    /// Whether the row is the first of its enterprise and quarter; if not, it is excluded naming the first.
    fn first_of_quarter(&mut self, e: usize, q: Quarter, line: usize) -> bool {
        let Some(first) = self.firsts.earlier(e, q, line) else { return true };
        let cx = &self.cx;
        let reason = note(
            &self.all.long_rows,
            cx.width,
            line,
            format!("duplicate: {q} already reported at {}; that row is used", cx.origin.at(first)),
        );
        let id = &cx.enterprises[e].id;
        self.late.push(Exception {
            file: cx.file.to_string(),
            line,
            column: "period".to_string(),
            enterprise_id: id.to_string(),
            code: ReasonCode::QuarterDuplicate,
            reason,
            action: Action::Excluded,
        });
        false
    }

    /// The file's rows with the checks across rows made; for the enterprises file, `links` is filled
    /// (every other file links to it).
    pub fn finish(self, links: Option<&mut Links>) -> Part {
        checked(self.all, &self.cx, links, self.late)
    }
}

/// `reason` with the note on a row with more cells than the header, if the row at `line` is one.
fn note(long: &[(usize, usize)], width: usize, line: usize, reason: String) -> String {
    // Rows are in file order: by line, rows added by a correction (line 0) last.
    let order = |line: usize| (line == 0, line);
    let at = long.partition_point(|(l, _)| order(*l) < order(line));
    let cells = long.get(at).filter(|(l, _)| *l == line).map_or(0, |(_, c)| *c);
    noted(reason, width, cells)
}

fn checked(mut all: Part, cx: &Context, links: Option<&mut Links>, mut late: Vec<Exception>) -> Part {
    let Context { kind, file, width, enterprises, origin, .. } = *cx;
    let note = |line: usize, reason: String| note(&all.long_rows, width, line, reason);
    let excluded = |line: usize, column: &str, id: &str, code: ReasonCode, reason: String| Exception {
        file: file.to_string(),
        line,
        column: column.to_string(),
        enterprise_id: id.to_string(),
        code,
        reason: note(line, reason),
        action: Action::Excluded,
    };
    match kind {
        FileKind::Enterprises => {
            let links = links.expect("the enterprises file fills the links");
            let mut keep = vec![true; all.data.enterprises.len()];
            links.index.reserve(all.data.enterprises.len());
            // Linked to the row's place among all rows first; renumbered below if any row is dropped.
            for (k, e) in all.data.enterprises.iter().enumerate() {
                match links.index.get(e.id.as_str()) {
                    Some(&first) => {
                        keep[k] = false;
                        let reason = format!(
                            "duplicate enterprise_id; the row at {} is used",
                            origin.at(all.data.enterprises[first].line)
                        );
                        late.push(excluded(e.line, "enterprise_id", &e.id, ReasonCode::IdDuplicate, reason));
                    }
                    None => {
                        links.index.insert(e.id.clone(), k);
                    }
                }
            }
            // A row excluded by a check made after the duplicate-id check repeats an id used earlier:
            // reported as the duplicate it is.
            for &x in &all.after_id_check {
                let ex = &all.exceptions[x];
                if let Some(&first) = links.index.get(ex.enterprise_id.as_str()) {
                    let used = all.data.enterprises[first].line;
                    if used < ex.line {
                        let reason =
                            note(ex.line, format!("duplicate enterprise_id; the row at {} is used", origin.at(used)));
                        let ex = &mut all.exceptions[x];
                        ex.column = "enterprise_id".to_string();
                        ex.code = ReasonCode::IdDuplicate;
                        ex.reason = reason;
                    }
                }
            }
            if !late.is_empty() {
                // A duplicate row is excluded before its other checks: it has no warnings.
                let dropped: rustc_hash::FxHashSet<usize> = late.iter().map(|e| e.line).collect();
                all.exceptions.retain(|e| e.excludes_row() || !dropped.contains(&e.line));
                retain(&mut all.data.enterprises, &keep);
                // Each kept row's place among the kept rows.
                let mut place = Vec::with_capacity(keep.len());
                let mut kept = 0;
                for &k in &keep {
                    place.push(kept);
                    kept += usize::from(k);
                }
                links.index.values_mut().for_each(|v| *v = place[*v]);
            }
            // Ids with no used row: where their first row was excluded, for the other files' exceptions.
            for e in all.exceptions.iter().filter(|e| e.excludes_row() && !e.enterprise_id.is_empty()) {
                if !links.index.contains_key(e.enterprise_id.as_str()) {
                    let at = (origin.file(file, e.line), origin.real(e.line));
                    links.rejected.entry(e.enterprise_id.clone()).or_insert(at);
                }
            }
        }
        FileKind::Land => {
            let rows = &all.data.land;
            let mut keep = vec![true; rows.len()];
            let mut found: Vec<(usize, Exception)> = Vec::new();
            for (k, first) in repeated_land_rows(rows) {
                let r = &rows[k];
                keep[k] = false;
                let reason = format!(
                    "duplicate: the same row (parcel {}, {}, same area) is at {}",
                    r.parcel_id,
                    r.tenure.zh(),
                    origin.at(first)
                );
                let id = &enterprises[r.enterprise()].id;
                found.push((k, excluded(r.line(), "parcel_id", id, ReasonCode::LandRowDuplicate, reason)));
            }
            // In row order, as a row-by-row reading finds them.
            found.sort_unstable_by_key(|(k, _)| *k);
            late.extend(found.into_iter().map(|(_, e)| e));
            retain(&mut all.data.land, &keep);
        }
        FileKind::Output
        | FileKind::Tax
        | FileKind::Events
        | FileKind::Projects
        | FileKind::Checks
        | FileKind::Payments
        | FileKind::ProjectEvents => {}
    }
    if !late.is_empty() {
        all.exceptions = in_file_order(std::mem::take(&mut all.exceptions), late);
    }
    all
}

/// Land rows that repeat an earlier row of the same enterprise (same parcel, tenure and area, to the bit):
/// (row index, line of the first). Rows are bucketed by enterprise (a counting sort of row numbers, file
/// order kept within a firm), and each row is compared with its firm's earlier rows, usually one to
/// three; a firm with very many rows uses a map. No map of every row is built (at 5 million firms that map
/// would be close to a gigabyte).
fn repeated_land_rows(rows: &[LandRow]) -> Vec<(usize, usize)> {
    let firms = rows.iter().map(|r| r.enterprise() + 1).max().unwrap_or(0);
    let mut start = vec![0u32; firms + 1];
    for r in rows {
        start[r.enterprise() + 1] += 1;
    }
    for e in 0..firms {
        start[e + 1] += start[e];
    }
    let mut next = start.clone();
    let mut order = vec![0u32; rows.len()];
    for (k, r) in rows.iter().enumerate() {
        let at = &mut next[r.enterprise()];
        order[*at as usize] = k as u32;
        *at += 1;
    }
    // Two identical rows leasing one parcel to two named tenants are two leases, not a duplicate.
    fn key(r: &LandRow) -> (&str, Tenure, u64, Option<usize>) {
        (r.parcel_id.as_str(), r.tenure, r.area_mu.to_bits(), r.counterparty())
    }
    let mut dups = Vec::new();
    for e in 0..firms {
        let mine = &order[start[e] as usize..start[e + 1] as usize];
        if mine.len() <= 64 {
            let mut kept: Vec<usize> = Vec::with_capacity(mine.len());
            for &k in mine {
                let k = k as usize;
                match kept.iter().find(|&&j| key(&rows[j]) == key(&rows[k])) {
                    Some(&j) => dups.push((k, rows[j].line())),
                    None => kept.push(k),
                }
            }
        } else {
            let mut first: FxHashMap<(&str, Tenure, u64, Option<usize>), usize> = FxHashMap::default();
            for &k in mine {
                let k = k as usize;
                match first.get(&key(&rows[k])) {
                    Some(&line) => dups.push((k, line)),
                    None => {
                        first.insert(key(&rows[k]), rows[k].line());
                    }
                }
            }
        }
    }
    dups
}

fn retain<T>(rows: &mut Vec<T>, keep: &[bool]) {
    let mut k = 0;
    rows.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

/// The file's exceptions with those found at merge time put where a row-by-row reading puts them: by
/// line (rows added by a correction, line 0, come last, as in the corrected table).
fn in_file_order(mut found: Vec<Exception>, late: Vec<Exception>) -> Vec<Exception> {
    found.extend(late);
    found.sort_by_key(|e| (e.line == 0, e.line));
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn land(e: usize, parcel: &str, area: f64, tenure: Tenure, line: usize) -> LandRow {
        LandRow::new(e, parcel.to_string(), area, tenure, line)
    }

    #[test]
    fn a_repeated_land_row_names_the_first_line() {
        // Firm 0 repeats (P1, 自有, 5) at lines 4 and 6 (first at line 2); its (P1, 租入, 5) and (P1, 自有, 5.5)
        // differ in tenure and area; firm 1's (P1, 自有, 5) is another firm's.
        let rows = [
            land(0, "P1", 5.0, Tenure::Owned, 2),
            land(1, "P1", 5.0, Tenure::Owned, 3),
            land(0, "P1", 5.0, Tenure::Owned, 4),
            land(0, "P1", 5.0, Tenure::RentedIn, 5),
            land(0, "P1", 5.0, Tenure::Owned, 6),
            land(0, "P1", 5.5, Tenure::Owned, 7),
        ];
        assert_eq!(repeated_land_rows(&rows), vec![(2, 2), (4, 2)]);
        // A firm with more rows than the short look-up takes (the map): the same answer.
        let mut many: Vec<LandRow> = (0..100).map(|i| land(3, &format!("Q{i}"), 1.0, Tenure::Owned, 10 + i)).collect();
        many.push(land(3, "Q7", 1.0, Tenure::Owned, 500));
        many.push(land(3, "Q7", 1.0, Tenure::Owned, 501));
        assert_eq!(repeated_land_rows(&many), vec![(100, 17), (101, 17)]);
    }
}
