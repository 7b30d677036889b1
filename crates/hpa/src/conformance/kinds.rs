//! The unit-level kinds (behavior, stabilization, legacy rules, scale events, defaulting)
//! and `validation`.

use super::Mismatch;
use super::json::{array_of, bool_of, f64_of, field, i32_of, i64_of, str_of, typed};
use crate::defaults::{generate_scale_down_rules, generate_scale_up_rules};
use crate::legacy::limit_legacy;
use crate::model::{HpaSpec, ScalingRules};
use crate::rate_limit::{
    RateLimitArgs, ScaleEvent, limit_with_behavior, replicas_change_per_period, scale_down_limit,
    scale_up_limit, store_scale_event,
};
use crate::stabilization::{Recommendation, stabilize_legacy, stabilize_with_behavior};
use crate::validation::{FeatureGates, validate};
use serde_json::{Map, Value, json};

/// Why a vector did not pass.
pub(super) enum VectorError {
    Malformed(String),
    Mismatch(Mismatch),
}

/// The evaluation instant of every vector.
pub(super) const NOW: i64 = 0;

/// Compares `got` with every key of `expected`; an expected key that `got` does not
/// provide is a failure (so no expectation is silently skipped).
pub(super) fn compare(expected: &Value, got: Map<String, Value>) -> Result<(), VectorError> {
    let exp = expected
        .as_object()
        .ok_or_else(|| VectorError::Malformed("`expected` is not an object".into()))?;
    let mut mismatch = false;
    let mut shown = Map::new();
    for (k, v) in exp {
        match got.get(k) {
            Some(g) => {
                if g != v {
                    mismatch = true;
                }
                shown.insert(k.clone(), g.clone());
            }
            None => {
                return Err(VectorError::Malformed(format!(
                    "unsupported expectation `{k}`"
                )));
            }
        }
    }
    if mismatch {
        return Err(VectorError::Mismatch(Mismatch {
            expected: expected.to_string(),
            got: Value::Object(shown).to_string(),
        }));
    }
    Ok(())
}

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

pub(super) fn events(input: &Value, key: &str) -> Result<Vec<ScaleEvent>, VectorError> {
    array_of(input, key)?
        .iter()
        .map(|e| {
            Ok(ScaleEvent {
                replica_change: i32_of(e, "replica_change")?,
                timestamp_s: NOW - i64_of(e, "age_s")?,
                outdated: e.get("outdated").and_then(Value::as_bool).unwrap_or(false),
            })
        })
        .collect()
}

pub(super) fn recommendations(
    input: &Value,
    key: &str,
) -> Result<Vec<Recommendation>, VectorError> {
    array_of(input, key)?
        .iter()
        .map(|r| {
            Ok(Recommendation {
                replicas: i32_of(r, "replicas")?,
                timestamp_s: NOW - i64_of(r, "age_s")?,
            })
        })
        .collect()
}

fn rules(input: &Value, key: &str) -> Result<ScalingRules, VectorError> {
    typed(field(input, key)?, key)
}

pub(super) fn behavior_rate_limit(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let up = rules(input, "scale_up_rules")?;
    let down = rules(input, "scale_down_rules")?;
    let r = limit_with_behavior(
        RateLimitArgs {
            current: i32_of(input, "current_replicas")?,
            desired: i32_of(input, "desired_replicas")?,
            min_replicas: i32_of(input, "min_replicas")?,
            max_replicas: i32_of(input, "max_replicas")?,
            scale_up: &up,
            scale_down: &down,
        },
        &events(input, "scale_up_events")?,
        &events(input, "scale_down_events")?,
        NOW,
    );
    compare(
        expected,
        obj(vec![
            ("replicas", json!(r.replicas)),
            ("reason", json!(r.reason.as_str())),
        ]),
    )
}

pub(super) fn policy_limit(input: &Value, expected: &Value, up: bool) -> Result<(), VectorError> {
    let r = rules(input, "rules")?;
    let current = i32_of(input, "current_replicas")?;
    let (ue, de) = (
        events(input, "scale_up_events")?,
        events(input, "scale_down_events")?,
    );
    let limit = if up {
        scale_up_limit(current, &ue, &de, &r, NOW)
    } else {
        scale_down_limit(current, &ue, &de, &r, NOW)
    };
    compare(expected, obj(vec![("limit", json!(limit.limit))]))
}

pub(super) fn stabilize_with_behavior_vector(
    input: &Value,
    expected: &Value,
) -> Result<(), VectorError> {
    let mut recs = recommendations(input, "recommendations")?;
    let (r, _) = stabilize_with_behavior(
        &mut recs,
        i32_of(input, "current_replicas")?,
        i32_of(input, "desired_replicas")?,
        i64_of(input, "scale_up_stabilization_window_seconds")?,
        i64_of(input, "scale_down_stabilization_window_seconds")?,
        NOW,
    );
    let after: Vec<i32> = recs.iter().map(|r| r.replicas).collect();
    compare(
        expected,
        obj(vec![
            ("replicas", json!(r)),
            ("recommendations_after", json!(after)),
        ]),
    )
}

pub(super) fn stabilize_legacy_vector(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let mut recs = recommendations(input, "recommendations")?;
    let r = stabilize_legacy(
        &mut recs,
        i32_of(input, "desired_replicas")?,
        i64_of(input, "downscale_stabilization_window_seconds")?,
        NOW,
    );
    compare(
        expected,
        obj(vec![
            ("replicas", json!(r)),
            ("recommendations_length_after", json!(recs.len())),
        ]),
    )
}

