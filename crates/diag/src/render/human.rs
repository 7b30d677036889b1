use super::{Counts, Sources, to_string};
use crate::{Diagnostic, Severity, SourceFile};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::borrow::Borrow;
use std::io::{self, Write};

/// Whether to colour the human output. Decided by the caller (a TTY without
/// `NO_COLOR`), never here, so that tests and pipes always get plain text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Never,
    Always,
}

/// The human format: `file:line:col` header, the source line with a caret
/// under the field, then the field path and the hint.
pub fn human(diags: &[Diagnostic], sources: &Sources, color: Color) -> String {
    to_string(|w| write_human(w, diags, |name| sources.get(name), color))
}

/// [`human`], written one diagnostic at a time. `load` gives the source of a
/// file by the name in `Location::file` (`None`: no snippet, just the
/// position). Only the current file's source is held: it is loaded when the
/// file changes, so with diagnostics sorted by file each file is loaded once.
pub fn write_human<W: Write, S: Borrow<SourceFile>>(
    w: &mut W,
    diags: impl IntoIterator<Item = impl Borrow<Diagnostic>>,
    mut load: impl FnMut(&str) -> Option<S>,
    color: Color,
) -> io::Result<Counts> {
    let renderer = match color {
        Color::Always => Renderer::styled(),
        Color::Never => Renderer::plain(),
    };
    let mut counts = Counts::default();
    let mut current: Option<(String, Option<S>)> = None;
    for d in diags {
        let d = d.borrow();
        let src = match &d.location {
            Some(loc) => {
                if current.as_ref().is_none_or(|(name, _)| *name != loc.file) {
                    // Drop the previous source before the next one is read.
                    current.take();
                    current = Some((loc.file.clone(), load(&loc.file)));
                }
                current.as_ref().and_then(|(_, src)| src.as_ref())
            }
            None => None,
        };
        let text = render(&renderer, d, src.map(Borrow::borrow));
        w.write_all(text.as_bytes())?;
        w.write_all(b"\n\n")?;
        counts.add(d.severity);
    }
    Ok(counts)
}

/// One diagnostic, with a snippet of `src` (the file it points into) when
/// the position is inside it.
fn render(renderer: &Renderer, d: &Diagnostic, src: Option<&SourceFile>) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::NOTE,
    };
    let title = level.primary_title(d.message.as_str()).id(d.rule.as_ref());
    let mut group: Group<'_> = match d.location.as_ref() {
        Some(loc) => match src {
            Some(src) if loc.line >= 1 && loc.line <= src.line_count() => {
                let start = src.offset(loc.line, loc.column);
                // A single-line caret: multi-line spans would print whole mappings.
                let line_end = src.offset(loc.line, 1) + src.line(loc.line).map_or(0, str::len);
                let end = if loc.end_line == loc.line && loc.end_column > loc.column {
                    src.offset(loc.end_line, loc.end_column).min(line_end)
                } else {
                    start
                };
                title.element(
                    Snippet::source(src.text.as_str())
                        .path(loc.file.as_str())
                        .fold(true)
                        .annotation(
                            AnnotationKind::Primary
                                .span(start..end.max(start))
                                .label(d.field.as_deref().unwrap_or("")),
                        ),
                )
            }
            _ => title.element(
                annotate_snippets::Origin::path(loc.file.as_str())
                    .line(loc.line)
                    .char_column(loc.column),
            ),
        },
        None => Group::with_title(title),
    };
    if let (Some(field), None) = (d.field.as_deref(), d.location.as_ref()) {
        group = group.element(Level::NOTE.message(format!("field: {field}")));
    }
    if let Some(help) = d.help.as_deref() {
        group = group.element(Level::HELP.message(help));
    }
    renderer.render(&[group])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_under_field() {
        let src = SourceFile::new("p.yaml", "spec:\n  minReplicas: 5\n  maxReplicas: 2\n");
        let d = Diagnostic::error("P0201", "minReplicas (5) is greater than maxReplicas (2)")
            .at(src.location(2, 3, 2, 14))
            .field("spec.minReplicas")
            .help("lower minReplicas or raise maxReplicas");
        let mut sources = Sources::default();
        sources.insert(src);
        let text = human(&[d], &sources, Color::Never);
        insta::assert_snapshot!(text);
    }
}
