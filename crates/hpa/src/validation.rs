//! The API server's validation of an HPA spec (`pkg/apis/autoscaling/validation`,
//! hpa-algorithm.md §12), in upstream's order and wording. Field paths are the
//! autoscaling/v2 camelCase paths (`spec.metrics[0].resource.target.averageUtilization`),
//! so a caller can map them onto YAML positions.

use crate::model::{
    ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource, HpaSpec,
    MetricIdentifier, MetricSourceType, MetricSpec, MetricTarget, ObjectMetricSource,
    PodsMetricSource, PolicyType, ResourceMetricSource, ScalingRules, SelectPolicy,
};
use crate::quantity::format_milli;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest `periodSeconds` of a scaling policy.
pub const MAX_PERIOD_SECONDS: i32 = 1800;
/// Largest `stabilizationWindowSeconds`.
pub const MAX_STABILIZATION_WINDOW_SECONDS: i32 = 3600;

/// Feature gates that change HPA validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FeatureGates {
    /// Alpha `HPAScaleToZero`: minReplicas may be 0.
    #[serde(rename = "HPAScaleToZero", default)]
    pub hpa_scale_to_zero: bool,
    /// `HPAConfigurableTolerance` (alpha in 1.33): `behavior.*.tolerance` accepted.
    #[serde(rename = "HPAConfigurableTolerance", default)]
    pub hpa_configurable_tolerance: bool,
}

/// The kind of a validation error (`field.ErrorType`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum FieldErrorKind {
    Required,
    Invalid,
    Forbidden,
    /// With the supported values.
    NotSupported(Vec<String>),
}

/// One validation error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// autoscaling/v2 path, e.g. `spec.behavior.scaleUp.policies[0].periodSeconds`.
    pub field: String,
    /// Upstream's error text without the field: `Invalid value: 3601: must be less than
    /// or equal to 3600`.
    pub message: String,
    pub kind: FieldErrorKind,
    /// The offending value as upstream prints it (`3601`, `"incorrect"`), if any.
    pub bad_value: Option<String>,
    /// The explanation part alone (`must be less than or equal to 3600`).
    pub detail: String,
}

