//! prometheus-adapter rules as the rules of this linter read them: from the
//! chart's values (`rules.custom`, `rules.external`), from the adapter's own
//! config file (`rules`, `externalRules`) and from a ConfigMap carrying that
//! file. Also what a rule exposes: which series it discovers, which metric
//! names it serves, and which Kubernetes resources it maps labels to
//! (docs/config.md and pkg/naming of kubernetes-sigs/prometheus-adapter).

use crate::index::{Index, IndexedObject};
use crate::kind::ObjectKind;
use crate::pointer::{Member, Pointer};
use promql_parser::label::MatchOp;
use promql_parser::parser::{Expr, VectorSelector};
use serde_json::Value;

/// Which API a rule serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RuleSet {
    /// custom.metrics.k8s.io: Object and Pods metrics.
    Custom,
    /// external.metrics.k8s.io: External metrics.
    External,
}

/// One discovery rule and where it is written.
#[derive(Clone, Debug)]
pub(crate) struct AdapterRule {
    pub set: RuleSet,
    /// JSON pointer of the rule in its document. For a ConfigMap the rule is
    /// inside a string, so this is the pointer of that data key.
    pub pointer: String,
    /// Whether `pointer` names the rule itself (false inside a ConfigMap).
    pub exact: bool,
    pub rule: Value,
    /// `name.matches`, compiled once (`None` when it does not compile).
    naming: std::cell::OnceCell<Option<regex::Regex>>,
    /// The series name and label names of `seriesQuery`, parsed once
    /// (`None` when it is not a series selector).
    discovery: std::cell::OnceCell<Option<(SeriesName, Vec<String>)>>,
}

impl AdapterRule {
    /// Pointer of one of the rule's fields (or of the ConfigMap key).
    pub fn field(&self, key: &str) -> String {
        if self.exact {
            format!("{}/{key}", self.pointer)
        } else {
            self.pointer.clone()
        }
    }

    pub fn series_query(&self) -> Option<&str> {
        self.rule.member("seriesQuery").and_then(Value::as_str)
    }

    pub fn metrics_query(&self) -> Option<&str> {
        self.rule.member("metricsQuery").and_then(Value::as_str)
    }

    /// What `seriesQuery` discovers: the series name and the label names it
    /// filters on; `None` when it is not a series selector.
    pub fn discovery(&self) -> Option<&(SeriesName, Vec<String>)> {
        self.discovery
            .get_or_init(|| {
                let vs = self.series_query().and_then(series_selector)?;
                Some((series_name(&vs), selector_labels(&vs)))
            })
            .as_ref()
    }
}

/// Whether a kind holds adapter rules.
pub(crate) fn is_adapter(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::AdapterValues | ObjectKind::AdapterConfig | ObjectKind::AdapterConfigMap
    )
}

/// The rules of one adapter document (values, config or ConfigMap).
pub(crate) fn rules_of(kind: ObjectKind, doc: &Value) -> Vec<AdapterRule> {
    let mut out = Vec::new();
    let push = |set, base: &str, list: Option<&Value>, exact: bool, out: &mut Vec<AdapterRule>| {
        for (i, r) in list
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if r.is_object() {
                out.push(AdapterRule {
                    set,
                    pointer: if exact {
                        format!("{base}/{i}")
                    } else {
                        base.to_owned()
                    },
                    exact,
                    rule: r.clone(),
                    naming: std::cell::OnceCell::new(),
                    discovery: std::cell::OnceCell::new(),
                });
            }
        }
    };
    match kind {
        ObjectKind::AdapterValues => {
            push(
                RuleSet::Custom,
                "/rules/custom",
                doc.at("/rules/custom"),
                true,
                &mut out,
            );
            push(
                RuleSet::External,
                "/rules/external",
                doc.at("/rules/external"),
                true,
                &mut out,
            );
        }
        ObjectKind::AdapterConfig => {
            push(
                RuleSet::Custom,
                "/rules",
                doc.member("rules"),
                true,
                &mut out,
            );
            push(
                RuleSet::External,
                "/externalRules",
                doc.member("externalRules"),
                true,
                &mut out,
            );
        }
        ObjectKind::AdapterConfigMap => {
            for (key, text) in doc
                .member("data")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let Some(text) = text.as_str() else { continue };
                let Some(config) = parse_embedded(text) else {
                    continue;
                };
                let base = format!("/data/{}", key.replace('~', "~0").replace('/', "~1"));
                push(
                    RuleSet::Custom,
                    &base,
                    config.member("rules"),
                    false,
                    &mut out,
                );
                push(
                    RuleSet::External,
                    &base,
                    config.member("externalRules"),
                    false,
                    &mut out,
                );
            }
        }
        _ => {}
    }
    out
}

