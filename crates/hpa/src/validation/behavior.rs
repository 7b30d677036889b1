//! Validation of `spec.behavior` (`validateScalingRules`, `validateScalingPolicy`).

use super::{FieldError, forbidden, invalid, invalid_str, not_supported, required};
use super::{MAX_PERIOD_SECONDS, MAX_STABILIZATION_WINDOW_SECONDS};
use crate::field_path::FieldPath;
use crate::model::{PolicyType, ScalingRules, SelectPolicy};

const SELECT_POLICIES: &[&str] = &["Disabled", "Max", "Min"];

pub(super) fn validate_rules(
    rules: &ScalingRules,
    path: &FieldPath,
    allow_tolerance: bool,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let window_path = path.field("stabilizationWindowSeconds");
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
            &path.field("selectPolicy"),
            p,
            SELECT_POLICIES,
        ));
    }
    let policies_path = path.field("policies");
    let policies = rules.policies.as_deref().unwrap_or_default();
    if policies.is_empty() {
        errs.push(required(&policies_path, "must specify at least one Policy"));
    }
    for (i, p) in policies.iter().enumerate() {
        let pp = policies_path.index(i);
        if let PolicyType::Other(t) = &p.policy_type {
            errs.push(not_supported(&pp.field("type"), t, &["Percent", "Pods"]));
        }
        if p.value <= 0 {
            errs.push(invalid(
                &pp.field("value"),
                p.value,
                "must be greater than zero",
            ));
        }
        let period_path = pp.field("periodSeconds");
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
        let tol_path = path.field("tolerance");
        if !allow_tolerance {
            errs.push(forbidden(
                &tol_path,
                "tolerance is not supported when the HPAConfigurableTolerance feature gate is disabled",
            ));
        } else if t < 0.0 {
            errs.push(invalid_str(
                &tol_path,
                &format!("{t}"),
                "must be greater or equal to zero",
            ));
        }
    }
    errs
}
