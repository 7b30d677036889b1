//! The lint run: read each file (in parallel across files), run document
//! rules while each document is in memory, keep a small index of objects,
//! then run cross-object rules over the index and locate their findings.

use crate::checks;
use crate::config::{Config, RuleSetting};
use crate::index::{Index, IndexedObject, PendingBody, PendingObject};
use crate::input::Input;
use crate::kind::{ObjectKind, classify};
use crate::parse::{
    ParseProblem, has_lone_cr, read_document_at, read_documents, with_marked_document,
};
use crate::places::{self, Lookup, Placer};
use crate::registry;
use crate::rule::{Check, DocumentContext, Finding, Findings, ObjectsContext, Rule};
use crate::spill::{DiagnosticSpill, SortedDiagnostics};
use crate::suppress::Suppression;
use crate::template;
use crate::version::KubeVersion;
use scaleplan_diag::yaml::field_path;
use scaleplan_diag::{Diagnostic, Severity, SourceFile};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The rules that run, each at its effective severity.
#[derive(Clone, Debug)]
pub struct RuleSet {
    active: Vec<(&'static Rule, Severity)>,
}

impl RuleSet {
    /// Every rule that is on by default, at its default severity.
    pub fn defaults() -> Self {
        Self::from_config(&Config::default())
    }

    /// Applies the config's `rules:` settings to the defaults.
    pub fn from_config(config: &Config) -> Self {
        let active = registry::all()
            .filter_map(|e| {
                let r = e.rule;
                match config.rules.get(&r.id.to_ascii_uppercase()) {
                    Some(RuleSetting::Off) => None,
                    Some(RuleSetting::On) => Some((r, r.severity)),
                    Some(RuleSetting::Severity(s)) => Some((r, *s)),
                    None => r.enabled.then_some((r, r.severity)),
                }
            })
            .collect();
        RuleSet { active }
    }

    /// Only the listed rule IDs (for rule tests), at default severity.
    pub fn only(ids: &[&str]) -> Self {
        let active = registry::all()
            .filter(|e| ids.iter().any(|i| i.eq_ignore_ascii_case(e.rule.id)))
            .map(|e| (e.rule, e.rule.severity))
            .collect();
        RuleSet { active }
    }

    /// Exactly these rules at these severities (engine tests use rules of
    /// their own that are not in the registry).
    pub fn with_rules(active: Vec<(&'static Rule, Severity)>) -> Self {
        RuleSet { active }
    }

    /// The effective severity of a rule, `None` when it is off.
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.active
            .iter()
            .find(|(r, _)| r.id == id)
            .map(|(_, s)| *s)
    }
}

/// Everything a lint run needs besides its inputs.
#[derive(Clone, Debug)]
pub struct LintOptions {
    pub kubernetes_version: KubeVersion,
    pub rules: RuleSet,
    /// Worker threads; files are spread across them. 0 means one per core.
    pub jobs: usize,
    /// Bytes of pruned objects the index keeps in memory before it moves
    /// them to a temporary file (see `body_store`).
    pub index_memory: usize,
    /// Findings kept in memory before they are sorted into runs on disk
    /// (see `spill`).
    pub findings_memory: usize,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            kubernetes_version: KubeVersion::DEFAULT,
            rules: RuleSet::defaults(),
            jobs: 0,
            index_memory: 64 << 20,
            findings_memory: 10_000,
        }
    }
}

/// What happened to one input file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileSummary {
    pub file: String,
    /// Documents read (empty documents are not counted).
    pub documents: usize,
    /// The file holds template expressions (reported once). When it does not
    /// parse, none of its documents were linted and `documents` is 0.
    pub template: bool,
    /// Syntax errors met (each loses at most one document).
    pub syntax_errors: usize,
    /// What each document was, in order: `Kind(apiVersion)` for objects,
    /// the shape's name otherwise (`AdapterValues`, `NotAnObject`).
    pub kinds: Vec<String>,
}

/// The outcome of a lint run.
#[derive(Debug, Default)]
pub struct LintResult {
    /// Sorted ([`scaleplan_diag::sort`]), suppressions applied.
    pub diagnostics: Vec<Diagnostic>,
    /// One per input, in input order.
    pub files: Vec<FileSummary>,
    /// Findings silenced by `scaleplan.dev/ignore`.
    pub suppressed: usize,
    /// Documents by kind, for the summary line.
    pub kinds: BTreeMap<String, usize>,
}

