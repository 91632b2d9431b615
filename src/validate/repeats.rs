//! An enterprise's quarter reported twice in the output or tax file: the first row is used, each later one
//! is excluded naming the first's line. Rows are met in file order while the file's pieces are merged, and
//! only the first line of each (enterprise, quarter) is kept, never the rows.

use crate::period::Quarter;
use rustc_hash::FxHashMap;
use std::collections::hash_map::Entry;

/// Quarters given a column of their own; a file holding more (a long history) keeps the rest in a map.
const COLUMNS: usize = 16;

/// The first line of each (enterprise, quarter) met so far: per quarter, one `u32` per enterprise (line + 1,
/// 0 for none, so that the column starts as zeroed pages the system hands out untouched).
pub(super) struct Firsts {
    enterprises: usize,
    columns: Vec<(Quarter, Vec<u32>)>,
    more: FxHashMap<(u32, Quarter), u32>,
}

impl Firsts {
    pub fn new(enterprises: usize) -> Firsts {
        Firsts { enterprises, columns: Vec::new(), more: FxHashMap::default() }
    }

    /// The line of the first row of enterprise `e` in quarter `q`, if one came before; if not, `line` is
    /// now that first row.
    pub fn earlier(&mut self, e: usize, q: Quarter, line: usize) -> Option<usize> {
        let stored = u32::try_from(line + 1).expect("fewer than 2^32 lines");
        let column = match self.columns.iter().position(|(x, _)| *x == q) {
            Some(c) => c,
            None if self.columns.len() < COLUMNS => {
                self.columns.push((q, vec![0; self.enterprises]));
                self.columns.len() - 1
            }
            None => {
                let e = u32::try_from(e).expect("fewer than 2^32 enterprises");
                return match self.more.entry((e, q)) {
                    Entry::Occupied(o) => Some(*o.get() as usize - 1),
                    Entry::Vacant(v) => {
                        v.insert(stored);
                        None
                    }
                };
            }
        };
        let at = &mut self.columns[column].1[e];
        if *at == 0 {
            *at = stored;
            None
        } else {
            Some(*at as usize - 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quarter {
        Quarter::parse(s).unwrap()
    }

    /// (row index, line of the first) of the rows whose (enterprise, quarter) came earlier.
    fn dups(rows: &[(usize, Quarter, usize)]) -> Vec<(usize, usize)> {
        let n = rows.iter().map(|r| r.0 + 1).max().unwrap_or(0);
        let mut firsts = Firsts::new(n);
        rows.iter().enumerate().filter_map(|(k, &(e, q, line))| firsts.earlier(e, q, line).map(|f| (k, f))).collect()
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
    fn far_apart_and_many_quarters_find_the_same_first_line() {
        // The repeat comes 5,000 rows after the first.
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
        // Twenty years of quarters: those past the sixteenth column go to the map, with the same answers;
        // a correction's rows (line 0) name line 0.
        let mut long: Vec<(usize, Quarter, usize)> =
            (0..80).map(|k| (0, q("2006Q1").minus(-k), 2 + k as usize)).collect();
        long.push((0, q("2006Q1"), 90));
        long.push((0, q("2025Q4"), 91));
        long.push((1, q("2025Q4"), 0));
        long.push((1, q("2025Q4"), 0));
        assert_eq!(dups(&long), vec![(80, 2), (81, 81), (83, 0)]);
    }
}
