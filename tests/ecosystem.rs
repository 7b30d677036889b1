//! The ecosystem check (as ruff has one): `scaleplan lint .` is run in each of
//! the public repositories under `../shared/corpus/repos/`, exactly as a user
//! runs it there (the binary, default options, the repository as the working
//! directory), and every finding must have a verdict in
//! `tests/ecosystem/verdicts.tsv`. A finding without a verdict, or a verdict
//! whose finding is gone, fails the test: no change of findings on real
//! repositories goes unreviewed. The rows to judge are printed as TSV, ready
//! to be judged and pasted (`tests/ecosystem/README.md` says how).
//!
//! A finding is keyed by (repo, rule, file, line, col): a finding that stays
//! keeps its verdict whatever its message says. The same key may occur more
//! than once (one mistake reported twice); each occurrence has its own row.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERDICTS: &str = "tests/ecosystem/verdicts.tsv";
const MISSES: &str = "tests/ecosystem/misses.tsv";
const VERDICT_HEADER: &str = "repo\trule\tfile\tline\tcol\tseverity\tverdict\treason";
const MISS_HEADER: &str = "repo\tfile\tline\trule\treason";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The corpus, or a failure that says where it was looked for: CI has it, and
/// a missing corpus must not pass as "no findings changed".
fn corpus() -> PathBuf {
    let dir = root().join("../shared/corpus/repos");
    assert!(
        dir.join("SOURCES.tsv").is_file(),
        "the ecosystem corpus is missing: expected {} (with SOURCES.tsv); \
         it is ../shared/corpus/repos next to the project checkout",
        dir.display()
    );
    dir
}

/// The repositories: the `folder` column of SOURCES.tsv, each a directory.
fn repositories(corpus: &Path) -> Vec<String> {
    let sources = std::fs::read_to_string(corpus.join("SOURCES.tsv")).unwrap();
    let repos: Vec<String> = sources
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect();
    for r in &repos {
        assert!(
            corpus.join(r).is_dir(),
            "SOURCES.tsv names {r}, not a directory"
        );
    }
    assert!(!repos.is_empty(), "SOURCES.tsv lists no repository");
    repos
}

/// What identifies a finding across runs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    repo: String,
    file: String,
    line: usize,
    col: usize,
    rule: String,
}

#[derive(Clone, Debug)]
struct Finding {
    severity: String,
    message: String,
}

#[derive(Clone, Debug)]
struct Verdict {
    severity: String,
    verdict: String,
    reason: String,
}

fn tsv_row(k: &Key, severity: &str, verdict: &str, reason: &str) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
        k.repo, k.rule, k.file, k.line, k.col, severity, verdict, reason
    )
}

/// Runs `scaleplan lint . --format json` in the repository.
fn lint_repository(corpus: &Path, repo: &str) -> Vec<(Key, Finding)> {
    let out = Command::new(env!("CARGO_BIN_EXE_scaleplan"))
        .args(["lint", ".", "--format", "json", "--color", "never"])
        .current_dir(corpus.join(repo))
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    // 0: no error, 1: an error finding; anything else is not a lint result.
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{repo}: `scaleplan lint .` exited {:?}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{repo}: the JSON report does not parse: {e}"));
    let diagnostics = json["diagnostics"].as_array().expect("diagnostics array");
    diagnostics
        .iter()
        .map(|d| {
            let loc = &d["location"];
            let file = loc["file"].as_str().unwrap_or("");
            let key = Key {
                repo: repo.to_owned(),
                file: file.strip_prefix("./").unwrap_or(file).to_owned(),
                line: loc["line"].as_u64().unwrap_or(0) as usize,
                col: loc["column"].as_u64().unwrap_or(0) as usize,
                rule: d["rule"].as_str().expect("rule").to_owned(),
            };
            let finding = Finding {
                severity: d["severity"].as_str().expect("severity").to_owned(),
                // One line, no tabs: it is printed as a TSV field.
                message: d["message"]
                    .as_str()
                    .unwrap_or("")
                    .replace(['\t', '\n'], " "),
            };
            (key, finding)
        })
        .collect()
}

/// Rows of a TSV file with the given header; `#` lines and blank lines are
/// comments. Every malformed row is reported at once, with its line number.
fn read_tsv(path: &str, header: &str) -> Vec<(usize, Vec<String>)> {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut lines = text.lines().enumerate();
    let first = lines.next().map(|(_, l)| l).unwrap_or("");
    assert_eq!(first, header, "{path}:1: the header must be exactly this");
    let columns = header.split('\t').count();
    let mut rows = Vec::new();
    let mut errors = String::new();
    for (i, line) in lines {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if cols.len() != columns {
            writeln!(
                errors,
                "{path}:{}: {} columns, expected {columns} ({header:?})",
                i + 1,
                cols.len()
            )
            .unwrap();
            continue;
        }
        rows.push((i + 1, cols));
    }
    assert!(errors.is_empty(), "malformed rows:\n{errors}");
    rows
}

fn number(path: &str, line: usize, what: &str, text: &str) -> usize {
    text.parse()
        .unwrap_or_else(|_| panic!("{path}:{line}: {what} {text:?} is not a number"))
}

