//! What a document is: a Kubernetes object of a kind the linter understands,
//! a prometheus-adapter configuration recognized by its shape, a scaleplan
//! profile, or something else (counted, checked for syntax, otherwise left alone).

use crate::pointer::Member;
use serde_json::Value;
use std::sync::Arc;

/// The kinds the rules know. Kubernetes objects are told apart by
/// `apiVersion` + `kind`; prometheus-adapter files have no `kind`, so they
/// are recognized by shape (see [`classify`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectKind {
    /// `autoscaling/v1`, `v2beta1`, `v2beta2` or `v2` HorizontalPodAutoscaler.
    HorizontalPodAutoscaler,
    Deployment,
    StatefulSet,
    ReplicaSet,
    /// `policy/v1` or `policy/v1beta1`.
    PodDisruptionBudget,
    /// `batch/v1` or `batch/v1beta1`.
    CronJob,
    Service,
    /// `autoscaling.k8s.io` VerticalPodAutoscaler.
    VerticalPodAutoscaler,
    /// KEDA `keda.sh` or legacy `keda.k8s.io` ScaledObject.
    ScaledObject,
    /// KEDA ScaledJob.
    ScaledJob,
    /// KEDA TriggerAuthentication.
    TriggerAuthentication,
    /// KEDA ClusterTriggerAuthentication.
    ClusterTriggerAuthentication,
    /// prometheus-operator `monitoring.coreos.com` ServiceMonitor.
    ServiceMonitor,
    /// A ConfigMap that carries a prometheus-adapter configuration (a data
    /// value with `rules`/`externalRules`/`resourceRules`).
    AdapterConfigMap,
    /// Any other ConfigMap.
    ConfigMap,
    /// prometheus-adapter Helm chart values (`rules.custom`, `rules.external`, ...).
    AdapterValues,
    /// prometheus-adapter's own configuration file (`rules: [{seriesQuery: ...}]`).
    AdapterConfig,
    /// `scaleplan.dev/*` ScalingProfile: checked by `scaleplan_profile`.
    ScalingProfile,
    /// Another Kubernetes object (has `apiVersion` and `kind`).
    OtherObject,
    /// Anything else: a values file of another chart, a list, a scalar.
    NotAnObject,
}

impl ObjectKind {
    /// The `kind` every object of this kind has (classification matches it
    /// exactly); `None` for shapes without one and for other objects.
    pub fn kind_field(self) -> Option<&'static str> {
        Some(match self {
            ObjectKind::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            ObjectKind::Deployment => "Deployment",
            ObjectKind::StatefulSet => "StatefulSet",
            ObjectKind::ReplicaSet => "ReplicaSet",
            ObjectKind::PodDisruptionBudget => "PodDisruptionBudget",
            ObjectKind::CronJob => "CronJob",
            ObjectKind::Service => "Service",
            ObjectKind::VerticalPodAutoscaler => "VerticalPodAutoscaler",
            ObjectKind::ScaledObject => "ScaledObject",
            ObjectKind::ScaledJob => "ScaledJob",
            ObjectKind::TriggerAuthentication => "TriggerAuthentication",
            ObjectKind::ClusterTriggerAuthentication => "ClusterTriggerAuthentication",
            ObjectKind::ServiceMonitor => "ServiceMonitor",
            ObjectKind::AdapterConfigMap | ObjectKind::ConfigMap => "ConfigMap",
            ObjectKind::ScalingProfile => "ScalingProfile",
            ObjectKind::AdapterValues
            | ObjectKind::AdapterConfig
            | ObjectKind::OtherObject
            | ObjectKind::NotAnObject => return None,
        })
    }

    /// Workload kinds an autoscaler can target (and that carry a pod template).
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            ObjectKind::Deployment | ObjectKind::StatefulSet | ObjectKind::ReplicaSet
        )
    }
}

/// A classified document: its kind and the identity fields read from it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ObjectType {
    pub kind: ObjectKind,
    /// `apiVersion` as written, when present.
    pub api_version: Option<Arc<str>>,
    /// `kind` as written, when present.
    pub kind_name: Option<Arc<str>>,
}

