//! The load trace: a CSV file of values over time.
//!
//! ```text
//! # comments and blank lines are allowed anywhere
//! time,cpu,celery_queue_length
//! 0,120,0
//! 60,300,250
//! ```
//!
//! The first column is `time`, in seconds (any non-negative number, strictly
//! increasing). Every other column is named after what it feeds (a metric, or
//! `arrivals` in closed-loop mode). A row's values hold from its time until the
//! next row's time: the trace is a step function, which is what a scrape
//! series or a load generator's rate schedule is. The trace ends at the last
//! row's time.

use scaleplan_diag::{Diagnostic, SourceFile};

/// Rule IDs of trace problems (one per kind of mistake).
pub mod rules {
    /// The header is missing, has an empty or repeated name, or does not start with `time`.
    pub const HEADER: &str = "S0101";
    /// A row has more or fewer fields than the header.
    pub const FIELD_COUNT: &str = "S0102";
    /// A field is not a number.
    pub const NOT_A_NUMBER: &str = "S0103";
    /// A value is NaN or infinite.
    pub const NOT_FINITE: &str = "S0104";
    /// A value or time is negative.
    pub const NEGATIVE: &str = "S0105";
    /// A time is not later than the row before.
    pub const TIME_BACKWARDS: &str = "S0106";
    /// The trace has no data rows.
    pub const EMPTY: &str = "S0107";
}

/// Stop collecting after this many problems: a broken generator script can
/// produce one per line, and the first screenful says what is wrong.
const MAX_PROBLEMS: usize = 50;

/// A parsed trace, stored by column so that a simulation step reads one
/// number per column without chasing rows.
#[derive(Clone, Debug)]
pub struct Trace {
    /// Column names after `time`, in file order.
    pub columns: Vec<TraceColumn>,
    /// Time of each row, in seconds, strictly increasing.
    pub times: Vec<f64>,
}

/// One named column and where its header is, for errors about it.
#[derive(Clone, Debug)]
pub struct TraceColumn {
    pub name: String,
    /// 1-based line and column of the header cell.
    pub line: usize,
    pub col: usize,
    pub values: Vec<f64>,
}

impl Trace {
    /// Index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn start(&self) -> f64 {
        self.times[0]
    }

    pub fn end(&self) -> f64 {
        *self.times.last().expect("a parsed trace has rows")
    }

    /// Index of the row in force at time `t` (the last row with time <= t;
    /// the first row before the trace starts).
    pub fn row_at(&self, t: f64) -> usize {
        self.times.partition_point(|&x| x <= t).saturating_sub(1)
    }

    /// Builds a trace from memory (benchmarks and tests).
    pub fn from_columns(times: Vec<f64>, columns: Vec<(String, Vec<f64>)>) -> Self {
        Trace {
            times,
            columns: columns
                .into_iter()
                .map(|(name, values)| TraceColumn {
                    name,
                    line: 1,
                    col: 1,
                    values,
                })
                .collect(),
        }
    }
}

/// Parses a trace, reporting every problem found (up to a limit) with its
/// `file:line:col`.
pub fn parse(src: &SourceFile) -> Result<Trace, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut lines = src
        .text
        .split('\n')
        .enumerate()
        .map(|(i, l)| (i + 1, l.strip_suffix('\r').unwrap_or(l)))
        .filter(|(_, l)| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        });

    let Some((header_line, header)) = lines.next() else {
        return Err(vec![
            Diagnostic::error(rules::EMPTY, "the trace is empty")
                .at(src.location(1, 1, 1, 1))
                .help(HEADER_HELP),
        ]);
    };
    let cells = split_cells(header);
    let mut columns: Vec<TraceColumn> = Vec::new();
    for (i, (col, name)) in cells.iter().enumerate() {
        let loc = src.location(header_line, *col, header_line, col + name.chars().count());
        if i == 0 {
            if *name != "time" {
                problems.push(
                    Diagnostic::error(
                        rules::HEADER,
                        format!("the first column must be `time`, found `{name}`"),
                    )
                    .at(loc)
                    .help(HEADER_HELP),
                );
            }
            continue;
        }
        if name.is_empty() {
            problems.push(
                Diagnostic::error(rules::HEADER, format!("column {} has no name", i + 1))
                    .at(loc)
                    .help(HEADER_HELP),
            );
        } else if let Some(first) = columns.iter().find(|c| c.name == *name) {
            problems.push(
                Diagnostic::error(
                    rules::HEADER,
                    format!(
                        "column `{name}` appears twice (first at line {}, column {})",
                        first.line, first.col
                    ),
                )
                .at(loc)
                .help("give each column a unique name"),
            );
        }
        columns.push(TraceColumn {
            name: name.to_string(),
            line: header_line,
            col: *col,
            values: Vec::new(),
        });
    }
    if columns.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::error(rules::HEADER, "the trace has only a `time` column")
                .at(src.location(header_line, 1, header_line, 1))
                .help(HEADER_HELP),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    // A week at 1-second resolution is 600k rows: the loop below allocates
    // nothing per row or cell (one reused cell buffer); positions, field
    // names and locations are only worked out for a row that has a problem.
    let mut times = Vec::new();
    let mut prev_time: Option<(f64, usize)> = None;
    let width = columns.len() + 1;
    let mut cells: Vec<(usize, &str)> = Vec::with_capacity(width + 1);
    for (line, text) in lines {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        split_cells_into(text, &mut cells);
        if cells.len() != width {
            let col = cells.get(width).map_or(text.chars().count() + 1, |c| c.0);
            problems.push(
                Diagnostic::error(
                    rules::FIELD_COUNT,
                    format!(
                        "this row has {} field{} but the header has {width}",
                        cells.len(),
                        if cells.len() == 1 { "" } else { "s" }
                    ),
                )
                .at(src.location(line, col, line, col))
                .help("every row needs a time and one value per column, separated by commas"),
            );
            continue;
        }
        for (i, &(col, cell)) in cells.iter().enumerate() {
            let what = || {
                if i == 0 {
                    "time".to_string()
                } else {
                    format!("`{}`", columns[i - 1].name)
                }
            };
            let loc = || src.location(line, col, line, col + cell.chars().count().max(1));
            let value = match number(cell) {
                Ok(v) => v,
                Err(problem) => {
                    problems.push(problem.at(loc()).field(what()));
                    continue;
                }
            };
            if i == 0 {
                if let Some((prev, prev_line)) = prev_time
                    && value <= prev
                {
                    problems.push(
                        Diagnostic::error(
                            rules::TIME_BACKWARDS,
                            format!(
                                "time {} is not after the previous row's time {} (line {prev_line})",
                                fmt_num(value),
                                fmt_num(prev)
                            ),
                        )
                        .at(loc())
                        .field(what())
                        .help("rows must be in time order, one row per instant"),
                    );
                }
                // Compare later rows with the latest good time, so one
                // stray row is one error, not two.
                if prev_time.is_none_or(|(prev, _)| value > prev) {
                    prev_time = Some((value, line));
                }
                times.push(value);
            } else {
                columns[i - 1].values.push(value);
            }
        }
    }
    if problems.is_empty() && times.is_empty() {
        problems.push(
            Diagnostic::error(rules::EMPTY, "the trace has a header but no rows")
                .at(src.location(header_line, 1, header_line, 1))
                .help("add at least one row: `0,<value>,...`"),
        );
    }
    if problems.is_empty() {
        Ok(Trace { columns, times })
    } else {
        Err(problems)
    }
}