fn read_verdicts() -> BTreeMap<Key, Vec<Verdict>> {
    let mut out: BTreeMap<Key, Vec<Verdict>> = BTreeMap::new();
    let mut errors = String::new();
    for (n, c) in read_tsv(VERDICTS, VERDICT_HEADER) {
        let key = Key {
            repo: c[0].clone(),
            rule: c[1].clone(),
            file: c[2].clone(),
            line: number(VERDICTS, n, "line", &c[3]),
            col: number(VERDICTS, n, "col", &c[4]),
        };
        if !matches!(c[5].as_str(), "error" | "warning" | "info") {
            writeln!(errors, "{VERDICTS}:{n}: severity {:?}", c[5]).unwrap();
        }
        if !matches!(c[6].as_str(), "true" | "false") {
            writeln!(
                errors,
                "{VERDICTS}:{n}: verdict {:?}, expected true or false",
                c[6]
            )
            .unwrap();
        }
        if c[7].trim().is_empty() {
            writeln!(errors, "{VERDICTS}:{n}: no reason").unwrap();
        }
        out.entry(key).or_default().push(Verdict {
            severity: c[5].clone(),
            verdict: c[6].clone(),
            reason: c[7].clone(),
        });
    }
    assert!(
        errors.is_empty(),
        "unjudged or malformed verdicts:\n{errors}"
    );
    out
}

#[test]
fn every_finding_on_the_ecosystem_corpus_is_judged() {
    let corpus = corpus();
    let mut produced: BTreeMap<Key, Vec<Finding>> = BTreeMap::new();
    for repo in repositories(&corpus) {
        for (key, finding) in lint_repository(&corpus, &repo) {
            produced.entry(key).or_default().push(finding);
        }
    }
    let mut verdicts = read_verdicts();

    // Pair the findings of each key with its verdicts, same severity first.
    let mut unjudged = Vec::new();
    let mut changed = Vec::new();
    for (key, findings) in &produced {
        let rows = verdicts.entry(key.clone()).or_default();
        let mut left = Vec::new();
        for f in findings {
            match rows.iter().position(|v| v.severity == f.severity) {
                Some(i) => {
                    rows.remove(i);
                }
                None => left.push(f),
            }
        }
        for f in left {
            if rows.is_empty() {
                unjudged.push(tsv_row(key, &f.severity, "?", &f.message));
            } else {
                // Same place, new severity: the old verdict is offered, to be checked.
                let old = rows.remove(0);
                changed.push(format!(
                    "{}\t# was {}",
                    tsv_row(key, &f.severity, &old.verdict, &old.reason),
                    old.severity
                ));
            }
        }
    }
    let gone: Vec<String> = verdicts
        .iter()
        .flat_map(|(k, rows)| {
            rows.iter()
                .map(move |v| tsv_row(k, &v.severity, &v.verdict, &v.reason))
        })
        .collect();

    let mut report = String::new();
    if !unjudged.is_empty() {
        writeln!(
            report,
            "\n{} finding(s) have no verdict. Judge each by reading the YAML: replace `?` by \
             true or false and the message by a one-line reason, then add the rows to {VERDICTS}:\n",
            unjudged.len()
        )
        .unwrap();
        report.push_str(&unjudged.join("\n"));
        report.push('\n');
    }
    if !changed.is_empty() {
        writeln!(
            report,
            "\n{} finding(s) changed severity; the old verdict is filled in, check that it still \
             holds, drop the `# was` column and replace the old rows in {VERDICTS}:\n",
            changed.len()
        )
        .unwrap();
        report.push_str(&changed.join("\n"));
        report.push('\n');
    }
    if !gone.is_empty() {
        writeln!(
            report,
            "\n{} verdict(s) are no longer produced. Check that each finding went away for a \
             good reason (a false one fixed, not a true one lost), then delete the rows from \
             {VERDICTS}:\n",
            gone.len()
        )
        .unwrap();
        report.push_str(&gone.join("\n"));
        report.push('\n');
    }
    if !report.is_empty() {
        // The same rows in a file, for long lists.
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ecosystem-diff.txt");
        std::fs::write(&out, &report).unwrap();
        panic!(
            "the findings on the ecosystem corpus differ from {VERDICTS} \
             (also written to {}):\n{report}",
            out.display()
        );
    }
}

#[test]
fn every_miss_names_a_line_of_a_corpus_file() {
    let corpus = corpus();
    let repos = repositories(&corpus);
    let mut errors = String::new();
    for (n, c) in read_tsv(MISSES, MISS_HEADER) {
        if !repos.contains(&c[0]) {
            writeln!(
                errors,
                "{MISSES}:{n}: no repository {:?} in SOURCES.tsv",
                c[0]
            )
            .unwrap();
            continue;
        }
        let line = number(MISSES, n, "line", &c[2]);
        match std::fs::read_to_string(corpus.join(&c[0]).join(&c[1])) {
            Ok(text) if line >= 1 && line <= text.lines().count() => {}
            Ok(_) => writeln!(errors, "{MISSES}:{n}: {} has no line {line}", c[1]).unwrap(),
            Err(e) => writeln!(errors, "{MISSES}:{n}: {}: {e}", c[1]).unwrap(),
        }
        if c[3].trim().is_empty() || c[4].trim().is_empty() {
            writeln!(
                errors,
                "{MISSES}:{n}: a miss needs a rule (or `new`) and a reason"
            )
            .unwrap();
        }
    }
    assert!(errors.is_empty(), "{errors}");
}

#[test]
fn the_report_script_reads_the_verdicts() {
    let out = Command::new(root().join("scripts/ecosystem-report"))
        .current_dir(root())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scripts/ecosystem-report failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("overall"), "{stdout}");
}

/// Fails, never skips, without shellcheck (scripts/install-test-deps installs it).
#[test]
fn the_report_script_is_shellcheck_clean() {
    let out = Command::new("shellcheck")
        .arg("scripts/ecosystem-report")
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| {
            panic!("shellcheck: {e}; scripts/install-test-deps (apt-get install shellcheck)")
        });
    assert!(
        out.status.success(),
        "shellcheck scripts/ecosystem-report:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
