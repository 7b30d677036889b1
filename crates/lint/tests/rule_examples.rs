//! Every rule's documented example (the `## Example` section of its doc
//! comment, which `scaleplan explain` prints) triggers the rule, and its
//! `Use instead:` does not: the docs users read cannot drift from the code.
//!
//! Convention: the first fenced `yaml` block after `## Example` is the
//! example, the first one after `Use instead:` is the fix. Each is linted on
//! its own as one file (`example.yaml`) with only that rule on. A rule whose
//! example is a fragment (a `spec:` without its object, one key of a values
//! file) is listed in [`UNTESTED`] with the reason; the way off the list is a
//! complete example, and the test fails when a listed example starts to work,
//! so the list only shrinks.

use scaleplan_lint::registry;
use scaleplan_lint::{LintOptions, RuleSet, lint_text};

use std::fmt::Write as _;

/// Rules whose example cannot be checked as it is written, and why.
const UNTESTED: &[(&str, &str)] = &[
    (
        "YAML003",
        "the alias bomb is elided (`# ... and so on`): a complete one that passes the budget is too long for the docs",
    ),
    (
        "YAML005",
        "non-UTF-8 bytes cannot be shown in a ```yaml block; the example is prose",
    ),
    (
        "HPA001",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA002",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA003",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA004",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA005",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA006",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "HPA007",
        "a fragment of an HPA's metrics list (one Object metric), no HPA around it",
    ),
    (
        "HPA008",
        "a fragment of one Resource metric, no HPA around it",
    ),
    (
        "HPA009",
        "a fragment of an HPA's metrics list (one Object metric), no HPA around it",
    ),
    (
        "HPA010",
        "a fragment of an HPA (`spec:` only, no apiVersion, kind, metadata or scaleTargetRef)",
    ),
    (
        "XOBJ001",
        "needs the near-miss workload it names, complete with a pod template: the rule speaks only when the input holds one",
    ),
    (
        "XOBJ002",
        "needs the HPA that targets the Deployment and a pod template: only the Deployment's `spec.replicas` is shown",
    ),
    (
        "XOBJ003",
        "a fragment of a pod template's `containers:`, without the HPA and workload around it",
    ),
    (
        "XOBJ004",
        "partial objects with `...` (no apiVersion, no scaleTargetRef, no workload joining them)",
    ),
    (
        "XOBJ005",
        "partial objects with `...` (no apiVersion, no maxReplicas, no workload)",
    ),
    (
        "XOBJ006",
        "a fragment of a CronJob container's `command:`, without the CronJob and the HPA it patches",
    ),
    (
        "ADAPTER001",
        "a fragment of prometheus-adapter values (one key of one rule, no `rules:` around it)",
    ),
    (
        "ADAPTER002",
        "a fragment of prometheus-adapter values (one key of one rule, no `rules:` around it)",
    ),
    (
        "ADAPTER003",
        "a fragment of prometheus-adapter values (one key of one rule, no `rules:` around it)",
    ),
    (
        "ADAPTER004",
        "prometheus-adapter values and an HPA metric as fragments in one block (no kinds, no `rules:`)",
    ),
    (
        "ADAPTER005",
        "a fragment of prometheus-adapter values (one key of one rule, no `rules:` around it)",
    ),
    (
        "EXPORTER001",
        "a fragment of a container (`image:`, `ports:`/`env:`) without its Deployment",
    ),
    (
        "EXPORTER003",
        "a fragment of a container (`image:`, `ports:`/`env:`) without its Deployment",
    ),
    (
        "EXPORTER004",
        "a fragment of a container (`image:`, `ports:`/`env:`) without its Deployment",
    ),
    (
        "EXPORTER002",
        "an exporter container fragment and an adapter rule fragment, no Deployment or values around them",
    ),
    (
        "EXPORTER005",
        "a fragment of a Deployment's pod template metadata, without the Service or monitor context",
    ),
    (
        "EXPORTER006",
        "a fragment of an HPA Object metric's `describedObject`, no HPA around it",
    ),
    (
        "KEDA001",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA002",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA003",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA004",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA005",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA006",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA007",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA008",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
    (
        "KEDA009",
        "a fragment of a ScaledObject (`spec:`/`metadata:`/`triggers:` only, no apiVersion or kind)",
    ),
];

/// The first ```yaml block after the first line that starts with `heading`,
/// before the next `## ` section.
fn block_after(docs: &str, heading: &str) -> Option<String> {
    let mut lines = docs
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(heading));
    lines.next()?;
    let mut block = None::<String>;
    for line in lines {
        match &mut block {
            None if line.starts_with("## ") => return None,
            None if line.trim() == "```yaml" => block = Some(String::new()),
            None => {}
            Some(text) if line.trim() == "```" => return Some(std::mem::take(text)),
            Some(text) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    None
}

/// Whether a finding's ID is the rule's: PROFILE001 reports under the
/// profile checks' own IDs (`P0...`).
fn reported_by(id: &str, rule: &str) -> bool {
    id == rule
        || (rule == "PROFILE001"
            && id.starts_with('P')
            && id[1..].bytes().all(|b| b.is_ascii_digit()))
}

/// The findings of `rule` on `text`, as `line:col message` lines. An
/// example that says `--kubernetes-version V` (in a comment) is linted at V.
fn findings(rule: &str, text: &str) -> Vec<String> {
    let mut options = LintOptions {
        rules: RuleSet::only(&[rule]),
        ..LintOptions::default()
    };
    if let Some(v) = text
        .split("--kubernetes-version")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
    {
        options.kubernetes_version = v.parse().expect("the example names a Kubernetes version");
    }
    lint_text("example.yaml", text, &options)
        .diagnostics
        .iter()
        .filter(|d| reported_by(&d.rule, rule))
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.line, l.column))
                .unwrap_or_default();
            format!("{at} {}", d.message)
        })
        .collect()
}

/// What is wrong with one rule's documented example, if anything.
fn check(id: &str, docs: &str) -> Option<String> {
    let Some(example) = block_after(docs, "## Example") else {
        return Some("no ```yaml block under `## Example`".into());
    };
    if findings(id, &example).is_empty() {
        return Some("the example does not trigger the rule".into());
    }
    let fix = block_after(docs, "Use instead")?;
    let left = findings(id, &fix);
    (!left.is_empty()).then(|| format!("`Use instead` still triggers it: {}", left.join("; ")))
}

#[test]
fn every_documented_example_triggers_its_rule_and_its_fix_does_not() {
    let mut failures = String::new();
    let mut listed_but_working = Vec::new();
    for entry in registry::all() {
        let id = entry.rule.id;
        let problem = check(id, &entry.docs());
        match (problem, UNTESTED.iter().find(|(r, _)| *r == id)) {
            (Some(p), None) => writeln!(failures, "{id}: {p}").unwrap(),
            (None, Some(_)) => listed_but_working.push(id),
            _ => {}
        }
    }
    assert!(
        failures.is_empty(),
        "documented examples that do not show their rule (make the example complete, or \
         list the rule in UNTESTED with the reason):\n{failures}"
    );
    assert!(
        listed_but_working.is_empty(),
        "these examples work now: remove them from UNTESTED: {listed_but_working:?}"
    );
}

#[test]
fn untested_examples_name_a_rule_and_a_reason() {
    for (id, why) in UNTESTED {
        assert!(
            registry::find(id).is_some(),
            "UNTESTED names {id}, no such rule"
        );
        assert!(
            !why.trim().is_empty(),
            "{id}: say why the example is not tested"
        );
    }
}
