//! The HorizontalPodAutoscaler spec as the controller and the API validation see it.
//!
//! Shaped like the internal API object (and like the `hpa` of the conformance vectors):
//! quantities are integer milli-units (`Quantity.MilliValue()`), utilization targets whole
//! percents, and every optional API field stays an `Option` so that validation can tell
//! "unset" from "zero" exactly as the API server does. Serde uses snake_case field names.

use serde::{Deserialize, Deserializer, Serialize};

/// `spec` of an autoscaling/v2 HorizontalPodAutoscaler, before or after API defaulting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HpaSpec {
    /// `spec.minReplicas`; unset means 1 after defaulting.
    pub min_replicas: Option<i32>,
    /// `spec.maxReplicas`.
    pub max_replicas: i32,
    /// `spec.scaleTargetRef`.
    pub scale_target_ref: CrossVersionObjectReference,
    /// `spec.metrics`, in order (the order decides which invalid metric is reported first).
    pub metrics: Vec<MetricSpec>,
    /// `spec.behavior`; `None` selects the legacy normalization path.
    pub behavior: Option<Behavior>,
}

/// A reference to another object (`scaleTargetRef`, an Object metric's `describedObject`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CrossVersionObjectReference {
    pub kind: String,
    pub name: String,
    pub api_version: Option<String>,
}

/// `From<String>` and `From<&str>` for an enum with a `known` spelling table
/// and an `Other(String)` for the rest; the `&str` one copies only an
/// unknown spelling (conversion runs on every HPA read).
macro_rules! from_spelling {
    ($name:ident) => {
        impl From<String> for $name {
            fn from(s: String) -> Self {
                Self::known(&s).unwrap_or(Self::Other(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::known(s).unwrap_or_else(|| Self::Other(s.to_string()))
            }
        }
    };
}

/// The `type` of a metric source. Unknown strings are kept so validation can report them
/// and the controller can treat the metric as invalid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(into = "String")]
pub enum MetricSourceType {
    Object,
    Pods,
    Resource,
    ContainerResource,
    External,
    /// Anything else, including the empty string (unset).
    Other(String),
    #[default]
    #[doc(hidden)]
    Unset,
}

impl MetricSourceType {
    /// The variant of a known spelling (or of `""`); `None` for any other string.
    fn known(s: &str) -> Option<Self> {
        Some(match s {
            "Object" => Self::Object,
            "Pods" => Self::Pods,
            "Resource" => Self::Resource,
            "ContainerResource" => Self::ContainerResource,
            "External" => Self::External,
            "" => Self::Unset,
            _ => return None,
        })
    }
}

from_spelling!(MetricSourceType);

impl<'de> Deserialize<'de> for MetricSourceType {
    /// A string, or null (= unset).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<String>::deserialize(d)?
            .map(Self::from)
            .unwrap_or_default())
    }
}

impl From<MetricSourceType> for String {
    fn from(t: MetricSourceType) -> Self {
        t.as_str().to_string()
    }
}

impl MetricSourceType {
    /// The API spelling (`""` when unset).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Object => "Object",
            Self::Pods => "Pods",
            Self::Resource => "Resource",
            Self::ContainerResource => "ContainerResource",
            Self::External => "External",
            Self::Other(s) => s,
            Self::Unset => "",
        }
    }
}

/// One entry of `spec.metrics`: a type and (at most) one populated source block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MetricSpec {
    #[serde(rename = "type")]
    pub source_type: MetricSourceType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectMetricSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pods: Option<PodsMetricSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<ResourceMetricSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container_resource: Option<ContainerResourceMetricSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalMetricSource>,
}

