//! ## What it does
//! Reads the `kubectl patch hpa ...` commands of CronJobs (scheduled
//! scaling) and checks them against the HPAs of the input: the patched HPA
//! must exist in the CronJob's namespace (or the one given with `-n`), and a
//! patched `minReplicas` must not exceed the HPA's `maxReplicas` (unless the
//! same patch raises `maxReplicas` too).
//!
//! ## Why is this bad?
//! Scheduled scaling fails silently. A patch of a renamed HPA exits with
//! `NotFound` in a Job pod nobody watches, and a `minReplicas` above
//! `maxReplicas` is rejected by the API server's validation. Either way the
//! morning scale-up never happens and the first traffic peak meets the
//! night-time minimum.
//!
//! ## Example
//! ```yaml
//! command: [kubectl, patch, hpa, celery-worker-hpa, --type=merge,
//!           --patch, '{"spec":{"minReplicas":12}}']   # HPA max is 10
//! ```
//!
//! Use instead:
//! ```yaml
//! command: [kubectl, patch, hpa, celery-worker, --type=merge,
//!           --patch, '{"spec":{"minReplicas":12,"maxReplicas":20}}']
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/reference/kubectl/generated/kubectl_patch/>
//! - hpa-algorithm.md §12 (maxReplicas must be >= minReplicas)

use crate::pointer::{Member, Pointer};
use super::workload::describe;
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ006",
    name: "cronjob-patches-hpa",
    severity: Severity::Error,
    enabled: true,
    summary: "A CronJob patches an HPA that does not exist, or sets minReplicas above its maxReplicas",
    check: Check::Objects(check),
};

/// One `kubectl patch` of an HPA found in a container's command line.
#[derive(Debug, PartialEq)]
struct HpaPatch {
    name: String,
    namespace: Option<String>,
    min_replicas: Option<i64>,
    max_replicas: Option<i64>,
}

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    for cron in ctx.index.of_kind(ObjectKind::CronJob) {
        let base = "/spec/jobTemplate/spec/template/spec/containers";
        let body = cron.body();
        let Some(Value::Array(containers)) = body.at(base) else {
            continue;
        };
        for (ci, c) in containers.iter().enumerate() {
            for (pointer, words) in command_lines(c, &format!("{base}/{ci}")) {
                for patch in hpa_patches(&words) {
                    let ns = patch.namespace.as_deref().or(cron.namespace());
                    let Some(hpa) = ctx
                        .index
                        .find(ObjectKind::HorizontalPodAutoscaler, ns, &patch.name)
                        .next()
                    else {
                        // Only say "missing" when the input holds HPAs at all.
                        if ctx
                            .index
                            .of_kind(ObjectKind::HorizontalPodAutoscaler)
                            .next()
                            .is_some()
                        {
                            out.push(
                                cron.value_finding(
                                    &pointer,
                                    format!(
                                        "{} patches HorizontalPodAutoscaler {}, which is not in the input",
                                        describe(cron),
                                        patch.name
                                    ),
                                )
                                .help(format!(
                                    "patch the HPA by its metadata.name{}; HPAs in the input: {}",
                                    ns.map(|n| format!(" in namespace {n}")).unwrap_or_default(),
                                    hpa_names(ctx)
                                )),
                            );
                        }
                        continue;
                    };
                    let Some(min) = patch.min_replicas else {
                        continue;
                    };
                    let max = patch
                        .max_replicas
                        .or_else(|| hpa.body().at("/spec/maxReplicas").and_then(Value::as_i64));
                    if let Some(max) = max
                        && min > max
                    {
                        out.push(
                            cron.value_finding(
                                &pointer,
                                format!(
                                    "sets minReplicas {min} on {}, above its maxReplicas {max} (in {}): the API server rejects the patch",
                                    describe(hpa),
                                    hpa.file_name()
                                ),
                            )
                            .help(format!("raise maxReplicas in the same patch ({{\"spec\":{{\"minReplicas\":{min},\"maxReplicas\":{min}}}}} or more), or lower minReplicas")),
                        );
                    }
                }
            }
        }
    }
}

fn hpa_names(ctx: &ObjectsContext<'_>) -> String {
    let names: Vec<String> = ctx
        .index
        .of_kind(ObjectKind::HorizontalPodAutoscaler)
        .map(describe)
        .take(5)
        .collect();
    names.join(", ")
}

/// The command lines of a container as word lists, each with the pointer of
/// the item that holds it: `command` + `args` together, and every string
/// that is itself a shell script (`sh -c "kubectl patch ..."`) on its own.
fn command_lines(c: &Value, pointer: &str) -> Vec<(String, Vec<String>)> {
    let mut joined = Vec::new();
    let mut first = None;
    let mut out = Vec::new();
    for field in ["command", "args"] {
        let Some(Value::Array(items)) = c.get(field) else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(s) = item.as_str() else { continue };
            let p = format!("{pointer}/{field}/{i}");
            let words = shell_words(s);
            if words.len() > 1 {
                out.push((p.clone(), words));
            } else {
                joined.extend(words);
            }
            if first.is_none() && s.contains("patch") {
                first = Some(p);
            }
        }
    }
    if !joined.is_empty() {
        let p = first.unwrap_or_else(|| format!("{pointer}/command"));
        out.push((p, joined));
    }
    out
}

