//! The files a methodology names besides itself: benchmark files (`kind = "file"`) and the class
//! history of the policies. The command layer finds each in the data folder or beside the methodology
//! file and reads it; the stages take the tables from here and never touch the file system.

use super::{Benchmark, DerivedKind, Loaded};
use crate::ingest::RawTable;
use std::collections::BTreeMap;

/// The tables of the files a methodology names, by the name the methodology gives.
#[derive(Debug, Clone, Default)]
pub struct SideFiles {
    tables: BTreeMap<String, RawTable>,
}

impl SideFiles {
    pub fn get(&self, name: &str) -> Option<&RawTable> {
        self.tables.get(name)
    }
    pub fn insert(&mut self, name: String, table: RawTable) {
        self.tables.insert(name, table);
    }
    /// The tables read, for the manifest: (name as the methodology gives it, table).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &RawTable)> {
        self.tables.iter()
    }
}

impl Loaded {
    /// Every file the methodology names: (the key that names it, file name), in the file's order.
    pub fn side_files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (t, track) in self.method.tracks.iter().enumerate() {
            for (k, ind) in track.indicators.iter().enumerate() {
                if let Some(Benchmark::Derived(d)) = &ind.benchmark {
                    if let (DerivedKind::File, Some(f)) = (d.kind, &d.file) {
                        out.push((format!("tracks[{t}].indicators[{k}].benchmark.file"), f.clone()));
                    }
                }
            }
        }
        if let Some(f) = &self.method.policies.history_file {
            out.push(("policies.history_file".into(), f.clone()));
        }
        out
    }
}
