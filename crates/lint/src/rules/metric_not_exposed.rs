//! ## What it does
//! Checks every Object, Pods and External metric of an HPA against the
//! prometheus-adapter rules of the input: some rule must serve the metric's
//! name on the right API (custom rules for Object and Pods, external rules
//! for External), and for an Object metric the rule must map a label to the
//! described object's resource (and to `namespace`). The rule runs only
//! when the input holds an adapter configuration.
//!
//! ## Why is this bad?
//! The HPA asks the adapter for
//! `/apis/custom.metrics.k8s.io/v1beta1/namespaces/<ns>/services/<name>/<metric>`.
//! A rule that maps only `namespace` registers `namespaces/<metric>`, so this
//! path is `NotFound`; a metric no rule serves is "the server could not find
//! the metric". The HPA shows `<unknown>` and never scales on it, with no
//! error anywhere near the manifests.
//!
//! ## Example
//! ```yaml
//! # adapter values
//! - seriesQuery: 'celery_queue_length{namespace!=""}'
//!   resources: {overrides: {namespace: {resource: namespace}}}
//! # HPA
//! - type: Object
//!   object:
//!     metric: {name: celery_queue_length}
//!     describedObject: {apiVersion: v1, kind: Service, name: celery-exporter}
//! ```
//!
//! Use instead:
//! ```yaml
//! - seriesQuery: 'celery_queue_length{namespace!="",service!=""}'
//!   resources: {overrides: {namespace: {resource: namespace}, service: {resource: service}}}
//! ```
//!
//! ## References
//! - metrics-pipeline.md §3.3, §4 bugs 12, 15, 16
//! - <https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config-walkthrough.md>

use super::adapter_rules::{
    AdapterRule, RuleSet, all_rules, any_adapter, mapped_resources, serves, singular,
};
use crate::pointer::{Member, Pointer};
use super::hpa_shape::HpaV2;
use super::workload::describe;
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER004",
    name: "metric-not-exposed",
    severity: Severity::Error,
    enabled: true,
    summary: "An HPA's Object/Pods/External metric is served by no prometheus-adapter rule, or not for its object's resource",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    if !any_adapter(ctx.index) {
        return;
    }
    let rules = all_rules(ctx.index);
    // The chart's catch-all default rules (on unless `rules.default: false`)
    // serve namespaced series under their own names: a name that only they
    // might serve cannot be judged offline.
    let defaults_on = ctx
        .index
        .of_kind(ObjectKind::AdapterValues)
        .any(|v| v.body().at("/rules/default").and_then(Value::as_bool) != Some(false));
    // Only metrics of these kinds are served by an adapter.
    let hpas = ctx.index.of_kind(ObjectKind::HorizontalPodAutoscaler);
    for hpa in hpas.filter(|h| h.has_custom_metrics()) {
        let body = hpa.body();
        let view = HpaV2::from_document(&body);
        for (i, m) in view.metrics().iter().enumerate() {
            for (block, set) in [
                ("object", RuleSet::Custom),
                ("pods", RuleSet::Custom),
                ("external", RuleSet::External),
            ] {
                let Some(src) = m.member(block) else { continue };
                let Some(name) = src
                    .at("/metric/name")
                    .and_then(Value::as_str)
                    .filter(|n| !n.is_empty())
                else {
                    continue;
                };
                let pointer =
                    view.source_pointer(&format!("/spec/metrics/{i}/{block}/metric/name"));
                let candidates: Vec<&AdapterRule> = rules
                    .iter()
                    .filter(|(_, r)| r.set == set)
                    .map(|(_, r)| r)
                    .collect();
                let serving: Vec<&AdapterRule> = candidates
                    .iter()
                    .copied()
                    .filter(|r| serves(r, name) != Some(false))
                    .collect();
                let api = match set {
                    RuleSet::Custom => "custom",
                    RuleSet::External => "external",
                };
                let list = match set {
                    RuleSet::Custom => "rules.custom",
                    RuleSet::External => "rules.external",
                };
                if serving.is_empty() {
                    let broken = candidates
                        .iter()
                        .any(|r| r.rule.at("/name/as").and_then(Value::as_str) == Some(name));
                    if defaults_on && set == RuleSet::Custom && !broken {
                        continue;
                    }
                    let why = if broken {
                        " (a rule names it in name.as, but its seriesQuery is not a series selector, so it discovers nothing)"
                    } else {
                        ""
                    };
                    out.push(
                        hpa.value_finding(&pointer, format!("{} asks for {block} metric {name}, but no {api} prometheus-adapter rule in the input serves it{why}", describe(hpa)))
                            .help(format!("add a rule under {list} whose seriesQuery discovers the series and whose name.as yields {name:?}, or fix the metric name")),
                    );
                    continue;
                }
                let resource = match block {
                    "object" => src
                        .at("/describedObject/kind")
                        .and_then(Value::as_str)
                        .map(singular),
                    "pods" => Some("pod".to_owned()),
                    _ => None,
                };
                let Some(resource) = resource else {
                    // External: the adapter adds namespace="<HPA namespace>" to the
                    // query unless the rule says `namespaced: false`.
                    let namespaced = serving.iter().all(|r| {
                        r.rule
                            .at("/resources/namespaced")
                            .and_then(Value::as_bool)
                            != Some(false)
                            && mapped_resources(r)
                                .is_some_and(|res| !res.iter().any(|x| x == "namespace"))
                    });
                    if namespaced {
                        out.push(
                            hpa.value_finding(&pointer, format!("the external rule serving {name} maps no label to namespace and is not `namespaced: false`: the adapter cannot add the HPA's namespace to the query and answers \"unable to fetch metrics\""))
                                .help("add resources.overrides.namespace: {resource: \"namespace\"} to the rule, or resources.namespaced: false (and select the series explicitly)"),
                        );
                    }
                    continue;
                };
                let mut mapped_any = Vec::new();
                let fits = serving.iter().any(|r| match mapped_resources(r) {
                    None => true,
                    Some(res) => {
                        let ok = res.contains(&resource)
                            && (resource == "namespace" || res.iter().any(|x| x == "namespace"));
                        mapped_any.extend(res);
                        ok
                    }
                });
                if fits {
                    continue;
                }
                mapped_any.sort();
                mapped_any.dedup();
                let kind = src
                    .at("/describedObject/kind")
                    .and_then(Value::as_str)
                    .unwrap_or("Pod");
                out.push(
                    hpa.value_finding(
                        &pointer,
                        format!(
                            "{name} is served only for {}, but this {block} metric asks for it on a {kind}: the adapter answers NotFound{}",
                            if mapped_any.is_empty() { "no resource".to_owned() } else { mapped_any.iter().map(|r| format!("{r}s")).collect::<Vec<_>>().join(", ") },
                            if defaults_on { " (unless the chart's default rules, still on, serve it from a label naming the object)" } else { "" }
                        ),
                    )
                    .help(format!("map the label that names the {kind} in the rule's resources.overrides ({resource}: {{resource: \"{resource}\"}}) next to namespace, and make sure the series carry that label")),
                );
            }
        }
    }
}
