//! One writer per output format. Each takes diagnostics already sorted
//! ([`crate::sort`]) and the sources they point into.

mod github;
mod human;
mod json;
mod sarif;

pub use github::github;
pub use human::{Color, human};
pub use json::json;
pub use sarif::{RuleInfo, ToolInfo, file_uri, sarif};

use crate::SourceFile;
use std::collections::BTreeMap;

/// The sources diagnostics point into, by the name they carry in `Location::file`.
#[derive(Default)]
pub struct Sources {
    files: BTreeMap<String, SourceFile>,
}

impl Sources {
    pub fn insert(&mut self, src: SourceFile) {
        self.files.insert(src.name.clone(), src);
    }
    pub fn get(&self, name: &str) -> Option<&SourceFile> {
        self.files.get(name)
    }
}