impl MetricSpec {
    /// A short human name for the metric ("cpu resource", "pods/qps", "external/queue"...),
    /// used in simulation output and error messages.
    pub fn display_name(&self) -> String {
        match self.source_type {
            MetricSourceType::Resource => match &self.resource {
                Some(r) => format!("{} resource", r.name),
                None => "resource".into(),
            },
            MetricSourceType::ContainerResource => match &self.container_resource {
                Some(r) => format!("{} container resource ({})", r.name, r.container),
                None => "container resource".into(),
            },
            MetricSourceType::Pods => match &self.pods {
                Some(p) => format!("pods/{}", p.metric.name),
                None => "pods".into(),
            },
            MetricSourceType::Object => match &self.object {
                Some(o) => format!("object/{}", o.metric.name),
                None => "object".into(),
            },
            MetricSourceType::External => match &self.external {
                Some(e) => format!("external/{}", e.metric.name),
                None => "external".into(),
            },
            _ => format!("unknown metric type {:?}", self.source_type.as_str()),
        }
    }
}

/// `target` of a metric: which of the three fields is set chooses the controller's path
/// (hpa-algorithm.md §6.9), not `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MetricTarget {
    /// `Utilization`, `Value` or `AverageValue`; `None` or other strings are kept verbatim.
    #[serde(rename = "type")]
    pub target_type: Option<String>,
    /// `target.value` in milli-units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_milli: Option<i64>,
    /// `target.averageValue` in milli-units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_value_milli: Option<i64>,
    /// `target.averageUtilization` in percent of the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
}

impl MetricTarget {
    pub fn is_type(&self, t: &str) -> bool {
        self.target_type.as_deref() == Some(t)
    }
}

/// `metric` of a Pods/Object/External source: a name and an optional label selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MetricIdentifier {
    pub name: String,
    /// The label selector in its string form (`a=b,c in (d)`), `None` when unset.
    /// Deserializes from that string or from a `{match_labels, match_expressions}` object.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_selector"
    )]
    pub selector: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ObjectMetricSource {
    pub described_object: CrossVersionObjectReference,
    pub metric: MetricIdentifier,
    pub target: MetricTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PodsMetricSource {
    pub metric: MetricIdentifier,
    pub target: MetricTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ResourceMetricSource {
    /// Resource name, e.g. `cpu` or `memory`.
    pub name: String,
    pub target: MetricTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ContainerResourceMetricSource {
    pub name: String,
    pub container: String,
    pub target: MetricTarget,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ExternalMetricSource {
    pub metric: MetricIdentifier,
    pub target: MetricTarget,
}

/// `spec.behavior`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Behavior {
    pub scale_up: Option<ScalingRules>,
    pub scale_down: Option<ScalingRules>,
}

/// `behavior.scaleUp` / `behavior.scaleDown` (HPAScalingRules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ScalingRules {
    pub stabilization_window_seconds: Option<i32>,
    pub select_policy: Option<SelectPolicy>,
    /// `None` = unset (defaulted by the API); `Some(vec![])` = explicitly empty (invalid).
    pub policies: Option<Vec<ScalingPolicy>>,
    /// Per-HPA tolerance of this direction (v1.33+, `HPAConfigurableTolerance`), as the
    /// float64 the controller uses (`Quantity.AsApproximateFloat64()`). Accepts a number,
    /// a quantity string (`"0.05"`, `"50m"`) or `tolerance_milli`.
    #[serde(
        deserialize_with = "de_tolerance",
        skip_serializing_if = "Option::is_none"
    )]
    pub tolerance: Option<f64>,
    #[serde(skip_serializing)]
    #[doc(hidden)]
    pub tolerance_milli: Option<i64>,
}

impl ScalingRules {
    /// The per-direction tolerance, whichever field it was given in.
    pub fn tolerance_value(&self) -> Option<f64> {
        self.tolerance
            .or(self.tolerance_milli.map(|m| m as f64 / 1000.0))
    }
}