/// What a run leaves besides its diagnostics and file summaries.
#[derive(Debug, Default)]
pub struct LintSummary {
    /// Inputs read.
    pub files: usize,
    /// Documents read (empty documents are not counted).
    pub documents: usize,
    /// Findings silenced by `scaleplan.dev/ignore`.
    pub suppressed: usize,
    /// Documents by kind.
    pub kinds: BTreeMap<String, usize>,
}

/// The diagnostics of a run in output order ([`scaleplan_diag::sort`], exact
/// duplicates removed), suppressions applied. Past
/// [`LintOptions::findings_memory`] they were sorted into runs in a
/// temporary file, merged back as they are read; an `Err` means that file
/// could not be read back, and what follows it is lost.
pub struct Diagnostics(SortedDiagnostics);

impl Iterator for Diagnostics {
    type Item = std::io::Result<Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next()
    }
}

/// The diagnostic that stands for a failure of the temporary files.
pub fn temp_file_error(e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "IO",
        format!(
            "a temporary file of the run could not be read back ({e}): findings are incomplete"
        ),
    )
}

/// What reading one file leaves behind.
struct FileOutcome {
    diagnostics: Vec<Diagnostic>,
    objects: Vec<PendingObject>,
    summary: FileSummary,
    suppressed: usize,
    kinds: Vec<ObjectKind>,
}

/// Lints a set of inputs, with every diagnostic and file summary in memory
/// (tests, the library); [`lint_streaming`] is the same run for any size.
pub fn lint(inputs: &[Input], options: &LintOptions) -> LintResult {
    let mut files = Vec::new();
    let (summary, diagnostics) = lint_streaming(inputs, options, &mut |f| files.push(f));
    LintResult {
        diagnostics: diagnostics
            .map(|d| d.unwrap_or_else(|e| temp_file_error(&e)))
            .collect(),
        files,
        suppressed: summary.suppressed,
        kinds: summary.kinds,
    }
}

/// Lints a set of inputs in memory that grows only by a small record per
/// object (docs/lint.md "Performance"): each file's summary goes to
/// `on_file` as it is read, object bodies into the index's store, findings
/// into a spill that sorts them on disk past a budget.
pub fn lint_streaming(
    inputs: &[Input],
    options: &LintOptions,
    on_file: &mut dyn FnMut(FileSummary),
) -> (LintSummary, Diagnostics) {
    let mut summary = LintSummary::default();
    let mut spill = DiagnosticSpill::new(options.findings_memory);
    let mut index = Index::new(options.index_memory);
    // Counted by kind, named once at the end (not a string per document).
    let mut kinds: BTreeMap<ObjectKind, usize> = BTreeMap::new();
    // What a file leaves behind goes into the index in input order, as soon
    // as the files before it are in: at most a few outcomes per thread wait.
    let threads = thread_count(options.jobs);
    read_in_order(inputs, options, threads, threads * 8, &mut |outcome| {
        for d in outcome.diagnostics {
            spill.push(d);
        }
        summary.files += 1;
        summary.documents += outcome.summary.documents;
        summary.suppressed += outcome.suppressed;
        for k in outcome.kinds {
            *kinds.entry(k).or_default() += 1;
        }
        for o in outcome.objects {
            index.push(o);
        }
        on_file(outcome.summary);
    });
    index.finish();
    for (k, n) in kinds {
        *summary.kinds.entry(format!("{k:?}")).or_default() += n;
    }
    let spill = Mutex::new(spill);
    summary.suppressed += run_object_rules(&index, inputs, options, &|diags| {
        let mut spill = spill.lock().expect("no panics while holding the lock");
        for d in diags {
            spill.push(d);
        }
    });
    let mut spill = spill.into_inner().expect("rules finished");
    if index.bodies_failed() {
        spill.push(Diagnostic::error(
            "IO",
            "the temporary file that holds the index could not be written or read back \
             (disk full?): cross-object findings are incomplete",
        ));
    }
    (summary, Diagnostics(spill.finish()))
}

/// Lints one text (tests, fuzzing, stdin).
pub fn lint_text(name: &str, text: &str, options: &LintOptions) -> LintResult {
    lint(
        &[Input::Text {
            name: name.into(),
            text: text.into(),
        }],
        options,
    )
}