impl ObjectType {
    /// The API group (`""` for the core group): `apps` for `apps/v1`.
    pub fn group(&self) -> &str {
        self.api_version
            .as_deref()
            .and_then(|v| v.rsplit_once('/').map(|(g, _)| g))
            .unwrap_or("")
    }
    /// The version part of `apiVersion`: `v2` for `autoscaling/v2`.
    pub fn version(&self) -> &str {
        self.api_version
            .as_deref()
            .map(|v| v.rsplit_once('/').map_or(v, |(_, v)| v))
            .unwrap_or("")
    }
}

/// The string value of a top-level key, if it is a string.
pub fn str_field<'a>(node: &'a Value, key: &str) -> Option<&'a str> {
    node.member(key).and_then(Value::as_str)
}

/// Classifies a document (cheap: a few key lookups), so that documents of
/// kinds no rule cares about cost only their parse.
pub fn classify(root: &Value) -> ObjectType {
    let api_version = str_field(root, "apiVersion").map(Arc::from);
    let kind_name = str_field(root, "kind").map(Arc::from);
    let kind = match (api_version.as_deref(), kind_name.as_deref()) {
        (Some(av), Some(k)) => object_kind(av, k, root),
        _ if is_adapter_values(root) => ObjectKind::AdapterValues,
        _ if is_adapter_config(root) => ObjectKind::AdapterConfig,
        _ => ObjectKind::NotAnObject,
    };
    ObjectType {
        kind,
        api_version,
        kind_name,
    }
}

fn object_kind(api_version: &str, kind: &str, root: &Value) -> ObjectKind {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    match (group, kind) {
        ("autoscaling", "HorizontalPodAutoscaler") => ObjectKind::HorizontalPodAutoscaler,
        ("apps" | "extensions", "Deployment") => ObjectKind::Deployment,
        ("apps", "StatefulSet") => ObjectKind::StatefulSet,
        ("apps" | "extensions", "ReplicaSet") => ObjectKind::ReplicaSet,
        ("policy", "PodDisruptionBudget") => ObjectKind::PodDisruptionBudget,
        ("batch", "CronJob") => ObjectKind::CronJob,
        ("", "Service") => ObjectKind::Service,
        ("", "ConfigMap") if is_adapter_config_map(root) => ObjectKind::AdapterConfigMap,
        ("", "ConfigMap") => ObjectKind::ConfigMap,
        ("autoscaling.k8s.io", "VerticalPodAutoscaler") => ObjectKind::VerticalPodAutoscaler,
        ("keda.sh" | "keda.k8s.io", "ScaledObject") => ObjectKind::ScaledObject,
        ("keda.sh" | "keda.k8s.io", "ScaledJob") => ObjectKind::ScaledJob,
        ("keda.sh" | "keda.k8s.io", "TriggerAuthentication") => ObjectKind::TriggerAuthentication,
        ("keda.sh" | "keda.k8s.io", "ClusterTriggerAuthentication") => {
            ObjectKind::ClusterTriggerAuthentication
        }
        ("monitoring.coreos.com", "ServiceMonitor") => ObjectKind::ServiceMonitor,
        ("scaleplan.dev", "ScalingProfile") => ObjectKind::ScalingProfile,
        _ => ObjectKind::OtherObject,
    }
}

/// Helm values of the prometheus-adapter chart: `rules` is a mapping with
/// some of `default`/`custom`/`external`/`resource`, or `prometheus.url` is
/// set (the chart's way to name its Prometheus; other charts nest it deeper).
fn is_adapter_values(root: &Value) -> bool {
    let rules = root.member("rules").is_some_and(|rules| {
        rules.is_object()
            && ["custom", "external", "resource", "default"]
                .iter()
                .any(|k| rules.member(k).is_some())
    });
    let prometheus_url = root
        .member("prometheus")
        .is_some_and(|p| p.is_object() && p.member("url").is_some());
    rules || prometheus_url
}

/// The adapter's own config: `rules`, `externalRules` or `resourceRules`,
/// where a rule list holds mappings with `seriesQuery` (or `resourceRules`
/// with `cpu`/`memory`).
fn is_adapter_config(root: &Value) -> bool {
    let rule_list = |key: &str| {
        root.member(key)
            .and_then(Value::as_array)
            .is_some_and(|items| {
                items.iter().any(|i| {
                    i.is_object()
                        && (i.member("seriesQuery").is_some() || i.member("metricsQuery").is_some())
                })
            })
    };
    rule_list("rules")
        || rule_list("externalRules")
        || root.member("resourceRules").is_some_and(|v| {
            v.is_object() && (v.member("cpu").is_some() || v.member("memory").is_some())
        })
}

