//! Merging the typed pieces of a file in file order, with the checks that look across rows: an
//! enterprise id used twice, a quarter reported twice, identical land rows. The result is what reading
//! the file row by row gives: the first row of a key is used, each later one is excluded with the line
//! of the first, and the exceptions stay in file order.

use super::layout::Origin;
use super::rows::{noted, Links, Part};
use crate::dataset::*;
use crate::ingest::FileKind;
use crate::period::Quarter;
use crate::schema::{Action, ReasonCode};
use rustc_hash::FxHashMap;

/// The pieces of one file, typed side by side, gathered in file order as they come ([`Merger::push`]);
/// [`Merger::finish`] makes the checks across rows.
pub(super) struct Merger {
    all: Part,
}

impl Merger {
    /// `rows` is an upper bound of the file's rows: the kind's rows are reserved once (capacity never
    /// used costs address space, not memory), so gathering never copies them again.
    pub fn new(kind: FileKind, rows: usize) -> Merger {
        Merger { all: Part::reserved(kind, rows) }
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
        all.data.output.extend(d.output);
        all.data.tax.extend(d.tax);
        all.data.events.extend(d.events);
    }

    /// The file's rows with the checks across rows made; for the enterprises file, `links` is filled
    /// (every other file links to it). `enterprises` are those of the enterprises file (for the ids in
    /// exceptions of other files); `links` is given with the enterprises file only. `origin` names the
    /// sheets of stacked rows in the reasons that point at another row.
    pub fn finish(
        self,
        kind: FileKind,
        file: &str,
        width: usize,
        links: Option<&mut Links>,
        enterprises: &[Enterprise],
        origin: &Origin,
    ) -> Part {
        checked(self.all, kind, file, width, links, enterprises, origin)
    }
}

