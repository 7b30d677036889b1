use super::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

/// Replica bounds of the HPA. Integers are read as 64-bit so that an
/// out-of-range value gets a range message instead of a type error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Replicas {
    /// `spec.minReplicas`: at least 1; 0 only with `queue.scaleToZero: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// `spec.maxReplicas`: at least 1 and at least `min`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
}

/// Resource targets. `null` removes a target the preset sets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Targets {
    /// CPU target; `null` removes the preset's.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu: Option<Option<ResourceTarget>>,
    /// Memory target; `null` removes the preset's.
    #[serde(
        default,
        deserialize_with = "explicit_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory: Option<Option<ResourceTarget>>,
}

/// Tells "absent" (outer `None`: keep the preset's) from "`null`" (`Some(None)`: remove it).
fn explicit_null<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One resource target: exactly one of `averageUtilization` (percent of the
/// request) or `averageValue` (a quantity per pod).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceTarget {
    /// Percent of the pods' summed requests, at least 1 (`type: Utilization`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i64>,
    /// Average usage per pod, e.g. `500m` or `512Mi` (`type: AverageValue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_value: Option<Quantity>,
}

/// `spec.behavior` of the HPA.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Behavior {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up: Option<ScalingRules>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down: Option<ScalingRules>,
}

/// Rules for one direction. Every field overrides the preset's; a field that
/// neither sets is left to the API server's default.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingRules {
    /// Seconds of past recommendations considered, 0..=3600.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stabilization_window_seconds: Option<i64>,
    /// Which policy wins when several allow different changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_policy: Option<SelectPolicy>,
    /// Rate limits; replaces the preset's list wholesale. Must not be empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<ScalingPolicy>>,
    /// Relative change ignored in this direction (e.g. `0.05`); needs the
    /// `HPAConfigurableTolerance` feature gate (alpha in 1.33).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Quantity>,
}

/// `selectPolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum SelectPolicy {
    Max,
    Min,
    Disabled,
}

impl SelectPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            SelectPolicy::Max => "Max",
            SelectPolicy::Min => "Min",
            SelectPolicy::Disabled => "Disabled",
        }
    }
}

/// One rate limit: at most `value` pods (or percent) per `periodSeconds`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScalingPolicy {
    #[serde(rename = "type")]
    pub policy_type: PolicyType,
    /// Pods or percent, greater than 0.
    pub value: i64,
    /// 1..=1800.
    pub period_seconds: i64,
}

/// `Pods` or `Percent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum PolicyType {
    Pods,
    Percent,
}

impl PolicyType {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyType::Pods => "Pods",
            PolicyType::Percent => "Percent",
        }
    }
}