fn de_selector<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    use serde_json::Value;
    let v: Option<Value> = Option::deserialize(d)?;
    let Some(v) = v else { return Ok(None) };
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        Value::Object(o) => {
            let mut parts = Vec::new();
            let labels = o.get("match_labels").or_else(|| o.get("matchLabels"));
            for (k, v) in labels.and_then(Value::as_object).into_iter().flatten() {
                parts.push(format!("{k}={}", v.as_str().unwrap_or_default()));
            }
            let exprs = o
                .get("match_expressions")
                .or_else(|| o.get("matchExpressions"));
            for e in exprs.and_then(Value::as_array).into_iter().flatten() {
                let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
                let op = e
                    .get("operator")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let values: Vec<&str> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                parts.push(match op {
                    "Exists" => key.to_string(),
                    "DoesNotExist" => format!("!{key}"),
                    "NotIn" => format!("{key} notin ({})", values.join(",")),
                    _ => format!("{key} in ({})", values.join(",")),
                });
            }
            Ok(Some(parts.join(",")))
        }
        other => Err(serde::de::Error::custom(format!(
            "selector must be a string or an object, got {other}"
        ))),
    }
}

fn de_tolerance<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    match v {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => Ok(n.as_f64()),
        Some(serde_json::Value::String(s)) => crate::quantity::Quantity::parse(&s)
            .map(|q| Some(q.as_approximate_f64()))
            .map_err(serde::de::Error::custom),
        Some(other) => Err(serde::de::Error::custom(format!(
            "tolerance must be a number or a quantity string, got {other}"
        ))),
    }
}

/// `selectPolicy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum SelectPolicy {
    /// The policy allowing the largest change (the default).
    Max,
    /// The policy allowing the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
    /// Any other string (invalid; kept for validation).
    Other(String),
}

impl SelectPolicy {
    /// The variant of a known spelling; `None` for any other string.
    fn known(s: &str) -> Option<Self> {
        Some(match s {
            "Max" => Self::Max,
            "Min" => Self::Min,
            "Disabled" => Self::Disabled,
            _ => return None,
        })
    }
}

from_spelling!(SelectPolicy);

impl From<SelectPolicy> for String {
    fn from(p: SelectPolicy) -> Self {
        p.as_str().to_string()
    }
}

impl SelectPolicy {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Max => "Max",
            Self::Min => "Min",
            Self::Disabled => "Disabled",
            Self::Other(s) => s,
        }
    }
}

/// `type` of a scaling policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum PolicyType {
    /// A number of pods per period.
    Pods,
    /// A percentage of the replicas at the start of the period.
    Percent,
    /// Any other string (invalid; kept for validation).
    Other(String),
}

impl PolicyType {
    /// The variant of a known spelling; `None` for any other string.
    fn known(s: &str) -> Option<Self> {
        Some(match s {
            "Pods" => Self::Pods,
            "Percent" => Self::Percent,
            _ => return None,
        })
    }
}

from_spelling!(PolicyType);

impl From<PolicyType> for String {
    fn from(p: PolicyType) -> Self {
        p.as_str().to_string()
    }
}

impl PolicyType {
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pods => "Pods",
            Self::Percent => "Percent",
            Self::Other(s) => s,
        }
    }
}

/// One scaling policy: at most `value` pods (or percent) per `period_seconds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingPolicy {
    #[serde(rename = "type")]
    pub policy_type: PolicyType,
    pub value: i32,
    pub period_seconds: i32,
}

impl ScalingPolicy {
    pub fn new(policy_type: PolicyType, value: i32, period_seconds: i32) -> Self {
        Self {
            policy_type,
            value,
            period_seconds,
        }
    }
}

impl std::fmt::Display for ScalingPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.policy_type {
            PolicyType::Percent => write!(f, "{}% per {}s", self.value, self.period_seconds),
            PolicyType::Pods => write!(f, "{} pods per {}s", self.value, self.period_seconds),
            PolicyType::Other(ref s) => {
                write!(f, "{} {} per {}s", self.value, s, self.period_seconds)
            }
        }
    }
}