/// A ConfigMap whose data holds an adapter config as a YAML string: the
/// chart's `config.yaml` key, or any value that mentions `seriesQuery`.
fn is_adapter_config_map(root: &Value) -> bool {
    root.member("data")
        .and_then(Value::as_object)
        .is_some_and(|map| {
            map.values().any(|v| {
                v.as_str()
                    .is_some_and(|s| s.contains("seriesQuery") || s.contains("resourceRules:"))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use saphyr::{LoadableYamlNode, MarkedYaml};

    fn kind_of(text: &str) -> ObjectKind {
        classify(&scaleplan_diag::yaml::to_json(
            &MarkedYaml::load_from_str(text).unwrap()[0],
        ))
        .kind
    }

    #[test]
    fn kinds_by_group_and_shape() {
        let cases = [
            (
                "apiVersion: autoscaling/v2beta1\nkind: HorizontalPodAutoscaler\n",
                ObjectKind::HorizontalPodAutoscaler,
            ),
            (
                "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n",
                ObjectKind::PodDisruptionBudget,
            ),
            (
                "apiVersion: keda.k8s.io/v1alpha1\nkind: ScaledObject\n",
                ObjectKind::ScaledObject,
            ),
            (
                "apiVersion: v1\nkind: ConfigMap\ndata:\n  config.yaml: |\n    rules:\n    - seriesQuery: 'up'\n",
                ObjectKind::AdapterConfigMap,
            ),
            (
                "rules:\n  custom: []\nprometheus:\n  url: http://p\n",
                ObjectKind::AdapterValues,
            ),
            (
                "rules:\n- seriesQuery: up\n  metricsQuery: up\n",
                ObjectKind::AdapterConfig,
            ),
            ("replicaCount: 2\n", ObjectKind::NotAnObject),
            ("apiVersion: v1\nkind: Secret\n", ObjectKind::OtherObject),
        ];
        for (text, kind) in cases {
            assert_eq!(kind_of(text), kind, "{text}");
        }
    }
}

#[cfg(test)]
mod kind_field {
    use super::*;
    use saphyr::{LoadableYamlNode, MarkedYaml};

    /// The index finds objects of an [`ObjectKind`] by their `kind` as
    /// written: every kind classification gives must have that `kind`.
    #[test]
    fn kind_field_is_the_kind_classification_matched() {
        let cases = [
            ("autoscaling/v2", "HorizontalPodAutoscaler"),
            ("apps/v1", "Deployment"),
            ("extensions/v1beta1", "Deployment"),
            ("apps/v1", "StatefulSet"),
            ("apps/v1", "ReplicaSet"),
            ("policy/v1", "PodDisruptionBudget"),
            ("batch/v1", "CronJob"),
            ("v1", "Service"),
            ("v1", "ConfigMap"),
            ("autoscaling.k8s.io/v1", "VerticalPodAutoscaler"),
            ("keda.sh/v1alpha1", "ScaledObject"),
            ("keda.k8s.io/v1alpha1", "ScaledJob"),
            ("keda.sh/v1alpha1", "TriggerAuthentication"),
            ("keda.sh/v1alpha1", "ClusterTriggerAuthentication"),
            ("monitoring.coreos.com/v1", "ServiceMonitor"),
            ("scaleplan.dev/v1alpha1", "ScalingProfile"),
            ("argoproj.io/v1alpha1", "Rollout"),
        ];
        for (api_version, kind) in cases {
            let text = format!("apiVersion: {api_version}\nkind: {kind}\n");
            let docs = MarkedYaml::load_from_str(&text).unwrap();
            let object = classify(&scaleplan_diag::yaml::to_json(&docs[0]));
            match object.kind.kind_field() {
                Some(k) => assert_eq!(k, kind, "{api_version} {kind}"),
                None => assert_eq!(object.kind, ObjectKind::OtherObject, "{kind}"),
            }
        }
    }
}