impl fmt::Display for FieldError {
    /// `field: message`, exactly as `field.Error.Error()` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

fn make(field: &str, kind: FieldErrorKind, bad_value: Option<String>, detail: &str) -> FieldError {
    let mut message = match &kind {
        FieldErrorKind::Required => "Required value".to_string(),
        FieldErrorKind::Forbidden => "Forbidden".to_string(),
        FieldErrorKind::Invalid => format!("Invalid value: {}", bad_value.as_deref().unwrap_or("")),
        FieldErrorKind::NotSupported(values) => {
            let list: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
            format!(
                "Unsupported value: {}: supported values: {}",
                bad_value.as_deref().unwrap_or(""),
                list.join(", ")
            )
        }
    };
    if !detail.is_empty() && !matches!(kind, FieldErrorKind::NotSupported(_)) {
        message.push_str(": ");
        message.push_str(detail);
    }
    FieldError {
        field: field.to_string(),
        message,
        kind,
        bad_value,
        detail: detail.to_string(),
    }
}

fn required(field: &str, detail: &str) -> FieldError {
    make(field, FieldErrorKind::Required, None, detail)
}
fn forbidden(field: &str, detail: &str) -> FieldError {
    make(field, FieldErrorKind::Forbidden, None, detail)
}
fn invalid(field: &str, value: impl fmt::Display, detail: &str) -> FieldError {
    make(
        field,
        FieldErrorKind::Invalid,
        Some(value.to_string()),
        detail,
    )
}
fn invalid_str(field: &str, value: &str, detail: &str) -> FieldError {
    make(
        field,
        FieldErrorKind::Invalid,
        Some(format!("{value:?}")),
        detail,
    )
}
fn not_supported(field: &str, value: &str, supported: &[&str]) -> FieldError {
    let kind = FieldErrorKind::NotSupported(supported.iter().map(|s| s.to_string()).collect());
    make(field, kind, Some(format!("{value:?}")), "")
}

/// Validates `hpa` as the API server does on create (`old == None`) or update. `old`
/// relaxes two rules: minReplicas 0 stays allowed if the old object had it, and a
/// tolerance stays allowed if the old object had one. Returns every error, in order.
pub fn validate(hpa: &HpaSpec, old: Option<&HpaSpec>, gates: &FeatureGates) -> Vec<FieldError> {
    let old_min_zero = old.is_some_and(|o| o.min_replicas == Some(0));
    let min_bound = if gates.hpa_scale_to_zero || old_min_zero {
        0
    } else {
        1
    };
    let old_has_tolerance = old.is_some_and(has_tolerance);
    let allow_tolerance = gates.hpa_configurable_tolerance || old_has_tolerance;

    let mut errs = Vec::new();
    if let Some(min) = hpa.min_replicas
        && min < min_bound
    {
        errs.push(invalid(
            "spec.minReplicas",
            min,
            &format!("must be greater than or equal to {min_bound}"),
        ));
    }
    if hpa.max_replicas < 1 {
        errs.push(invalid(
            "spec.maxReplicas",
            hpa.max_replicas,
            "must be greater than 0",
        ));
    }
    if let Some(min) = hpa.min_replicas
        && hpa.max_replicas < min
    {
        errs.push(invalid(
            "spec.maxReplicas",
            hpa.max_replicas,
            "must be greater than or equal to `minReplicas`",
        ));
    }
    errs.extend(validate_object_reference(
        &hpa.scale_target_ref,
        "spec.scaleTargetRef",
    ));
    errs.extend(validate_metrics(&hpa.metrics, hpa.min_replicas));
    if let Some(b) = &hpa.behavior {
        if let Some(r) = &b.scale_up {
            errs.extend(validate_rules(r, "spec.behavior.scaleUp", allow_tolerance));
        }
        if let Some(r) = &b.scale_down {
            errs.extend(validate_rules(
                r,
                "spec.behavior.scaleDown",
                allow_tolerance,
            ));
        }
    }
    errs
}

fn has_tolerance(hpa: &HpaSpec) -> bool {
    hpa.behavior.as_ref().is_some_and(|b| {
        [&b.scale_up, &b.scale_down]
            .iter()
            .any(|r| r.as_ref().is_some_and(|r| r.tolerance_value().is_some()))
    })
}

fn validate_object_reference(r: &CrossVersionObjectReference, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (name, value) in [("kind", &r.kind), ("name", &r.name)] {
        let field = format!("{path}.{name}");
        if value.is_empty() {
            errs.push(required(&field, ""));
        } else {
            for msg in path_segment_errors(value) {
                errs.push(invalid_str(&field, value, &msg));
            }
        }
    }
    errs
}

/// `IsValidPathSegmentName`.
fn path_segment_errors(name: &str) -> Vec<String> {
    if name == "." || name == ".." {
        return vec![format!("may not be '{name}'")];
    }
    ["/", "%"]
        .iter()
        .filter(|c| name.contains(**c))
        .map(|c| format!("may not contain '{c}'"))
        .collect()
}

fn validate_metrics(metrics: &[MetricSpec], min_replicas: Option<i32>) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut has_object_or_external = false;
    for (i, m) in metrics.iter().enumerate() {
        errs.extend(validate_metric_spec(m, &format!("spec.metrics[{i}]")));
        has_object_or_external |= matches!(
            m.source_type,
            MetricSourceType::Object | MetricSourceType::External
        );
    }
    if min_replicas == Some(0) && !has_object_or_external {
        errs.push(forbidden(
            "spec.metrics",
            "must specify at least one Object or External metric to support scaling to zero replicas",
        ));
    }
    errs
}

const METRIC_TYPES: &[&str] = &[
    "ContainerResource",
    "External",
    "Object",
    "Pods",
    "Resource",
];

