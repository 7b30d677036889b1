//! Validation of `spec.metrics` (`validateMetricSpec` and the per-source checks).

use super::names::{container_resource_name_errors, dns1123_label_errors, path_segment_errors};
use super::{
    FieldError, forbidden, invalid, invalid_str, not_supported, required, validate_object_reference,
};
use crate::field_path::FieldPath;
use crate::model::{
    ContainerResourceMetricSource, ExternalMetricSource, MetricIdentifier, MetricSourceType,
    MetricSpec, MetricTarget, ObjectMetricSource, PodsMetricSource, ResourceMetricSource,
};
use crate::quantity::format_milli;

pub(super) fn validate_metrics(
    metrics: &[MetricSpec],
    min_replicas: Option<i32>,
    spec: &FieldPath,
) -> Vec<FieldError> {
    let path = spec.field("metrics");
    let mut errs = Vec::new();
    let mut has_object_or_external = false;
    for (i, m) in metrics.iter().enumerate() {
        errs.extend(validate_metric_spec(m, &path.index(i)));
        has_object_or_external |= matches!(
            m.source_type,
            MetricSourceType::Object | MetricSourceType::External
        );
    }
    if min_replicas == Some(0) && !has_object_or_external {
        errs.push(forbidden(
            &path,
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

fn validate_metric_spec(spec: &MetricSpec, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let type_str = spec.source_type.as_str();
    let type_path = path.field("type");
    if type_str.is_empty() {
        errs.push(required(&type_path, "must specify a metric source type"));
    }
    if !METRIC_TYPES.contains(&type_str) {
        errs.push(not_supported(&type_path, type_str, METRIC_TYPES));
    }
    // Only the first populated block is validated, in upstream's order.
    if let Some(s) = &spec.object {
        errs.extend(validate_object_source(s, &path.field("object")));
    } else if let Some(s) = &spec.external {
        errs.extend(validate_external_source(s, &path.field("external")));
    } else if let Some(s) = &spec.pods {
        errs.extend(validate_pods_source(s, &path.field("pods")));
    } else if let Some(s) = &spec.resource {
        errs.extend(validate_resource_source(s, &path.field("resource")));
    } else if let Some(s) = &spec.container_resource {
        errs.extend(validate_container_resource_source(
            s,
            &path.field("containerResource"),
        ));
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
        Some((field, true)) => errs.push(required(&path.field(field), POPULATE)),
        Some(_) => {}
        None => errs.push(not_supported(&type_path, type_str, METRIC_TYPES)),
    }
    // An array, not a Vec: this runs for every metric and nearly all have one block.
    let present = [
        ("object", spec.object.is_some()),
        ("external", spec.external.is_some()),
        ("pods", spec.pods.is_some()),
        ("resource", spec.resource.is_some()),
        ("containerResource", spec.container_resource.is_some()),
    ];
    if present.iter().filter(|(_, p)| *p).count() != 1 {
        let expected_field = expected.map(|(f, _)| f).unwrap_or("");
        // Go iterates a set; report the extra blocks in a stable (sorted) order.
        let mut extra: Vec<&str> = present
            .into_iter()
            .filter(|&(f, p)| p && f != expected_field)
            .map(|(f, _)| f)
            .collect();
        extra.sort_unstable();
        for f in extra {
            errs.push(forbidden(
                &path.field(f),
                "must populate the given metric source only",
            ));
        }
    }
    errs
}

fn validate_object_source(src: &ObjectMetricSource, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_object_reference(&src.described_object, &path.field("describedObject"));
    errs.extend(validate_metric_identifier(
        &src.metric,
        &path.field("metric"),
    ));
    errs.extend(validate_target(&src.target, &path.field("target")));
    if src.target.value_milli.is_none() && src.target.average_value_milli.is_none() {
        errs.push(required(
            &path.field("target").field("averageValue"),
            "must set either a target value or averageValue",
        ));
    }
    errs
}

fn validate_external_source(src: &ExternalMetricSource, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src.metric, &path.field("metric"));
    errs.extend(validate_target(&src.target, &path.field("target")));
    let t = &src.target;
    if t.value_milli.is_none() && t.average_value_milli.is_none() {
        errs.push(required(
            &path.field("target").field("averageValue"),
            "must set either a target value for metric or a per-pod target",
        ));
    }
    if t.value_milli.is_some() && t.average_value_milli.is_some() {
        errs.push(forbidden(
            &path.field("target").field("value"),
            "may not set both a target value for metric and a per-pod target",
        ));
    }
    errs
}

fn validate_pods_source(src: &PodsMetricSource, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = validate_metric_identifier(&src.metric, &path.field("metric"));
    errs.extend(validate_target(&src.target, &path.field("target")));
    if src.target.average_value_milli.is_none() {
        errs.push(required(
            &path.field("target").field("averageValue"),
            "must specify a positive target averageValue",
        ));
    }
    errs
}

fn validate_resource_source(src: &ResourceMetricSource, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if src.name.is_empty() {
        errs.push(required(
            &path.field("name"),
            "must specify a resource name",
        ));
    }
    errs.extend(validate_target(&src.target, &path.field("target")));
    errs.extend(exactly_one_resource_target(&src.target, path));
    errs
}

fn validate_container_resource_source(
    src: &ContainerResourceMetricSource,
    path: &FieldPath,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name_path = path.field("name");
    if src.name.is_empty() {
        errs.push(required(&name_path, "must specify a resource name"));
    } else {
        errs.extend(container_resource_name_errors(&src.name, &name_path));
    }
    let container_path = path.field("container");
    if src.container.is_empty() {
        errs.push(required(&container_path, "must specify a container"));
    } else {
        for msg in dns1123_label_errors(&src.container) {
            errs.push(invalid_str(&container_path, &src.container, &msg));
        }
    }
    errs.extend(validate_target(&src.target, &path.field("target")));
    errs.extend(exactly_one_resource_target(&src.target, path));
    errs
}

fn exactly_one_resource_target(t: &MetricTarget, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if t.average_utilization.is_none() && t.average_value_milli.is_none() {
        errs.push(required(
            &path.field("target").field("averageUtilization"),
            "must set either a target raw value or a target utilization",
        ));
    }
    if t.average_utilization.is_some() && t.average_value_milli.is_some() {
        errs.push(forbidden(
            &path.field("target").field("averageValue"),
            "may not set both a target raw value and a target utilization",
        ));
    }
    errs
}

fn validate_target(t: &MetricTarget, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let type_str = t.target_type.as_deref().unwrap_or("");
    if type_str.is_empty() {
        errs.push(required(
            &path.field("type"),
            "must specify a metric target type",
        ));
    }
    if !["Utilization", "Value", "AverageValue"].contains(&type_str) {
        errs.push(invalid_str(
            &path.field("type"),
            type_str,
            "must be either Utilization, Value, or AverageValue",
        ));
    }
    if let Some(v) = t.value_milli.filter(|v| *v <= 0) {
        errs.push(invalid_str(
            &path.field("value"),
            &format_milli(v),
            "must be positive",
        ));
    }
    if let Some(v) = t.average_value_milli.filter(|v| *v <= 0) {
        errs.push(invalid_str(
            &path.field("averageValue"),
            &format_milli(v),
            "must be positive",
        ));
    }
    if let Some(u) = t.average_utilization.filter(|u| *u < 1) {
        errs.push(invalid(
            &path.field("averageUtilization"),
            u,
            "must be greater than 0",
        ));
    }
    errs
}

fn validate_metric_identifier(id: &MetricIdentifier, path: &FieldPath) -> Vec<FieldError> {
    let field = path.field("name");
    if id.name.is_empty() {
        return vec![required(&field, "must specify a metric name")];
    }
    path_segment_errors(&id.name)
        .iter()
        .map(|m| invalid_str(&field, &id.name, m))
        .collect()
}