fn checked(
    mut all: Part,
    kind: FileKind,
    file: &str,
    width: usize,
    links: Option<&mut Links>,
    enterprises: &[Enterprise],
    origin: &Origin,
) -> Part {
    // Rows are in file order: by line, rows added by a correction (line 0) last.
    let order = |line: usize| (line == 0, line);
    let note = |line: usize, reason: String| {
        let long = &all.long_rows;
        let at = long.partition_point(|(l, _)| order(*l) < order(line));
        let cells = long.get(at).filter(|(l, _)| *l == line).map_or(0, |(_, c)| *c);
        noted(reason, width, cells)
    };
    let excluded = |line: usize, column: &str, id: &str, code: ReasonCode, reason: String| Exception {
        file: file.to_string(),
        line,
        column: column.to_string(),
        enterprise_id: id.to_string(),
        code,
        reason: note(line, reason),
        action: Action::Excluded,
    };
    let mut late: Vec<Exception> = Vec::new();
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
        FileKind::Output => {
            let key = |r: &OutputRow| (r.enterprise(), r.quarter, r.line());
            late.extend(drop_repeated_quarters(&mut all.data.output, key, origin, |line, e, reason| {
                excluded(line, "period", &enterprises[e].id, ReasonCode::QuarterDuplicate, reason)
            }));
        }
        FileKind::Tax => {
            let key = |r: &TaxRow| (r.enterprise(), r.quarter, r.line());
            late.extend(drop_repeated_quarters(&mut all.data.tax, key, origin, |line, e, reason| {
                excluded(line, "period", &enterprises[e].id, ReasonCode::QuarterDuplicate, reason)
            }));
        }
        FileKind::Events | FileKind::Projects | FileKind::Checks | FileKind::Payments | FileKind::ProjectEvents => {}
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

/// Rows whose (enterprise, quarter) came earlier: (row index, line of the first), in row order. Quarters
/// are marked per enterprise in a 64-quarter bitmask; the first line is looked up backwards (rows of an
/// enterprise are usually together) or, past a bound, in a map of first lines built once.
fn repeated_quarters<T>(rows: &[T], key: impl Fn(&T) -> (usize, Quarter, usize)) -> Vec<(usize, usize)> {
    let (lo, hi) = rows.iter().map(|r| key(r).1.index()).fold((i64::MAX, i64::MIN), |(a, b), q| (a.min(q), b.max(q)));
    let n = rows.iter().map(|r| key(r).0 + 1).max().unwrap_or(0);
    let narrow = hi - lo < 64;
    let mut bits = vec![0u64; if narrow { n } else { 0 }];
    let mut map: Option<FxHashMap<(usize, Quarter), usize>> = (!narrow).then(FxHashMap::default);
    let mut is_dup = vec![false; rows.len()];
    let mut dups = Vec::new();
    for (k, r) in rows.iter().enumerate() {
        let (e, q, line) = key(r);
        let first = match &mut map {
            Some(m) => match m.get(&(e, q)) {
                Some(&f) => Some(f),
                None => {
                    m.insert((e, q), line);
                    None
                }
            },
            None => {
                let bit = 1u64 << (q.index() - lo);
                if bits[e] & bit == 0 {
                    bits[e] |= bit;
                    None
                } else {
                    let same = |j: &usize| !is_dup[*j] && key(&rows[*j]).0 == e && key(&rows[*j]).1 == q;
                    match (k.saturating_sub(4096)..k).rev().find(same) {
                        Some(j) => Some(key(&rows[j]).2),
                        None => {
                            let mut m = FxHashMap::default();
                            for (_, x) in rows[..k].iter().enumerate().filter(|(j, _)| !is_dup[*j]) {
                                let (ee, qq, l) = key(x);
                                m.insert((ee, qq), l);
                            }
                            let f = m.get(&(e, q)).copied();
                            map = Some(m);
                            f
                        }
                    }
                }
            }
        };
        if let Some(f) = first {
            is_dup[k] = true;
            dups.push((k, f));
        }
    }
    dups
}

/// Removes the rows whose (enterprise, quarter) came earlier; returns their exceptions, made by
/// `exclude(line, enterprise, reason)` with the reason naming the first line.
fn drop_repeated_quarters<T>(
    rows: &mut Vec<T>,
    key: impl Fn(&T) -> (usize, Quarter, usize),
    origin: &Origin,
    exclude: impl Fn(usize, usize, String) -> Exception,
) -> Vec<Exception> {
    let dups = repeated_quarters(rows, &key);
    let mut keep = vec![true; rows.len()];
    let mut found = Vec::with_capacity(dups.len());
    for &(k, first) in &dups {
        keep[k] = false;
        let (e, q, line) = key(&rows[k]);
        found.push(exclude(
            line,
            e,
            format!("duplicate: {q} already reported at {}; that row is used", origin.at(first)),
        ));
    }
    retain(rows, &keep);
    found
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

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    fn dups(rows: &[(usize, Quarter, usize)]) -> Vec<(usize, usize)> {
        repeated_quarters(rows, |r| *r)
    }

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

    #[test]
    fn a_repeated_quarter_names_the_first_line() {
        // Rows 2 and 3 repeat (enterprise 0, 2025Q1) first reported at line 10; row 1 is another firm.
        let rows = [
            (0, q("2025Q1"), 10),
            (1, q("2025Q1"), 11),
            (0, q("2025Q1"), 12),
            (0, q("2025Q1"), 13),
            (0, q("2025Q2"), 14),
        ];
        assert_eq!(dups(&rows), vec![(2, 10), (3, 10)]);
    }

    #[test]
    fn far_apart_and_wide_ranges_find_the_same_first_line() {
        // The repeat comes 5,000 rows after the first (past the look-back): the map of first lines is
        // built; later rows, new and repeated, go through it.
        let mut rows = vec![(0, q("2025Q1"), 2)];
        rows.extend((0..5000).map(|i| (1 + i % 7, q("2024Q1"), 3 + i)));
        rows.push((0, q("2025Q1"), 9000));
        rows.push((9, q("2025Q3"), 9001));
        rows.push((9, q("2025Q3"), 9002));
        let d = dups(&rows);
        // Among the 5,000: firms 1..=7 each repeat 2024Q1 after their first row (lines 3..=9).
        assert_eq!(d.len(), 5000 - 7 + 2);
        assert_eq!(d[d.len() - 2], (5001, 2));
        assert_eq!(d[d.len() - 1], (5003, 9001));
        // Quarters more than 64 apart use the map from the start.
        let wide = [(0, q("2000Q1"), 2), (0, q("2030Q1"), 3), (0, q("2000Q1"), 4)];
        assert_eq!(dups(&wide), vec![(2, 2)]);
    }
}