fn validate_metric_spec(spec: &MetricSpec, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let type_str = spec.source_type.as_str();
    let type_path = format!("{path}.type");
    if type_str.is_empty() {
        errs.push(required(&type_path, "must specify a metric source type"));
    }
    if !METRIC_TYPES.contains(&type_str) {
        errs.push(not_supported(&type_path, type_str, METRIC_TYPES));
    }
    // Only the first populated block is validated, in upstream's order.
    let mut present: Vec<&str> = Vec::new();
    if let Some(s) = &spec.object {
        present.push("object");
        if present.len() == 1 {
            errs.extend(validate_object_source(s, &format!("{path}.object")));
        }
    }
    if let Some(s) = &spec.external {
        present.push("external");
        if present.len() == 1 {
            errs.extend(validate_external_source(s, &format!("{path}.external")));
        }
    }
    if let Some(s) = &spec.pods {
        present.push("pods");
        if present.len() == 1 {
            errs.extend(validate_pods_source(s, &format!("{path}.pods")));
        }
    }
    if let Some(s) = &spec.resource {
        present.push("resource");
        if present.len() == 1 {
            errs.extend(validate_resource_source(s, &format!("{path}.resource")));
        }
    }
    if let Some(s) = &spec.container_resource {
        present.push("containerResource");
        if present.len() == 1 {
            errs.extend(validate_container_resource_source(
                s,
                &format!("{path}.containerResource"),
            ));
        }
    }
    const POPULATE: &str = "must populate information for the given metric source";
    let expected = match spec.source_type {
        MetricSourceType::Object => Some(("object", spec.object.is_none())),
        MetricSourceType::Pods => Some(("pods", spec.pods.is_none())),
        MetricSourceType::Resource => Some(("resource", spec.resource.is_none())),
        MetricSourceType::External => Some(("external", spec.external.is_none())),
        MetricSourceType::ContainerResource => {
            Some(("containerResource", spec.container_resource.is_none()))
        }
        _ => None,
    };
    match expected {
        Some((field, true)) => errs.push(required(&format!("{path}.{field}"), POPULATE)),
        Some(_) => {}
        None => errs.push(not_supported(&type_path, type_str, METRIC_TYPES)),
    }
    if present.len() != 1 {
        let expected_field = expected.map(|(f, _)| f).unwrap_or("");
        // Go iterates a set; report the extra blocks in a stable (sorted) order.
        let mut extra: Vec<&str> = present
            .into_iter()
            .filter(|f| *f != expected_field)
            .collect();
        extra.sort_unstable();
        for f in extra {
            errs.push(forbidden(
                &format!("{path}.{f}"),
                "must populate the given metric source only",
            ));
        }
    }
    errs
}

fn validate_object_source(src: &ObjectMetricSource, path: &str) -> Vec<FieldError> {
    let mut errs =
        validate_object_reference(&src.described_object, &format!("{path}.describedObject"));
    errs.extend(validate_metric_identifier(
        &src.metric,
        &format!("{path}.metric"),
    ));
    errs.extend(validate_target(&src.target, &format!("{path}.target")));
    if src.target.value_milli.is_none() && src.target.average_value_milli.is_none() {
        errs.push(required(
            &format!("{path}.target.averageValue"),
            "must set either a target value or averageValue",
        ));
    }
    errs
}

fn validate_external_source(src: &ExternalMetricSource, path: &str) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src.metric, &format!("{path}.metric"));
    errs.extend(validate_target(&src.target, &format!("{path}.target")));
    let t = &src.target;
    if t.value_milli.is_none() && t.average_value_milli.is_none() {
        errs.push(required(
            &format!("{path}.target.averageValue"),
            "must set either a target value for metric or a per-pod target",
        ));
    }
    if t.value_milli.is_some() && t.average_value_milli.is_some() {
        errs.push(forbidden(
            &format!("{path}.target.value"),
            "may not set both a target value for metric and a per-pod target",
        ));
    }
    errs
}

