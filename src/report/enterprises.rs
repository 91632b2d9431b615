//! The enterprises table: one row per enterprise with its land, every indicator value and points,
//! bonus, penalty, total, class, ranks and the reason for anything but a plain grade.

use super::table::{Cell, CellRef, Show, Table};
use crate::pipeline::Run;
use crate::score::{Fig, Status};

/// Indicator keys over all tracks in first-appearance order, with their Chinese names.
pub fn indicator_columns(run: &Run) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in &run.method.method.tracks {
        for i in &t.indicators {
            if !out.iter().any(|(k, _)| *k == i.key) {
                out.push((i.key.clone(), if i.zh.is_empty() { i.key.clone() } else { i.zh.clone() }));
            }
        }
    }
    out
}

/// Block names over all tracks in first-appearance order.
pub fn block_names(run: &Run) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for b in run.method.method.tracks.iter().flat_map(|t| t.indicators.iter().filter_map(|i| i.block.clone())) {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out
}

/// Row order: by track, graded and vetoed firms by rank, then undetermined, out of scope, not scored;
/// within those, enterprise_id.
pub fn row_order(run: &Run) -> Vec<usize> {
    use rayon::prelude::*;
    // Keys taken once (not from the scores at each comparison), sorted in parallel; ties by id.
    let mut keys: Vec<(usize, Status, u32, Status, usize)> = run
        .scored
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (s.track.unwrap_or(usize::MAX), s.status.max(Status::Vetoed), s.track_rank.unwrap_or(u32::MAX), s.status, i)
        })
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        (a.0, a.1, a.2, a.3)
            .cmp(&(b.0, b.1, b.2, b.3))
            .then_with(|| run.data.enterprises[a.4].id.cmp(&run.data.enterprises[b.4].id))
    });
    keys.into_iter().map(|k| k.4).collect()
}

/// The enterprises table, rows in [`row_order`] (built in parallel).
pub fn table(run: &Run) -> Table {
    use rayon::prelude::*;
    let mut t = columns(run);
    let cx = RowContext::new(run);
    t.rows = row_order(run).par_iter().map(|&i| cx.row(i)).collect();
    t
}

/// The columns of the enterprises table, without rows.
pub fn columns(run: &Run) -> Table {
    let mut t = Table::new(&[("enterprise_id", "统一社会信用代码 enterprise_id"), ("name", "企业名称 name")]);
    for x in &run.data.extra_columns {
        t.push_column(x.clone(), x.clone());
    }
    for (c, l) in
        [("county", "县区 county"), ("park", "园区 park"), ("industry", "行业代码 industry"), ("scale", "规模 scale")]
    {
        t.push_column(c.into(), l.into());
    }
    let named = !run.method.method.groups.is_empty();
    if named {
        t.push_column("group".into(), "分组 group".into());
    }
    for (c, l) in [
        ("track", "评价序列 track"),
        ("status", "状态 status"),
        ("land_mu", "用地面积(亩) land_mu"),
        ("land_owned_mu", "自有(亩) land_owned_mu"),
        ("land_rented_in_mu", "租入(亩) land_rented_in_mu"),
        ("land_rented_out_mu", "租出(亩) land_rented_out_mu"),
    ] {
        t.push_column(c.into(), l.into());
    }
    let inds = indicator_columns(run);
    for (k, zh) in &inds {
        t.push_column(k.clone(), format!("{zh} {k}"));
    }
    for (k, zh) in &inds {
        t.push_column(format!("pts_{k}"), format!("{zh}得分 pts_{k}"));
    }
    for b in &block_names(run) {
        t.push_column(format!("block_{b}"), format!("{b}小计 block_{b}"));
    }
    for (c, l) in [
        ("bonus", "加分 bonus"),
        ("penalty", "减分 penalty"),
        ("total", "总分 total"),
        ("class", "等级 class"),
        ("rank", "排名 rank"),
        ("county_rank", "县区排名 county_rank"),
        ("industry_rank", "行业排名 industry_rank"),
        ("track_rank", "序列排名 track_rank"),
        ("park_rank", "园区排名 park_rank"),
    ] {
        t.push_column(c.into(), l.into());
    }
    if named {
        t.push_column("group_rank".into(), "分组排名 group_rank".into());
        t.set_show(&["group_rank"], Show::Plain);
    }
    for (c, l) in [("reason_code", "原因代码 reason_code"), ("reason", "说明 reason")] {
        t.push_column(c.into(), l.into());
    }
    t.set_show(&["status", "class", "reason_code"], Show::Coded);
    t.set_show(&["rank", "county_rank", "industry_rank", "track_rank", "park_rank"], Show::Plain);
    t
}