/// Reads every input on `threads` workers that live for the whole pass,
/// handing the outcomes to `fold` in input order. A worker does not start
/// a file more than `window` files ahead of the last one folded, so the
/// outcomes waiting for an earlier, slower file stay few.
fn read_in_order(
    inputs: &[Input],
    options: &LintOptions,
    threads: usize,
    window: usize,
    fold: &mut dyn FnMut(FileOutcome),
) {
    if threads <= 1 || inputs.len() <= 1 {
        for (i, input) in inputs.iter().enumerate() {
            fold(read_input(i, input, options));
        }
        return;
    }
    let next = AtomicUsize::new(0);
    let folded = Mutex::new(0usize);
    let moved = std::sync::Condvar::new();
    let (tx, rx) = std::sync::mpsc::channel::<(usize, FileOutcome)>();
    std::thread::scope(|s| {
        for _ in 0..threads.min(inputs.len()) {
            let tx = tx.clone();
            let (next, folded, moved) = (&next, &folded, &moved);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(i) else { break };
                    // The file `folded` points at was taken before `i` and
                    // never waits, so this wait always ends.
                    let mut done = folded.lock().expect("no panics while holding the lock");
                    while i >= *done + window {
                        done = moved.wait(done).expect("no panics while holding the lock");
                    }
                    drop(done);
                    if tx.send((i, read_input(i, input, options))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut want = 0;
        for (i, outcome) in rx {
            waiting.insert(i, outcome);
            while let Some(outcome) = waiting.remove(&want) {
                fold(outcome);
                want += 1;
                *folded.lock().expect("no panics while holding the lock") = want;
                moved.notify_all();
            }
        }
    });
}

/// `jobs` as a thread count: 0 means one per core.
fn thread_count(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// `f` applied to every item on `jobs` threads (0: one per core), results in
/// item order. Threads take the next item as they free up, so one large
/// file or slow rule does not hold back the items behind it.
fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let jobs = thread_count(jobs).min(items.len().max(1));
    if jobs <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let r = f(i, item);
            slots.lock().expect("no panics while holding the lock")[i] = Some(r);
        }
    };
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(work);
        }
    });
    slots
        .into_inner()
        .expect("workers finished")
        .into_iter()
        .flatten()
        .collect()
}

/// Loads an input's text; `Err` is a finding (unreadable, not UTF-8).
pub(crate) fn load(input: &Input) -> Result<SourceFile, Box<Diagnostic>> {
    match input {
        Input::Text { name, text } => Ok(SourceFile::new(name.clone(), text.clone())),
        Input::Path(p) => {
            let name = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| {
                Box::new(
                    Diagnostic::error("IO", format!("{name}: {e}"))
                        .at(scaleplan_diag::Location::point(name.clone(), 1, 1)),
                )
            })?;
            match String::from_utf8(bytes) {
                Ok(text) => Ok(SourceFile::new(name, text)),
                Err(e) => {
                    // Point at the first bad byte: the text before it is valid.
                    let at = e.utf8_error().valid_up_to();
                    let before = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    Err(Box::new(
                        Diagnostic::error(
                            checks::NOT_UTF8,
                            format!(
                                "not UTF-8 text: invalid byte 0x{:02X} at offset {at}",
                                e.as_bytes()[at]
                            ),
                        )
                        .at(scaleplan_diag::Location::point(name, line, column))
                        .help("save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`)"),
                    ))
                }
            }
        }
    }
}