/// Splits a command line into words, honouring single and double quotes.
/// Shell operators (`;`, `&&`, `|`) become words of their own.
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for ch in s.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => cur.push(ch),
            None if ch == '\'' || ch == '"' => {
                quote = Some(ch);
                in_word = true;
            }
            None if ch.is_whitespace() || ch == ';' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
                if ch == ';' {
                    words.push(";".into());
                }
            }
            None => {
                cur.push(ch);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// The HPA patches in a word list: `kubectl patch hpa NAME` or
/// `kubectl patch horizontalpodautoscaler[.autoscaling]/NAME`, with
/// `-n`/`--namespace` and the `-p`/`--patch` JSON.
fn hpa_patches(words: &[String]) -> Vec<HpaPatch> {
    let is_hpa = |w: &str| {
        matches!(
            w,
            "hpa"
                | "horizontalpodautoscaler"
                | "horizontalpodautoscalers"
                | "horizontalpodautoscaler.autoscaling"
                | "horizontalpodautoscalers.autoscaling"
        )
    };
    let mut out = Vec::new();
    let commands = words.split(|w| matches!(w.as_str(), ";" | "&&" | "||" | "|"));
    for cmd in commands {
        let Some(p) = cmd.iter().position(|w| w == "patch") else {
            continue;
        };
        // `patch` first: the image's entrypoint is kubectl (registry.k8s.io/kubectl).
        if p != 0 && !cmd[..p].iter().any(|w| w.ends_with("kubectl")) {
            continue;
        }
        let rest = &cmd[p + 1..];
        let mut name = None;
        let mut namespace = None;
        let mut patch_json = None;
        let mut i = 0;
        while i < rest.len() {
            let w = rest[i].as_str();
            let next = rest.get(i + 1).map(String::as_str);
            if let Some(v) = w
                .strip_prefix("--namespace=")
                .or_else(|| w.strip_prefix("-n="))
            {
                namespace = Some(v.to_owned());
            } else if w == "-n" || w == "--namespace" {
                namespace = next.map(str::to_owned);
                i += 1;
            } else if let Some(v) = w.strip_prefix("--patch=").or_else(|| w.strip_prefix("-p=")) {
                patch_json = Some(v.to_owned());
            } else if w == "-p" || w == "--patch" {
                patch_json = next.map(str::to_owned);
                i += 1;
            } else if let Some((kind, n)) = w.split_once('/') {
                if is_hpa(kind) {
                    name = Some(n.to_owned());
                }
            } else if is_hpa(w) {
                name = next.filter(|n| !n.starts_with('-')).map(str::to_owned);
                i += 1;
            }
            i += 1;
        }
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            continue;
        };
        let spec = patch_json
            .and_then(|j| serde_json::from_str::<Value>(&j).ok())
            .and_then(|v| v.member("spec").cloned());
        out.push(HpaPatch {
            name,
            namespace,
            min_replicas: spec
                .as_ref()
                .and_then(|s| s.member("minReplicas"))
                .and_then(Value::as_i64),
            max_replicas: spec
                .as_ref()
                .and_then(|s| s.member("maxReplicas"))
                .and_then(Value::as_i64),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kubectl_patch_from_a_shell_line() {
        let words = shell_words(
            "kubectl patch hpa celery-worker -n shop --type merge -p '{\"spec\":{\"minReplicas\":5}}' && echo done",
        );
        assert_eq!(
            hpa_patches(&words),
            vec![HpaPatch {
                name: "celery-worker".into(),
                namespace: Some("shop".into()),
                min_replicas: Some(5),
                max_replicas: None
            }]
        );
    }

    #[test]
    fn reads_args_of_a_kubectl_entrypoint() {
        let words: Vec<String> = [
            "patch",
            "horizontalpodautoscaler.autoscaling",
            "api",
            "--namespace=shop",
            "--type=merge",
            "--patch={\"spec\":{\"minReplicas\":3,\"maxReplicas\":9}}",
        ]
        .map(String::from)
        .to_vec();
        let p = hpa_patches(&words);
        assert_eq!(p[0].name, "api");
        assert_eq!(p[0].namespace.as_deref(), Some("shop"));
        assert_eq!((p[0].min_replicas, p[0].max_replicas), (Some(3), Some(9)));
    }

    #[test]
    fn reads_resource_slash_name() {
        let words: Vec<String> = [
            "kubectl",
            "patch",
            "horizontalpodautoscaler/api",
            "--patch={\"spec\":{\"maxReplicas\":9}}",
        ]
        .map(String::from)
        .to_vec();
        let p = hpa_patches(&words);
        assert_eq!(p[0].name, "api");
        assert_eq!(p[0].max_replicas, Some(9));
    }
}