/// The words a workbook shows for a class: `A类` for a letter class, 不定等级 for the undetermined class,
/// a label already in words as it is.
pub fn class_words(label: &str, status: Status) -> String {
    if status == Status::Undetermined {
        Status::Undetermined.zh().to_string()
    } else if !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric()) {
        format!("{label}类")
    } else {
        label.to_string()
    }
}

/// What every row needs: the run, the decimals, and where each indicator column sits in each track.
pub struct RowContext<'a> {
    run: &'a Run,
    decimals: usize,
    /// Per track, per indicator column: the indicator's position in the track.
    positions: Vec<Vec<Option<usize>>>,
    /// Per track, per block: the positions of the block's indicators, in listed order.
    blocks: Vec<Vec<Vec<usize>>>,
    /// Whether the methodology names groups (`[[groups]]`): the `group` and `group_rank` columns.
    named: bool,
    /// (label, status, words) of every class a firm holds: the words are made once, not per row.
    class_words: Vec<(String, Status, String)>,
}

impl<'a> RowContext<'a> {
    pub fn new(run: &'a Run) -> RowContext<'a> {
        let inds = indicator_columns(run);
        let names = block_names(run);
        let tracks = &run.method.method.tracks;
        let positions = tracks
            .iter()
            .map(|t| inds.iter().map(|(k, _)| t.indicators.iter().position(|i| i.key == *k)).collect())
            .collect();
        let blocks = tracks
            .iter()
            .map(|t| {
                names
                    .iter()
                    .map(|b| {
                        t.indicators
                            .iter()
                            .enumerate()
                            .filter(|(_, i)| i.block.as_deref() == Some(b.as_str()))
                            .map(|(k, _)| k)
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let named = !run.method.method.groups.is_empty();
        let mut words: Vec<(String, Status, String)> = Vec::new();
        for s in &run.scored {
            if !s.class.is_empty() && !words.iter().any(|(l, st, _)| *l == s.class && *st == s.status) {
                words.push((s.class.to_string(), s.status, class_words(&s.class, s.status)));
            }
        }
        let decimals = run.method.method.output.decimals;
        RowContext { run, decimals, positions, blocks, named, class_words: words }
    }

    /// The row of enterprise `i`.
    pub fn row(&self, i: usize) -> Vec<Cell> {
        let mut row = Vec::new();
        self.row_refs(i, &mut row);
        row.into_iter().map(CellRef::to_cell).collect()
    }

    /// Asks the processor to fetch what the row of enterprise `i` reads: rows go in rank order, so each
    /// row's records lie anywhere in memory, and rendering waited on each of them in turn. `stage` 0 (some
    /// rows ahead) fetches the enterprise, facts and score records; stage 1 (fewer rows ahead, once those
    /// records have arrived) what they point to: the name, the figures and the reasons. Only a hint, with
    /// no effect on the output.
    pub fn prefetch(&self, i: usize, stage: u8) {
        #[cfg(target_arch = "x86_64")]
        {
            fn lines<T: ?Sized>(x: &T) {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
                let p = (x as *const T).cast::<i8>();
                for offset in (0..std::mem::size_of_val(x)).step_by(64) {
                    // SAFETY: a prefetch is a hint that never faults, whatever the address; this one is
                    // inside a live value.
                    unsafe { _mm_prefetch(p.wrapping_add(offset), _MM_HINT_T0) }
                }
            }
            let run = self.run;
            let (Some(e), Some(f), Some(s)) = (run.data.enterprises.get(i), run.facts.get(i), run.scored.get(i)) else {
                return;
            };
            if stage == 0 {
                lines(e);
                lines(f);
                lines(s);
            } else {
                lines(e.name.as_str());
                lines(s.figures.memory());
                lines(s.reasons.as_slice());
                s.reasons.iter().for_each(|r| lines(r.as_str()));
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = (i, stage);
    }

    /// The row of enterprise `i`, its text borrowed from the run, in `row` (cleared first).
    pub fn row_refs<'s>(&'s self, i: usize, row: &mut Vec<CellRef<'s>>)
    where
        'a: 's,
    {
        let (run, d) = (self.run, self.decimals);
        let e = &run.data.enterprises[i];
        let f = &run.facts[i];
        let s = &run.scored[i];
        let track = s.track.map(|x| &run.method.method.tracks[x]);
        row.clear();
        row.extend([CellRef::Text(&e.id), CellRef::Text(&e.name)]);
        row.extend(e.extra.iter().map(|x| CellRef::Text(x)));
        row.extend([
            CellRef::Text(&e.county),
            CellRef::Text(&e.park),
            CellRef::Text(&e.industry),
            CellRef::Text(e.scale.zh()),
        ]);
        if self.named {
            row.push(CellRef::Text(&e.group));
        }
        row.extend([
            CellRef::Text(track.map(|t| t.name.as_str()).unwrap_or("")),
            CellRef::word(s.status),
            CellRef::Num(f.land, d),
            CellRef::Num(f.land_owned, d),
            CellRef::Num(f.land_rented_in, d),
            CellRef::Num(f.land_rented_out, d),
        ]);
        let opt = |x: Option<f64>| x.map_or(CellRef::Empty, |v| CellRef::Num(v, d));
        let n_inds = self.positions.first().map_or(0, Vec::len);
        let pos = |c: usize| s.track.and_then(|t| self.positions[t][c]);
        for c in 0..n_inds {
            row.push(opt(pos(c).and_then(|p| s.figures.get(Fig::Value, p))));
        }
        for c in 0..n_inds {
            row.push(opt(pos(c).and_then(|p| s.figures.get(Fig::Points, p))));
        }
        let n_blocks = self.blocks.first().map_or(0, Vec::len);
        for b in 0..n_blocks {
            // Block subtotal: the block's points summed in the listed order.
            let mut sum: Option<f64> = None;
            for &k in s.track.map(|t| self.blocks[t][b].as_slice()).unwrap_or_default() {
                if let Some(p) = s.figures.get(Fig::Points, k) {
                    sum = Some(sum.unwrap_or(0.0) + p);
                }
            }
            row.push(opt(sum));
        }
        let scored = s.total.is_some();
        let rank = |x: Option<u32>| x.map_or(CellRef::Empty, |v| CellRef::Int(v as i64));
        row.extend([
            if scored { CellRef::Num(s.bonus, 4) } else { CellRef::Empty },
            if scored { CellRef::Num(s.penalty, 4) } else { CellRef::Empty },
            if s.total_text.is_empty() { CellRef::Empty } else { CellRef::Dec(&s.total_text) },
            self.class(i),
            rank(s.rank),
            rank(s.county_rank),
            rank(s.industry_rank),
            rank(s.track_rank),
            rank(s.park_rank),
        ]);
        if self.named {
            row.push(rank(s.group_rank));
        }
        row.extend([s.code.map_or(CellRef::Empty, CellRef::word), CellRef::Joined(&s.reasons)]);
    }

    /// The class cell of enterprise `i`: its label and the words for it.
    fn class(&self, i: usize) -> CellRef<'_> {
        let s = &self.run.scored[i];
        let found = self.class_words.iter().find(|(l, st, _)| *l == s.class && *st == s.status);
        found.map_or(CellRef::Empty, |(label, _, words)| CellRef::Coded { code: label, words })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_words() {
        assert_eq!(super::class_words("A", Status::Graded), "A类");
        assert_eq!(super::class_words("D", Status::Vetoed), "D类");
        assert_eq!(super::class_words("T", Status::Undetermined), "不定等级");
        assert_eq!(super::class_words("优", Status::Graded), "优");
    }
}