fn read_input(file: usize, input: &Input, options: &LintOptions) -> FileOutcome {
    let mut outcome = FileOutcome {
        diagnostics: Vec::new(),
        objects: Vec::new(),
        summary: FileSummary {
            file: input.name(),
            documents: 0,
            template: false,
            syntax_errors: 0,
            kinds: Vec::new(),
        },
        suppressed: 0,
        kinds: Vec::new(),
    };
    let src = match load(input) {
        Ok(src) => src,
        Err(d) => {
            push_engine(&mut outcome.diagnostics, &options.rules, *d);
            return outcome;
        }
    };
    // Templates that still parse: linted, except on their template lines.
    let template_lines: Vec<usize> = template::find_all(&src.text, true)
        .iter()
        .map(|m| m.line)
        .collect();
    let rules = &options.rules;
    let file_name: std::sync::Arc<str> = src.name.as_str().into();
    let placer = Placer::new(&src, &template_lines);
    let problems = read_documents(&src.text, &mut |doc| {
        outcome.summary.documents += 1;
        let object = classify(&doc.json);
        outcome.kinds.push(object.kind);
        outcome
            .summary
            .kinds
            .push(match (&object.kind_name, &object.api_version) {
                // `Kind(apiVersion)` for every document: pushed, not formatted.
                (Some(k), Some(v)) => {
                    let mut name = String::with_capacity(k.len() + v.len() + 2);
                    for part in [&k[..], "(", &v[..], ")"] {
                        name.push_str(part);
                    }
                    name
                }
                _ => format!("{:?}", object.kind),
            });
        let suppression = Suppression::of_document(&doc.json);
        let mut found = Vec::new();
        for p in &doc.problems {
            found.push(problem_diagnostic(&src, p));
        }
        // Profiles are checked by their own crate, against saphyr's tree of
        // the document (read again: profiles are few); their findings keep
        // their own IDs (P0...), all switched by PROFILE001.
        let mut profile_findings = Vec::new();
        if object.kind == ObjectKind::ScalingProfile
            && rules.severity(checks::SCALING_PROFILE).is_some()
        {
            let read = with_marked_document(&src.text, doc.index, doc.lines, &mut |root| {
                profile_findings = scaleplan_profile::check_document(&src, root, doc.index).1;
            });
            if !read {
                // Only a file with old Mac line ends and a syntax error
                // elsewhere gets here: say so rather than skip the checks.
                profile_findings.push(
                    Diagnostic::error(
                        checks::SCALING_PROFILE,
                        "this scaling profile could not be read again for its checks",
                    )
                    .at(src.location(doc.lines.0, 1, doc.lines.0, 1))
                    .help("fix the file's syntax errors (and save it with \\n line ends)"),
                );
            }
        }
        let ctx = DocumentContext::new(
            &src,
            doc.index,
            doc.json,
            &doc.positions,
            &object,
            options.kubernetes_version,
        );
        for (rule, severity) in &rules.active {
            if let Check::Document(check) = rule.check {
                let mut findings = Findings::new(rule.id, *severity);
                check(&ctx, &mut findings);
                found.extend(findings.out.into_iter().map(|f| f.diag));
            }
        }
        for d in found {
            let on_template = d
                .location
                .as_ref()
                .is_some_and(|l| template_lines.contains(&l.line));
            if on_template {
                continue;
            }
            if suppression.as_ref().is_some_and(|s| s.covers(&d.rule)) {
                outcome.suppressed += 1;
            } else {
                push_engine(&mut outcome.diagnostics, rules, d);
            }
        }
        for d in profile_findings {
            if suppression.as_ref().is_some_and(|s| s.covers(&d.rule)) {
                outcome.suppressed += 1;
            } else {
                outcome.diagnostics.push(d);
            }
        }
        if object.kind != ObjectKind::NotAnObject {
            let name = ctx.name().map(str::to_owned);
            let namespace = ctx.namespace().map(str::to_owned);
            let mut json = ctx.into_json();
            let body = PendingBody::of(&object, &mut json, |full, pruned, out| {
                placer.encode(doc.lines.0, &doc.positions, full, pruned, out);
            });
            outcome.objects.push(PendingObject {
                object,
                name,
                namespace,
                body,
                file,
                doc: doc.index,
                doc_lines: doc.lines,
                file_name: file_name.clone(),
                suppression,
            });
        }
    });
    outcome.summary.syntax_errors = problems.len();
    if !problems.is_empty()
        && let Some(mark) = template::find(&src.text, false)
    {
        // A template that does not parse: one finding, not a cascade, and
        // its documents count as the template's, not as linted.
        outcome.diagnostics.clear();
        outcome.objects.clear();
        outcome.kinds.clear();
        outcome.summary.kinds.clear();
        outcome.summary.documents = 0;
        report_template(&mut outcome, &src, &mark, options);
        return outcome;
    }
    if let Some(mark) = template::find(&src.text, true) {
        report_template(&mut outcome, &src, &mark, options);
    }
    for p in &problems {
        push_engine(&mut outcome.diagnostics, rules, problem_diagnostic(&src, p));
    }
    for d in &mut outcome.diagnostics {
        clamp_location(&src, d);
    }
    outcome
}

