//! The "what it takes" numbers of a set of cards as one table (CSV beside the PDF): a row per firm and
//! indicator, or one row with the reason when no move up is asked.

use super::{Card, Move};
use crate::indicators::trim_number;
use crate::report::table::{Cell, Table};

const COLUMNS: [(&str, &str); 22] = [
    ("enterprise_id", "统一社会信用代码 enterprise_id"),
    ("name", "企业名称 name"),
    ("county", "县区 county"),
    ("track", "评价序列 track"),
    ("class", "等级 class"),
    ("total", "总分 total"),
    ("target_class", "目标等级 target_class"),
    ("target_total", "目标总分 target_total"),
    ("indicator", "指标 indicator"),
    ("indicator_zh", "指标名称 indicator_zh"),
    ("lever", "调整对象 lever"),
    ("lever_key", "调整数据 lever_key"),
    ("lever_zh", "调整数据名称 lever_zh"),
    ("unit", "单位 unit"),
    ("current", "现值 current"),
    ("change", "所需变化 change"),
    ("change_pct", "变化率(%) change_pct"),
    ("new_value", "调整后 new_value"),
    ("new_total", "调整后总分 new_total"),
    ("new_class", "调整后等级 new_class"),
    ("best_total", "单项最高总分 best_total"),
    ("words", "说明 words"),
];

/// The table of the cards' moves.
pub fn moves(cards: &[Card]) -> Table {
    let mut t = Table::new(&COLUMNS);
    for c in cards {
        let head = [
            Cell::text(&c.enterprise_id),
            Cell::text(&c.name),
            Cell::text(&c.county),
            Cell::text(&c.track),
            Cell::text(&c.class),
            Cell::Dec(c.total.clone()),
            Cell::text(&c.takes.target_class),
            c.takes.target_total.clone().map_or(Cell::Empty, Cell::Dec),
        ];
        if c.takes.moves.is_empty() {
            let mut row = head.to_vec();
            row.extend(std::iter::repeat_n(Cell::Empty, COLUMNS.len() - head.len() - 1));
            row.push(Cell::text(&c.takes.note));
            t.rows.push(row);
        }
        for m in &c.takes.moves {
            let mut row = head.to_vec();
            row.extend(move_cells(m));
            t.rows.push(row);
        }
    }
    t
}

fn move_cells(m: &Move) -> Vec<Cell> {
    let new_value = m.current.zip(m.change).map(|(c, d)| c + d);
    vec![
        Cell::text(&m.indicator),
        Cell::text(&m.indicator_zh),
        Cell::text(&m.lever),
        Cell::text(&m.lever_key),
        Cell::text(&m.lever_zh),
        Cell::text(&m.unit),
        m.current.map_or(Cell::Empty, |x| Cell::Dec(trim_number(x))),
        m.change.map_or(Cell::Empty, |x| Cell::Dec(super::words::fixed(x, m.decimals))),
        Cell::opt(m.change_pct, 1),
        new_value.map_or(Cell::Empty, |x| Cell::Dec(trim_number(x))),
        m.new_total.clone().map_or(Cell::Empty, Cell::Dec),
        m.new_class.clone().map_or(Cell::Empty, Cell::text),
        m.best_total.clone().map_or(Cell::Empty, Cell::Dec),
        Cell::text(&m.words),
    ]
}
