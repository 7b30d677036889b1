//! Validation of `spec.metrics` (`validateMetricSpec` and the per-source checks).

use super::names::{container_resource_name_errors, dns1123_label_errors, path_segment_errors};
use super::{
    FieldError, forbidden, invalid, invalid_str, not_supported, required, validate_object_reference,
};
use crate::model::{
    ContainerResourceMetricSource, ExternalMetricSource, MetricIdentifier, MetricSourceType,
    MetricSpec, MetricTarget, ObjectMetricSource, PodsMetricSource, ResourceMetricSource,
};
use crate::quantity::format_milli;

pub(super) fn validate_metrics(
    metrics: &[MetricSpec],
    min_replicas: Option<i32>,
) -> Vec<FieldError> {
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
