//! The PromQL prometheus-adapter sends for a rule, built the way
//! `pkg/naming/metrics_query.go` builds it: the HPA's selector requirements
//! (sorted by label), then `namespace="<hpa namespace>"`, then for Object
//! metrics `<resource label>="<object name>"`; `GroupBy` is the resource
//! label for Object metrics and empty for External ones.
//!
//! Used by tests (every rendered query must parse) and by the end-to-end
//! test, which runs these queries through a real Prometheus.

use crate::adapter::AdapterRule;

/// One requirement of the HPA's `metric.selector`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requirement {
    /// `matchLabels` entry or `In` with one value: `label="value"`.
    Equals(String, String),
    /// `In` with several values: `label=~"a|b"` (values sorted, as the adapter's set does).
    In(String, Vec<String>),
}

impl Requirement {
    fn label(&self) -> &str {
        match self {
            Requirement::Equals(l, _) | Requirement::In(l, _) => l,
        }
    }

    fn matcher(&self) -> String {
        match self {
            Requirement::Equals(l, v) => format!("{l}={}", go_quote(v)),
            Requirement::In(l, vs) => {
                let mut vs = vs.clone();
                vs.sort();
                vs.dedup();
                if vs.len() == 1 {
                    format!("{l}=~{}", go_quote(&vs[0]))
                } else {
                    format!("{l}=~{}", go_quote(&vs.join("|")))
                }
            }
        }
    }
}

/// The query for an External metric requested from `namespace`.
pub fn external_query(
    rule: &AdapterRule,
    series: &str,
    namespace: &str,
    selector: &[Requirement],
) -> String {
    let mut matchers = selector_matchers(selector);
    matchers.push(format!("namespace={}", go_quote(namespace)));
    fill(&rule.metrics_query, series, &matchers.join(","), "")
}

/// The query for an Object metric on `resource_label="name"` (e.g. a Service)
/// requested from `namespace`.
pub fn object_query(
    rule: &AdapterRule,
    series: &str,
    namespace: &str,
    resource_label: &str,
    name: &str,
    selector: &[Requirement],
) -> String {
    let mut matchers = selector_matchers(selector);
    matchers.push(format!("namespace={}", go_quote(namespace)));
    matchers.push(format!("{resource_label}={}", go_quote(name)));
    fill(
        &rule.metrics_query,
        series,
        &matchers.join(","),
        resource_label,
    )
}

fn selector_matchers(selector: &[Requirement]) -> Vec<String> {
    // labels.Selector keeps requirements sorted by key.
    let mut reqs: Vec<&Requirement> = selector.iter().collect();
    reqs.sort_by(|a, b| a.label().cmp(b.label()));
    reqs.iter().map(|r| r.matcher()).collect()
}

fn fill(template: &str, series: &str, matchers: &str, group_by: &str) -> String {
    template
        .replace("<<.Series>>", series)
        .replace("<<.LabelMatchers>>", matchers)
        .replace("<<.GroupBy>>", group_by)
}

/// Go's `%q` for the label values we produce (printable text): backslash and
/// double quote escaped, control characters as `\n`, `\t` or `\xNN`.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
