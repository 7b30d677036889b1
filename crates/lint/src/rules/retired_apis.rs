//! APIs that Kubernetes (and KEDA) stopped serving, with the version that
//! deprecated and removed each and its replacement: the table of Pluto's
//! `versions.yaml` for the kinds autoscaling touches.

/// One retired API: deprecated in, removed in (Kubernetes minor versions;
/// `None` for APIs that are not Kubernetes', like KEDA's), the replacement.
pub(crate) struct Retired {
    pub api_version: &'static str,
    pub kinds: &'static [&'static str],
    pub deprecated: u32,
    pub removed: Option<u32>,
    pub replacement: &'static str,
    pub note: &'static str,
}

pub(crate) const RETIRED: &[Retired] = &[
    Retired {
        api_version: "autoscaling/v2beta1",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated: 22,
        removed: Some(25),
        replacement: "autoscaling/v2",
        note: "targetAverageUtilization/targetAverageValue/targetValue become target: {type, averageUtilization|averageValue|value}; metricName becomes metric.name",
    },
    Retired {
        api_version: "autoscaling/v2beta2",
        kinds: &["HorizontalPodAutoscaler"],
        deprecated: 23,
        removed: Some(26),
        replacement: "autoscaling/v2",
        note: "the fields are the same; only apiVersion changes",
    },
    Retired {
        api_version: "policy/v1beta1",
        kinds: &["PodDisruptionBudget"],
        deprecated: 21,
        removed: Some(25),
        replacement: "policy/v1",
        note: "an empty selector selects every pod in policy/v1 (none in v1beta1)",
    },
    Retired {
        api_version: "batch/v1beta1",
        kinds: &["CronJob"],
        deprecated: 21,
        removed: Some(25),
        replacement: "batch/v1",
        note: "the fields are the same; only apiVersion changes",
    },
    Retired {
        api_version: "extensions/v1beta1",
        kinds: &["Deployment", "ReplicaSet", "DaemonSet"],
        deprecated: 9,
        removed: Some(16),
        replacement: "apps/v1",
        note: "apps/v1 requires spec.selector",
    },
    Retired {
        api_version: "apps/v1beta1",
        kinds: &["Deployment", "StatefulSet"],
        deprecated: 9,
        removed: Some(16),
        replacement: "apps/v1",
        note: "apps/v1 requires spec.selector",
    },
    Retired {
        api_version: "apps/v1beta2",
        kinds: &["Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"],
        deprecated: 9,
        removed: Some(16),
        replacement: "apps/v1",
        note: "apps/v1 requires spec.selector",
    },
    Retired {
        api_version: "keda.k8s.io/v1alpha1",
        kinds: &["ScaledObject", "ScaledJob", "TriggerAuthentication"],
        deprecated: 0,
        removed: None,
        replacement: "keda.sh/v1alpha1",
        note: "KEDA 2 serves only keda.sh; scaleTargetRef.deploymentName becomes scaleTargetRef.name, and several trigger fields changed (see the KEDA 2.0 migration guide)",
    },
];

/// The retired API a document uses, if any.
pub(crate) fn retired(api_version: &str, kind: &str) -> Option<&'static Retired> {
    RETIRED
        .iter()
        .find(|r| r.api_version == api_version && r.kinds.contains(&kind))
}
