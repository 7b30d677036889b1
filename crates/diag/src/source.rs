use crate::Location;

/// The text of one input file, as the user wrote it less a UTF-8 byte-order
/// mark, with the byte offset of each line so that positions can be turned
/// into snippets.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown to the user (`-` reads as `<stdin>`).
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// Reads a file; the error names the path.
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            format!(
                "{}: not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.utf8_error().valid_up_to()
            )
        })?;
        Ok(Self::new(path.display().to_string(), text))
    }

    /// Where each line starts (byte offsets into `text`).
    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 1-based line without its line terminator (`\n` or `\r\n`).
    pub fn line(&self, line: usize) -> Option<&str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        // By bytes (the linter asks for a line per node it records): the
        // slice ends at most in one `\n`, after any number of `\r`.
        let mut bytes = self.text.as_bytes().get(start..end)?;
        if let [rest @ .., b'\n'] = bytes {
            bytes = rest;
        }
        while let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        self.text.get(start..start + bytes.len())
    }

    /// Byte offset of a 1-based line and 1-based character column, clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = line.checked_sub(1).and_then(|l| self.line_starts.get(l)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }

    /// A location in this file from 1-based line and column.
    pub fn location(
        &self,
        line: usize,
        column: usize,
        end_line: usize,
        end_column: usize,
    ) -> Location {
        Location {
            file: self.name.clone(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    /// Lines come back as the old `trim_end_matches` gave them: without
    /// their `\n` and every `\r` before it.
    #[test]
    fn lines_lose_their_terminators_only() {
        let texts = [
            "",
            "a",
            "a\n",
            "a\r\nb\r\n",
            "a\r\r\nb\n\nc\r",
            "é: ü\r\n  - x\n",
            "\r\n\r\n",
            "k: v\rw\n",
        ];
        for text in texts {
            let src = SourceFile::new("t.yaml", text);
            for l in 1..=src.line_count() + 1 {
                let old = src.line_starts().get(l - 1).map(|&start| {
                    let end = src.line_starts().get(l).copied().unwrap_or(text.len());
                    text[start..end]
                        .trim_end_matches('\n')
                        .trim_end_matches('\r')
                });
                assert_eq!(src.line(l), old, "{text:?} line {l}");
            }
        }
    }
}
