//! The API server's validation of an HPA spec (`pkg/apis/autoscaling/validation`,
//! hpa-algorithm.md §12), in upstream's order and wording. Field paths are the
//! autoscaling/v2 camelCase paths (`spec.metrics[0].resource.target.averageUtilization`),
//! so a caller can map them onto YAML positions.

mod behavior;
mod metrics;
mod names;

pub use names::{dns1123_label_errors, qualified_name_errors};

use crate::field_path::FieldPath;
use crate::model::{CrossVersionObjectReference, HpaSpec};
use behavior::validate_rules;
use metrics::validate_metrics;
use names::path_segment_errors;
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

// The constructors take the path unrendered: it becomes a `String` only here, when an
// error exists (see `FieldPath`).
fn make(
    field: &FieldPath,
    kind: FieldErrorKind,
    bad_value: Option<String>,
    detail: &str,
) -> FieldError {
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

fn required(field: &FieldPath, detail: &str) -> FieldError {
    make(field, FieldErrorKind::Required, None, detail)
}
fn forbidden(field: &FieldPath, detail: &str) -> FieldError {
    make(field, FieldErrorKind::Forbidden, None, detail)
}
fn invalid(field: &FieldPath, value: impl fmt::Display, detail: &str) -> FieldError {
    make(
        field,
        FieldErrorKind::Invalid,
        Some(value.to_string()),
        detail,
    )
}
fn invalid_str(field: &FieldPath, value: &str, detail: &str) -> FieldError {
    make(
        field,
        FieldErrorKind::Invalid,
        Some(format!("{value:?}")),
        detail,
    )
}
fn not_supported(field: &FieldPath, value: &str, supported: &[&str]) -> FieldError {
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

    let spec = FieldPath::Root("spec");
    let mut errs = Vec::new();
    if let Some(min) = hpa.min_replicas
        && min < min_bound
    {
        errs.push(invalid(
            &spec.field("minReplicas"),
            min,
            &format!("must be greater than or equal to {min_bound}"),
        ));
    }
    if hpa.max_replicas < 1 {
        errs.push(invalid(
            &spec.field("maxReplicas"),
            hpa.max_replicas,
            "must be greater than 0",
        ));
    }
    if let Some(min) = hpa.min_replicas
        && hpa.max_replicas < min
    {
        errs.push(invalid(
            &spec.field("maxReplicas"),
            hpa.max_replicas,
            "must be greater than or equal to `minReplicas`",
        ));
    }
    errs.extend(validate_object_reference(
        &hpa.scale_target_ref,
        &spec.field("scaleTargetRef"),
    ));
    errs.extend(validate_metrics(&hpa.metrics, hpa.min_replicas, &spec));
    if let Some(b) = &hpa.behavior {
        let behavior = spec.field("behavior");
        if let Some(r) = &b.scale_up {
            errs.extend(validate_rules(
                r,
                &behavior.field("scaleUp"),
                allow_tolerance,
            ));
        }
        if let Some(r) = &b.scale_down {
            errs.extend(validate_rules(
                r,
                &behavior.field("scaleDown"),
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

fn validate_object_reference(r: &CrossVersionObjectReference, path: &FieldPath) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (name, value) in [("kind", &r.kind), ("name", &r.name)] {
        let field = path.field(name);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Behavior, PolicyType, ScalingPolicy, ScalingRules, SelectPolicy};

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
