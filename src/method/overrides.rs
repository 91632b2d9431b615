//! What-if overrides of a methodology file: `tracks[规上].indicators[tax_per_mu].weight=40`.
//! A segment's `[...]` is an index, or the `name`/`key` of an element of an array of tables.

use toml::Value;

fn parse_value(text: &str) -> Value {
    let t = text.trim();
    toml::from_str::<toml::Table>(&format!("v = {t}"))
        .ok()
        .and_then(|mut tb| tb.remove("v"))
        .unwrap_or_else(|| Value::String(t.to_string()))
}

fn step<'a>(v: &'a mut Value, seg: &str, path: &str) -> Result<&'a mut Value, String> {
    let (name, sel) = match seg.find('[') {
        Some(i) if seg.ends_with(']') => (&seg[..i], Some(&seg[i + 1..seg.len() - 1])),
        _ => (seg, None),
    };
    let mut cur = v;
    if !name.is_empty() {
        let table = cur.as_table_mut().ok_or_else(|| format!("{path}: '{name}' is not inside a table"))?;
        cur = match sel {
            // The last segment without a selector may create a new key.
            None => table.entry(name.to_string()).or_insert(Value::Table(Default::default())),
            Some(_) => table.get_mut(name).ok_or_else(|| format!("{path}: no key '{name}'"))?,
        };
    }
    if let Some(sel) = sel {
        let arr = cur.as_array_mut().ok_or_else(|| format!("{path}: '{name}' is not a list"))?;
        let idx = match sel.parse::<usize>() {
            Ok(i) => i,
            Err(_) => arr
                .iter()
                .position(|e| ["name", "key"].iter().any(|k| e.get(k).and_then(|x| x.as_str()) == Some(sel)))
                .ok_or_else(|| format!("{path}: no element named '{sel}' in '{name}'"))?,
        };
        let n = arr.len();
        cur = arr.get_mut(idx).ok_or_else(|| format!("{path}: index {idx} out of range (0..{n})"))?;
    }
    Ok(cur)
}

/// Applies `PATH=VALUE` overrides to methodology text; returns the new text.
pub fn apply(text: &str, overrides: &[String]) -> Result<String, String> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut root = Value::Table(toml::from_str(text).map_err(|e| e.to_string())?);
    for o in overrides {
        let (path, value) = o.split_once('=').ok_or_else(|| format!("override '{o}' needs the form path=value"))?;
        let segs: Vec<&str> = path.trim().split('.').collect();
        let (last, init) = segs.split_last().ok_or_else(|| format!("override '{o}' has an empty path"))?;
        let mut cur = &mut root;
        for s in init {
            cur = step(cur, s, path)?;
        }
        if last.contains('[') {
            *step(cur, last, path)? = parse_value(value);
        } else {
            let t = cur.as_table_mut().ok_or_else(|| format!("{path}: not inside a table"))?;
            t.insert(last.to_string(), parse_value(value));
        }
    }
    toml::to_string(&root).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "[[tracks]]\nname = \"规上\"\n[[tracks.indicators]]\nkey = \"tax_per_mu\"\nweight = 30\n";

    #[test]
    fn by_name_and_index() {
        let out = apply(T, &["tracks[规上].indicators[tax_per_mu].weight=40".into()]).unwrap();
        assert!(out.contains("weight = 40"), "{out}");
        let out = apply(T, &["tracks[0].indicators[0].weight=25.5".into(), "ranking.tie_break=['tax_per_mu']".into()])
            .unwrap();
        assert!(out.contains("weight = 25.5") && out.contains("tie_break"), "{out}");
        assert!(apply(T, &["tracks[规下].name=x".into()]).unwrap_err().contains("no element named '规下'"));
    }
}