/// The adapter config held as a string in a ConfigMap.
fn parse_embedded(text: &str) -> Option<Value> {
    use saphyr::{LoadableYamlNode, MarkedYaml};
    let docs = MarkedYaml::load_from_str(text).ok()?;
    docs.first().map(scaleplan_diag::yaml::to_json)
}

/// Every adapter rule of the input set, with the object that holds it.
pub(crate) fn all_rules(index: &Index) -> Vec<(&IndexedObject, AdapterRule)> {
    index
        .objects()
        .filter(|o| is_adapter(o.kind()))
        .flat_map(|o| {
            rules_of(o.kind(), &o.body())
                .into_iter()
                .map(move |r| (o, r))
        })
        .collect()
}

/// Whether the input holds any adapter configuration.
pub(crate) fn any_adapter(index: &Index) -> bool {
    index.objects().any(|o| is_adapter(o.kind()))
}

/// Substitutes the adapter's template fields with sample values the way the
/// adapter renders them, so the query can be parsed as PromQL. External
/// rules render `<<.GroupBy>>` as the empty string.
pub(crate) fn render_query(query: &str, set: RuleSet) -> String {
    let group_by = match set {
        RuleSet::Custom => "service",
        RuleSet::External => "",
    };
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some(start) = rest.find("<<") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find(">>") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let field = rest[start + 2..start + end].trim();
        out.push_str(match field {
            ".Series" => "sample_series",
            ".LabelMatchers" => "namespace=\"sample\"",
            ".GroupBy" => group_by,
            ".LabelValuesByName" => "",
            ".GroupBySlice" => group_by,
            _ => "",
        });
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// The series a selector names: a literal metric name, a `__name__` regex,
/// or any series (no name at all).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SeriesName {
    Literal(String),
    Pattern(String),
    Any,
}

/// The selector of a `seriesQuery`, if it parses as a plain series selector.
pub(crate) fn series_selector(query: &str) -> Option<VectorSelector> {
    match promql_parser::parser::parse(query).ok()? {
        Expr::VectorSelector(vs) => Some(vs),
        _ => None,
    }
}

pub(crate) fn series_name(vs: &VectorSelector) -> SeriesName {
    if let Some(n) = &vs.name {
        return SeriesName::Literal(n.clone());
    }
    for m in &vs.matchers.matchers {
        if m.name == "__name__" {
            return match &m.op {
                MatchOp::Equal => SeriesName::Literal(m.value.clone()),
                MatchOp::Re(_) => SeriesName::Pattern(m.value.clone()),
                _ => SeriesName::Any,
            };
        }
    }
    SeriesName::Any
}

/// Label names the selector requires or filters on (other than `__name__`).
pub(crate) fn selector_labels(vs: &VectorSelector) -> Vec<String> {
    vs.matchers
        .matchers
        .iter()
        .filter(|m| m.name != "__name__")
        .map(|m| m.name.clone())
        .collect()
}

/// Every metric name a PromQL expression reads (selectors with a literal name).
pub(crate) fn metric_names(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Expr::VectorSelector(vs) => {
            if let SeriesName::Literal(n) = series_name(vs) {
                out.push(n);
            }
        }
        Expr::MatrixSelector(ms) => metric_names(&Expr::VectorSelector(ms.vs.clone()), out),
        Expr::Aggregate(a) => {
            metric_names(&a.expr, out);
            if let Some(p) = &a.param {
                metric_names(p, out);
            }
        }
        Expr::Unary(u) => metric_names(&u.expr, out),
        Expr::Binary(b) => {
            metric_names(&b.lhs, out);
            metric_names(&b.rhs, out);
        }
        Expr::Paren(p) => metric_names(&p.expr, out),
        Expr::Subquery(s) => metric_names(&s.expr, out),
        Expr::Call(c) => c.args.args.iter().for_each(|a| metric_names(a, out)),
        _ => {}
    }
}

/// The series names a rule reads: from its `seriesQuery`, and from a
/// `metricsQuery` that hard-codes names instead of `<<.Series>>`.
pub(crate) fn source_series(rule: &AdapterRule) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((SeriesName::Literal(n), _)) = rule.discovery() {
        out.push(n.clone());
    }
    if let Some(q) = rule.metrics_query()
        && let Ok(expr) = promql_parser::parser::parse(&render_query(q, rule.set))
    {
        let mut names = Vec::new();
        metric_names(&expr, &mut names);
        out.extend(names.into_iter().filter(|n| n != "sample_series"));
    }
    out.dedup();
    out
}