pub(super) fn legacy_rules(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let (r, reason) = limit_legacy(
        i32_of(input, "current_replicas")?,
        i32_of(input, "desired_replicas")?,
        i32_of(input, "min_replicas")?,
        i32_of(input, "max_replicas")?,
        f64_of(input, "scale_up_limit_factor")?,
        f64_of(input, "scale_up_limit_minimum")?,
    );
    compare(
        expected,
        obj(vec![
            ("replicas", json!(r)),
            ("reason", json!(reason.as_str())),
        ]),
    )
}

/// Applied both as a scale-up (10 -> 10+change) and as a scale-down (10 -> 10-change);
/// both must give the expectation.
pub(super) fn store_scale_event_vector(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let rules: Option<ScalingRules> = typed(field(input, "rules")?, "rules")?;
    let previous = events(input, "previous_events")?;
    let change = i32_of(input, "replica_change")?;
    let before = replicas_change_per_period(60, &previous, NOW);
    for direction in ["scale_up", "scale_down"] {
        let mut list = previous.clone();
        if let Some(r) = &rules {
            // behavior != nil: the event is stored in this direction's list.
            store_scale_event(&mut list, r, change, NOW);
        }
        let after: Vec<Value> = list
            .iter()
            .map(|e| json!({"replica_change": e.replica_change, "outdated": e.outdated}))
            .collect();
        let got = obj(vec![
            ("replicas_changed_in_last_60s_before_store", json!(before)),
            ("events_after", json!(after)),
        ]);
        compare(expected, got).map_err(|e| match e {
            VectorError::Mismatch(m) => VectorError::Mismatch(Mismatch {
                expected: m.expected,
                got: format!("{} (as {direction})", m.got),
            }),
            other => other,
        })?;
    }
    Ok(())
}

pub(super) fn generate_rules(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let given: Option<ScalingRules> = typed(field(input, "given")?, "given")?;
    let r = match str_of(input, "direction")? {
        "up" => generate_scale_up_rules(given.as_ref()),
        "down" => generate_scale_down_rules(given.as_ref()),
        d => return Err(VectorError::Malformed(format!("unknown direction {d:?}"))),
    };
    let got = obj(vec![
        (
            "policies",
            serde_json::to_value(&r.policies).unwrap_or(Value::Null),
        ),
        (
            "stabilization_window_seconds",
            json!(r.stabilization_window_seconds),
        ),
        (
            "select_policy",
            json!(r.select_policy.as_ref().map(|p| p.as_str())),
        ),
    ]);
    // A copied tolerance may be written as a float, a quantity string or milli-units.
    let mut rest = expected.clone();
    let want_tolerance = rest.as_object_mut().and_then(|o| {
        o.remove("tolerance")
            .map(|v| (v, false))
            .or_else(|| o.remove("tolerance_milli").map(|v| (v, true)))
    });
    compare(&rest, got)?;
    if let Some((want, milli)) = want_tolerance {
        let got_t = r.tolerance_value();
        let ok = match (&want, got_t) {
            (Value::Null, None) => true,
            (Value::String(q), Some(t)) => {
                crate::quantity::Quantity::parse(q).is_ok_and(|q| q.as_approximate_f64() == t)
            }
            (Value::Number(n), Some(t)) if milli => n.as_f64() == Some((t * 1000.0).round()),
            (Value::Number(n), Some(t)) => n.as_f64() == Some(t),
            _ => false,
        };
        if !ok {
            return Err(VectorError::Mismatch(Mismatch {
                expected: expected.to_string(),
                got: format!("tolerance {got_t:?}"),
            }));
        }
    }
    Ok(())
}

pub(super) fn validation(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let gates: FeatureGates = match input.get("feature_gates") {
        None | Some(Value::Null) => FeatureGates::default(),
        Some(g) => typed(g, "feature_gates")?,
    };
    let hpa: HpaSpec = typed(field(input, "hpa")?, "hpa")?;
    let old: Option<HpaSpec> = match str_of(input, "operation")? {
        "create" => None,
        "update" => Some(typed(field(input, "old_hpa")?, "old_hpa")?),
        op => return Err(VectorError::Malformed(format!("unknown operation {op:?}"))),
    };
    let errs = validate(&hpa, old.as_ref(), &gates);
    let valid = errs.is_empty();
    let first = errs.first().map(|e| e.to_string()).unwrap_or_default();
    let want_valid = bool_of(expected, "valid")?;
    let mut ok = valid == want_valid;
    if let Some(s) = expected.get("first_error_contains").and_then(Value::as_str) {
        ok &= first.contains(s);
    }
    if let Some(n) = expected.get("error_count").and_then(Value::as_u64) {
        ok &= errs.len() as u64 == n;
    }
    for k in expected.as_object().into_iter().flatten().map(|(k, _)| k) {
        if !["valid", "first_error_contains", "error_count"].contains(&k.as_str()) {
            return Err(VectorError::Malformed(format!(
                "unsupported expectation `{k}`"
            )));
        }
    }
    if ok {
        return Ok(());
    }
    let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    Err(VectorError::Mismatch(Mismatch {
        expected: expected.to_string(),
        got: json!({"valid": valid, "error_count": errs.len(), "errors": all}).to_string(),
    }))
}