fn validate_pods_source(src: &PodsMetricSource, path: &str) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src.metric, &format!("{path}.metric"));
    errs.extend(validate_target(&src.target, &format!("{path}.target")));
    if src.target.average_value_milli.is_none() {
        errs.push(required(
            &format!("{path}.target.averageValue"),
            "must specify a positive target averageValue",
        ));
    }
    errs
}

fn validate_resource_source(src: &ResourceMetricSource, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if src.name.is_empty() {
        errs.push(required(
            &format!("{path}.name"),
            "must specify a resource name",
        ));
    }
    errs.extend(validate_target(&src.target, &format!("{path}.target")));
    errs.extend(exactly_one_resource_target(&src.target, path));
    errs
}

fn validate_container_resource_source(
    src: &ContainerResourceMetricSource,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name_path = format!("{path}.name");
    if src.name.is_empty() {
        errs.push(required(&name_path, "must specify a resource name"));
    } else {
        errs.extend(container_resource_name_errors(&src.name, &name_path));
    }
    let container_path = format!("{path}.container");
    if src.container.is_empty() {
        errs.push(required(&container_path, "must specify a container"));
    } else {
        for msg in dns1123_label_errors(&src.container) {
            errs.push(invalid_str(&container_path, &src.container, &msg));
        }
    }
    errs.extend(validate_target(&src.target, &format!("{path}.target")));
    errs.extend(exactly_one_resource_target(&src.target, path));
    errs
}