/// Whether a rule serves the metric `name`. `None` when it cannot be told
/// offline (a `__name__` regex whose names are only known to Prometheus).
pub(crate) fn serves(rule: &AdapterRule, name: &str) -> Option<bool> {
    let series = match rule.discovery() {
        Some((name, _)) => name.clone(),
        None => return Some(false),
    };
    let naming = rule.rule.member("name");
    let matches = naming
        .and_then(|n| n.member("matches"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let as_ = naming
        .and_then(|n| n.member("as"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let compiled = rule
        .naming
        .get_or_init(|| regex::Regex::new(if matches.is_empty() { ".*" } else { matches }).ok());
    let Some(re) = compiled else {
        return Some(false);
    };
    let rename = |series: &str| -> Option<String> {
        let caps = re.captures(series)?;
        let template = if !as_.is_empty() {
            as_
        } else if re.captures_len() > 1 {
            "$1"
        } else {
            "$0"
        };
        let mut out = String::new();
        caps.expand(template, &mut out);
        Some(out)
    };
    match series {
        SeriesName::Literal(s) => Some(rename(&s).as_deref() == Some(name)),
        SeriesName::Pattern(_) | SeriesName::Any => {
            if !as_.is_empty() && !as_.contains('$') {
                Some(as_ == name)
            } else {
                None
            }
        }
    }
}

/// The Kubernetes resources (lower-case singular: `service`, `namespace`)
/// a rule maps labels to; `None` when a template maps labels the adapter
/// only learns from Prometheus.
pub(crate) fn mapped_resources(rule: &AdapterRule) -> Option<Vec<String>> {
    let resources = rule.rule.member("resources");
    let mut out = Vec::new();
    for (_, o) in resources
        .and_then(|r| r.member("overrides"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(r) = o.member("resource").and_then(Value::as_str) {
            out.push(singular(r));
        }
    }
    if let Some(template) = resources
        .and_then(|r| r.member("template"))
        .and_then(Value::as_str)
    {
        let labels = rule.discovery().map(|(_, l)| l.clone()).unwrap_or_default();
        if template.trim() == "<<.Resource>>" && !labels.is_empty() {
            out.extend(labels.iter().map(|l| singular(l)));
        } else {
            return None;
        }
    }
    Some(out)
}

/// `services` -> `service`, `Ingresses` -> `ingress`.
pub(crate) fn singular(resource: &str) -> String {
    let r = resource.to_ascii_lowercase();
    let r = r.split('.').next().unwrap_or("").to_owned();
    if let Some(s) = r.strip_suffix("sses") {
        format!("{s}ss")
    } else if let Some(s) = r.strip_suffix("ies") {
        format!("{s}y")
    } else if let Some(s) = r.strip_suffix("ses").filter(|_| r.ends_with("esses")) {
        format!("{s}s")
    } else if r.ends_with("s") && !r.ends_with("ss") {
        r[..r.len() - 1].to_owned()
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: Value) -> AdapterRule {
        AdapterRule {
            set: RuleSet::Custom,
            pointer: "/rules/custom/0".into(),
            exact: true,
            rule: v,
            naming: std::cell::OnceCell::new(),
            discovery: std::cell::OnceCell::new(),
        }
    }

    #[test]
    fn renames_follow_matches_and_as() {
        let r = rule(
            json!({"seriesQuery": "http_requests_total{namespace!=\"\"}",
            "name": {"matches": "^(.*)_total$", "as": "${1}_per_second"}}),
        );
        assert_eq!(serves(&r, "http_requests_per_second"), Some(true));
        assert_eq!(serves(&r, "http_requests_total"), Some(false));
        let plain = rule(json!({"seriesQuery": "celery_queue_length{namespace!=\"\"}"}));
        assert_eq!(serves(&plain, "celery_queue_length"), Some(true));
        let rate = rule(json!({"seriesQuery": "rate(x[5m])"}));
        assert_eq!(serves(&rate, "x"), Some(false));
    }

    #[test]
    fn templates_render_per_rule_set() {
        assert_eq!(
            render_query(
                "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
                RuleSet::External
            ),
            "sum(sample_series{namespace=\"sample\"}) by ()"
        );
        assert!(
            promql_parser::parser::parse(&render_query(
                "sum(max by (<<.GroupBy>>, q) (<<.Series>>))",
                RuleSet::External
            ))
            .is_err()
        );
    }

    #[test]
    fn resource_names_are_singular() {
        for (p, s) in [
            ("services", "service"),
            ("namespace", "namespace"),
            ("ingresses", "ingress"),
            ("Pods", "pod"),
            ("deployments.apps", "deployment"),
        ] {
            assert_eq!(singular(p), s);
        }
    }
}