const HEADER_HELP: &str = "start the trace with a header such as `time,cpu,celery_queue_length`: \
     `time` in seconds, then one column per metric (or `arrivals` for --service-rate)";

/// Splits a CSV line on commas, trimming spaces; returns each cell with its
/// 1-based starting column. Traces are numbers, so quoting is not supported.
fn split_cells(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    split_cells_into(line, &mut out);
    out
}

/// [`split_cells`] into a reused buffer. Columns count characters; on an
/// ASCII line (every well-formed row) that is the byte offset, so the
/// characters are only counted when the line has others.
fn split_cells_into<'a>(line: &'a str, out: &mut Vec<(usize, &'a str)>) {
    out.clear();
    let ascii = line.is_ascii();
    let width = |s: &str| if ascii { s.len() } else { s.chars().count() };
    let mut col = 1;
    for cell in line.split(',') {
        let trimmed = cell.trim_start();
        let lead = cell.len() - trimmed.len();
        out.push((col + width(&cell[..lead]), trimmed.trim_end()));
        col += width(cell) + 1;
    }
}

#[allow(clippy::result_large_err)] // becomes one diagnostic of the list
fn number(cell: &str) -> Result<f64, Diagnostic> {
    let v: f64 = cell.parse().map_err(|_| {
        Diagnostic::error(
            rules::NOT_A_NUMBER,
            if cell.is_empty() {
                "empty field".to_string()
            } else {
                format!("`{cell}` is not a number")
            },
        )
        .help("write plain decimal numbers (e.g. 12, 0.5, 1e3); no units or quotes")
    })?;
    if !v.is_finite() {
        return Err(Diagnostic::error(
            rules::NOT_FINITE,
            format!("`{cell}` is not a finite number"),
        )
        .help("NaN and infinity cannot be load; fill gaps with the last known value or 0"));
    }
    if v < 0.0 {
        return Err(
            Diagnostic::error(rules::NEGATIVE, format!("{cell} is negative"))
                .help("times, loads and arrival rates are never negative"),
        );
    }
    Ok(v)
}

/// Formats a number without a trailing `.0` for whole values.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_columns_and_skips_comments() {
        let src = SourceFile::new("t.csv", "# x\ntime, a ,b\n\n0,1,2\r\n10,3,4\n");
        let t = parse(&src).unwrap();
        assert_eq!(t.times, vec![0.0, 10.0]);
        assert_eq!(t.columns[0].name, "a");
        assert_eq!(t.columns[1].values, vec![2.0, 4.0]);
        assert_eq!(t.row_at(5.0), 0);
        assert_eq!(t.row_at(10.0), 1);
        assert_eq!(t.row_at(-1.0), 0);
    }

    #[test]
    fn reports_every_bad_row() {
        let src = SourceFile::new("t.csv", "time,a\n0,1\n0,x\n5,-1\n6,NaN\n7\n");
        let errs = parse(&src).unwrap_err();
        let got: Vec<_> = errs
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (d.rule.as_ref(), l.line, l.column)
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (rules::TIME_BACKWARDS, 3, 1),
                (rules::NOT_A_NUMBER, 3, 3),
                (rules::NEGATIVE, 4, 3),
                (rules::NOT_FINITE, 5, 3),
                (rules::FIELD_COUNT, 6, 2),
            ]
        );
    }
}