fn report_template(
    outcome: &mut FileOutcome,
    src: &SourceFile,
    mark: &template::TemplateMark,
    options: &LintOptions,
) {
    outcome.summary.template = true;
    let d = Diagnostic::warning(
        checks::TEMPLATE,
        format!(
            "a template, not YAML: render it first (helm template ... | scaleplan lint -); found `{}`",
            mark.text
        ),
    )
    .at(src.location(mark.line, mark.column, mark.line, mark.end_column))
    .help("lint what reaches the cluster: `helm template RELEASE CHART | scaleplan lint -`, or `envsubst < FILE | scaleplan lint -`");
    push_engine(&mut outcome.diagnostics, &options.rules, d);
}

/// Names the field a located finding is about, unless its rule did.
fn name_field(d: &mut Diagnostic, pointer: &str) {
    if d.field.is_none() && pointer.len() > 1 {
        d.field = Some(field_path(pointer));
    }
}

/// Keeps a diagnostic's location inside its file (see [`places::clamp`]).
fn clamp_location(src: &SourceFile, d: &mut Diagnostic) {
    let Some(loc) = d.location.as_mut() else {
        return;
    };
    [loc.line, loc.column, loc.end_line, loc.end_column] =
        places::clamp(src, [loc.line, loc.column, loc.end_line, loc.end_column]);
}

/// Keeps an engine diagnostic if its rule is on, at its effective severity.
/// (`IO` is not a rule: unreadable files are always reported.)
fn push_engine(out: &mut Vec<Diagnostic>, rules: &RuleSet, mut d: Diagnostic) {
    if d.rule == "IO" {
        out.push(d);
        return;
    }
    if let Some(s) = rules.severity(&d.rule) {
        d.severity = s;
        out.push(d);
    }
}

fn problem_diagnostic(src: &SourceFile, p: &ParseProblem) -> Diagnostic {
    match p {
        ParseProblem::Syntax {
            line,
            col,
            message,
            document_line,
        } => Diagnostic::error(checks::YAML_SYNTAX, format!("invalid YAML: {message}"))
            .at(src.location(*line, col + 1, *line, col + 1))
            .help(format!(
                "fix the YAML syntax; the document that starts at line {document_line} was skipped, \
                 and reading resumed at the next `---`"
            )),
        ParseProblem::DuplicateKey { key, span, first } => Diagnostic::error(
            checks::DUPLICATE_KEY,
            format!(
                "duplicate key `{key}` (first defined at line {})",
                first.line()
            ),
        )
        .at(span.location(src))
        .help("remove one of them; most tools silently keep the last value"),
        ParseProblem::AliasBudget { line, col } => Diagnostic::error(
            checks::ALIAS_BUDGET,
            "alias expansion exceeds 100000 nodes (a \"billion laughs\" document); refused",
        )
        .at(src.location(*line, col + 1, *line, col + 1))
        .help("write the values out instead of nesting aliases"),
    }
}