fn exactly_one_resource_target(t: &MetricTarget, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if t.average_utilization.is_none() && t.average_value_milli.is_none() {
        errs.push(required(
            &format!("{path}.target.averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if t.average_utilization.is_some() && t.average_value_milli.is_some() {
        errs.push(forbidden(
            &format!("{path}.target.averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
    errs
}

fn validate_target(t: &MetricTarget, path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let type_str = t.target_type.as_deref().unwrap_or("");
    if type_str.is_empty() {
        errs.push(required(
            &format!("{path}.type"),
            "must specify a metric target type",
        ));
    }
    if !["Utilization", "Value", "AverageValue"].contains(&type_str) {
        errs.push(invalid_str(
            &format!("{path}.type"),
            type_str,
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    if let Some(v) = t.value_milli.filter(|v| *v <= 0) {
        errs.push(invalid_str(
            &format!("{path}.value"),
            &format_milli(v),
            "must be positive",
        ));
    }
    if let Some(v) = t.average_value_milli.filter(|v| *v <= 0) {
        errs.push(invalid_str(
            &format!("{path}.averageValue"),
            &format_milli(v),
            "must be positive",
        ));
    }
    if let Some(u) = t.average_utilization.filter(|u| *u < 1) {
        errs.push(invalid(
            &format!("{path}.averageUtilization"),
            u,
            "must be greater than 0",
        ));
    }
    errs
}

fn validate_metric_identifier(id: &MetricIdentifier, path: &str) -> Vec<FieldError> {
    let field = format!("{path}.name");
    if id.name.is_empty() {
        return vec![required(&field, "must specify a metric name")];
    }
    path_segment_errors(&id.name)
        .iter()
        .map(|m| invalid_str(&field, &id.name, m))
        .collect()
}

const SELECT_POLICIES: &[&str] = &["Disabled", "Max", "Min"];

fn validate_rules(rules: &ScalingRules, path: &str, allow_tolerance: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let window_path = format!("{path}.stabilizationWindowSeconds");
    if let Some(w) = rules.stabilization_window_seconds {
        if w < 0 {
            errs.push(invalid(
                &window_path,
                w,
                "must be greater than or equal to zero",
            ));
        }
        if w > MAX_STABILIZATION_WINDOW_SECONDS {
            errs.push(invalid(
                &window_path,
                w,
                &format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"),
            ));
        }
    }
    if let Some(SelectPolicy::Other(p)) = &rules.select_policy {
        errs.push(not_supported(
            &format!("{path}.selectPolicy"),
            p,
            SELECT_POLICIES,
        ));
    }
    let policies_path = format!("{path}.policies");
    let policies = rules.policies.as_deref().unwrap_or_default();
    if policies.is_empty() {
        errs.push(required(&policies_path, "must specify at least one Policy"));
    }
    for (i, p) in policies.iter().enumerate() {
        let pp = format!("{policies_path}[{i}]");
        if let PolicyType::Other(t) = &p.policy_type {
            errs.push(not_supported(
                &format!("{pp}.type"),
                t,
                &["Percent", "Pods"],
            ));
        }
        if p.value <= 0 {
            errs.push(invalid(
                &format!("{pp}.value"),
                p.value,
                "must be greater than zero",
            ));
        }
        let period_path = format!("{pp}.periodSeconds");
        if p.period_seconds <= 0 {
            errs.push(invalid(
                &period_path,
                p.period_seconds,
                "must be greater than zero",
            ));
        }
        if p.period_seconds > MAX_PERIOD_SECONDS {
            errs.push(invalid(
                &period_path,
                p.period_seconds,
                &format!("must be less than or equal to {MAX_PERIOD_SECONDS}"),
            ));
        }
    }
    if let Some(t) = rules.tolerance_value() {
        let tol_path = format!("{path}.tolerance");
        if !allow_tolerance {
            errs.push(forbidden(
                &tol_path,
                "tolerance is not supported when the HPAConfigurableTolerance feature gate is disabled",
            ));
        } else if t < 0.0 {
            errs.push(invalid_str(
                &tol_path,
                &format!("{t}"),
                "must be greater than or equal to 0",
            ));
        }
    }
    errs
}

const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// `IsDNS1123Label`.
pub fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let valid = !value.is_empty()
        && value.chars().all(|c| ok_char(c) || c == '-')
        && value.starts_with(ok_char)
        && value.ends_with(ok_char);
    if !valid {
        let subdomain = is_dns1123_subdomain(value);
        errs.push(if subdomain {
            "must not contain dots".to_string()
        } else {
            DNS1123_LABEL_MSG.to_string()
        });
    }
    errs
}

/// `ValidateContainerResourceName`: a qualified resource name that is a standard
/// container resource (cpu, memory, ephemeral-storage, hugepages-*), or an extended one.
fn container_resource_name_errors(name: &str, path: &str) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = qualified_name_errors(name)
        .iter()
        .map(|m| invalid_str(path, name, m))
        .collect();
    if errs.is_empty() && !name.contains('/') && !is_standard_resource_name(name) {
        errs.push(invalid_str(
            path,
            name,
            "must be a standard resource type or fully qualified",
        ));
    }
    if !name.contains('/') {
        let container_resource = ["cpu", "memory", "ephemeral-storage"].contains(&name)
            || name.starts_with("hugepages-");
        if !container_resource {
            errs.push(invalid_str(
                path,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !name.contains("kubernetes.io/") && !is_extended_resource_name(name) {
        errs.push(invalid_str(
            path,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

fn is_standard_resource_name(name: &str) -> bool {
    const STANDARD: &[&str] = &[
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name)
        || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
}

fn is_extended_resource_name(name: &str) -> bool {
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    !native
        && !name.starts_with("requests.")
        && qualified_name_errors(&format!("requests.{name}")).is_empty()
}

const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at most 63
/// alphanumerics, '-', '_' or '.', starting and ending alphanumeric.
pub fn qualified_name_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else if !is_dns1123_subdomain(prefix) {
                errs.push(format!("prefix part {DNS1123_SUBDOMAIN_MSG}"));
            }
            name
        }
        _ => {
            return vec![format!(
                "a qualified name {QUALIFIED_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".to_string());
    }
    let alnum = |c: char| c.is_ascii_alphanumeric();
    let ok = !name.is_empty()
        && name.chars().all(|c| alnum(c) || "-_.".contains(c))
        && name.starts_with(alnum)
        && name.ends_with(alnum);
    if !ok {
        errs.push(format!("name part {QUALIFIED_NAME_MSG}"));
    }
    errs
}

const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

fn is_dns1123_subdomain(value: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.len() <= 253
        && !value.is_empty()
        && value.split('.').all(|l| {
            !l.is_empty()
                && l.chars().all(|c| ok_char(c) || c == '-')
                && l.starts_with(ok_char)
                && l.ends_with(ok_char)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Behavior, ScalingPolicy};

    fn base() -> HpaSpec {
        serde_json::from_value(serde_json::json!({
            "min_replicas": 1, "max_replicas": 5,
            "scale_target_ref": {"kind": "Deployment", "name": "api"},
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "average_utilization": 70}}}]
        }))
        .unwrap()
    }

    #[test]
    fn valid_spec_has_no_errors() {
        assert!(validate(&base(), None, &FeatureGates::default()).is_empty());
    }

    #[test]
    fn messages_read_like_upstream() {
        let mut h = base();
        h.behavior = Some(Behavior {
            scale_up: None,
            scale_down: Some(ScalingRules {
                stabilization_window_seconds: Some(3601),
                select_policy: Some(SelectPolicy::Other("incorrect".into())),
                policies: Some(vec![ScalingPolicy::new(PolicyType::Pods, 1, 1801)]),
                ..Default::default()
            }),
        });
        let errs: Vec<String> = validate(&h, None, &FeatureGates::default())
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            vec![
                "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal to 3600",
                "spec.behavior.scaleDown.selectPolicy: Unsupported value: \"incorrect\": supported values: \"Disabled\", \"Max\", \"Min\"",
                "spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801: must be less than or equal to 1800",
            ]
        );
    }

    #[test]
    fn target_type_need_not_match_the_field() {
        // Misunderstanding §15.16: Value type with averageUtilization set is accepted.
        let mut h = base();
        h.metrics[0].resource.as_mut().unwrap().target.target_type = Some("Value".into());
        assert!(validate(&h, None, &FeatureGates::default()).is_empty());
    }

    #[test]
    fn scale_to_zero_needs_gate_or_old_zero_and_an_object_metric() {
        let mut h = base();
        h.min_replicas = Some(0);
        let gates = FeatureGates {
            hpa_scale_to_zero: true,
            ..Default::default()
        };
        let errs = validate(&h, None, &gates);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0]
                .to_string()
                .contains("at least one Object or External metric")
        );
        let errs = validate(&h, None, &FeatureGates::default());
        assert_eq!(errs[0].field, "spec.minReplicas");
        assert!(
            errs[0]
                .message
                .contains("must be greater than or equal to 1")
        );
    }

    #[test]
    fn container_resource_names_and_labels() {
        let mut h = base();
        h.metrics[0] = serde_json::from_value(serde_json::json!({"type": "ContainerResource",
            "container_resource": {"name": "InvalidResource", "container": "Bad_Name",
            "target": {"type": "Utilization", "average_utilization": 70}}}))
        .unwrap();
        let errs: Vec<String> = validate(&h, None, &FeatureGates::default())
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert!(
            errs[0].contains("must be a standard resource type or fully qualified"),
            "{errs:?}"
        );
        assert!(errs[1].contains("must be a standard resource for containers"));
        assert!(errs[2].contains("a lowercase RFC 1123 label must consist of"));
    }

    #[test]
    fn tolerance_needs_the_gate_unless_old_had_one() {
        let mut h = base();
        h.behavior = Some(Behavior {
            scale_up: Some(ScalingRules {
                tolerance: Some(0.05),
                policies: Some(vec![ScalingPolicy::new(PolicyType::Pods, 1, 15)]),
                ..Default::default()
            }),
            scale_down: None,
        });
        let off = FeatureGates::default();
        assert!(
            validate(&h, None, &off)[0]
                .message
                .contains("not supported")
        );
        assert!(validate(&h, Some(&h.clone()), &off).is_empty());
        let on = FeatureGates {
            hpa_configurable_tolerance: true,
            ..off
        };
        assert!(validate(&h, None, &on).is_empty());
    }
}