/// Runs the cross-object rules side by side (they only read the index) and
/// hands their findings to `emit`, located: the files they point into are
/// read again, only the documents concerned. Findings are settled in
/// batches as the rules push them ([`Findings::flushed_to`]), so a rule that
/// reports on much of a large input does not hold it all. Returns how many
/// findings `scaleplan.dev/ignore` silenced.
fn run_object_rules(
    index: &Index,
    inputs: &[Input],
    options: &LintOptions,
    emit: &(dyn Fn(Vec<Diagnostic>) + Sync),
) -> usize {
    let ctx = ObjectsContext {
        index,
        kubernetes_version: options.kubernetes_version,
    };
    let object_rules: Vec<_> = options
        .rules
        .active
        .iter()
        .filter_map(|(rule, severity)| match rule.check {
            Check::Objects(check) => Some((rule.id, *severity, check)),
            Check::Document(_) | Check::Engine => None,
        })
        .collect();
    let suppressed = AtomicUsize::new(0);
    let settle = |findings: Vec<Finding>| {
        let mut by_file: BTreeMap<usize, Vec<Finding>> = BTreeMap::new();
        let mut located = Vec::new();
        for f in findings {
            let object = f.anchor.as_ref().and_then(|a| index.get(a.object));
            if object.is_some_and(|o| {
                index
                    .suppression(o.id())
                    .is_some_and(|s| s.covers(&f.diag.rule))
            }) {
                suppressed.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            match object {
                Some(o) => by_file.entry(o.file()).or_default().push(f),
                None => located.push(f.diag),
            }
        }
        let by_file: Vec<(usize, Vec<Finding>)> = by_file.into_iter().collect();
        let per_file = parallel_map(&by_file, options.jobs, |_, (file, findings)| {
            locate_in_file(&inputs[*file], index, findings)
        });
        located.extend(per_file.into_iter().flatten());
        emit(located);
    };
    parallel_map(&object_rules, options.jobs, |_, (id, severity, check)| {
        let mut out = Findings::flushed_to(id, *severity, &settle);
        check(&ctx, &mut out);
        settle(std::mem::take(&mut out.out));
    });
    suppressed.into_inner()
}

/// Turns the anchors of one file's cross-object findings into positions,
/// from the records kept with the bodies (`places`), reading again only the
/// documents of pointers those cannot answer.
fn locate_in_file(input: &Input, index: &Index, findings: &[Finding]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // What the records kept with each body cannot answer, by document, with
    // the lines it spans, in file order.
    let mut by_doc: BTreeMap<usize, ((usize, usize), Vec<Finding>)> = BTreeMap::new();
    let mut records: BTreeMap<usize, Option<crate::body_store::Placed>> = BTreeMap::new();
    for f in findings {
        let object = f.anchor.as_ref().and_then(|a| index.get(a.object));
        if let (Some(a), Some(o)) = (&f.anchor, object) {
            let (_, (first_line, _)) = o.document();
            let found = records
                .entry(o.id())
                .or_insert_with(|| o.places())
                .as_ref()
                .map_or(Lookup::Unknown, |placed| {
                    places::lookup(
                        &placed.text,
                        &placed.records,
                        o.file_name(),
                        first_line,
                        &a.pointer,
                        a.at_value,
                    )
                });
            match found {
                Lookup::At(loc) => {
                    let mut d = f.diag.clone();
                    d.location = Some(loc);
                    name_field(&mut d, &a.pointer);
                    out.push(d);
                    continue;
                }
                Lookup::OnTemplate => continue, // a template value: not the real one
                Lookup::Unknown => {}
            }
        }
        let (doc, lines) = object.map_or((0, (0, 0)), IndexedObject::document);
        by_doc
            .entry(doc)
            .or_insert_with(|| (lines, Vec::new()))
            .1
            .push(f.clone());
    }
    if by_doc.is_empty() {
        return out;
    }
    let Ok(src) = load(input) else {
        // The file changed or vanished since it was read: report unlocated.
        out.extend(by_doc.into_values().flat_map(|(_, fs)| fs).map(|f| f.diag));
        return out;
    };
    let template_lines: Vec<usize> = template::find_all(&src.text, true)
        .iter()
        .map(|m| m.line)
        .collect();
    let mut locate = |doc: crate::parse::ParsedDocument, fs: Vec<Finding>| {
        for mut f in fs {
            if let Some(a) = &f.anchor {
                let loc = if a.at_value {
                    doc.positions.value_location(&src, &doc.json, &a.pointer)
                } else {
                    doc.positions.pointer_location(&src, &doc.json, &a.pointer)
                };
                if template_lines.contains(&loc.line) {
                    continue; // a template value: not the real one
                }
                f.diag.location = Some(loc);
                clamp_location(&src, &mut f.diag);
                name_field(&mut f.diag, &a.pointer);
            }
            out.push(f.diag);
        }
    };
    // The source's own line index serves (the same text), unless lone
    // `\r`s make the parser count lines differently.
    let starts = (!has_lone_cr(&src.text)).then(|| src.line_starts());
    let mut whole_file = false;
    for (doc, (lines, fs)) in std::mem::take(&mut by_doc) {
        let mut fs = Some(fs);
        let found = starts.is_some_and(|starts| {
            read_document_at(&src.text, starts, doc, lines, &mut |d| {
                locate(d, fs.take().unwrap_or_default());
            })
        });
        if !found && let Some(fs) = fs {
            by_doc.insert(doc, (lines, fs));
            whole_file = true;
        }
    }
    if whole_file {
        // A document was not where it was read, or the file's line ends are
        // lone `\r`s (see `line_starts`): read the whole file, as the first
        // pass did.
        read_documents(&src.text, &mut |doc| {
            if let Some((_, fs)) = by_doc.remove(&doc.index) {
                locate(doc, fs);
            }
        });
    }
    out.extend(by_doc.into_values().flat_map(|(_, fs)| fs).map(|f| f.diag));
    out
}
