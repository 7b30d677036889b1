//! ## What it does
//! Checks each object's `apiVersion` against the Kubernetes version the
//! manifests are meant for (`--kubernetes-version`, default 1.33): an API
//! that is removed at that version is reported with its replacement, one
//! that is deprecated but still served likewise. Covered: HPA
//! `autoscaling/v2beta1` (removed 1.25) and `v2beta2` (removed 1.26),
//! `policy/v1beta1` PodDisruptionBudget and `batch/v1beta1` CronJob
//! (removed 1.25), `extensions`/`apps/v1beta*` workloads (removed 1.16),
//! and KEDA 1's `keda.k8s.io` API (gone since KEDA 2.0).
//!
//! ## Why is this bad?
//! A removed API is not served: `kubectl apply` fails with "no matches for
//! kind", usually in the middle of a cluster upgrade. Schema validators only
//! say "schema not found"; Pluto's job is exactly this table, and this rule
//! carries it next to the autoscaling rules.
//!
//! Converting is not always a rename: `autoscaling/v2beta1`'s
//! `targetAverageUtilization` becomes `target: {type: Utilization,
//! averageUtilization: ...}`, and KEDA 1's `scaleTargetRef.deploymentName`
//! becomes `scaleTargetRef.name`.
//!
//! ## Example
//! ```yaml
//! apiVersion: autoscaling/v2beta2
//! kind: HorizontalPodAutoscaler
//! ```
//!
//! Use instead:
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
//! - FairwindsOps/pluto `versions.yaml`
//! - <https://keda.sh/docs/2.0/migration/>

use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::version::KubeVersion;
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "API001",
    name: "deprecated-api-version",
    severity: Severity::Error,
    enabled: true,
    summary: "an apiVersion that is removed or deprecated at the target Kubernetes version",
    check: Check::Document(check),
};

/// One retired API: deprecated in, removed in (Kubernetes minor versions;
/// `None` for APIs that are not Kubernetes', like KEDA's), the replacement.
struct Retired {
    api_version: &'static str,
    kinds: &'static [&'static str],
    deprecated: u32,
    removed: Option<u32>,
    replacement: &'static str,
    note: &'static str,
}

const RETIRED: &[Retired] = &[
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

fn check(ctx: &DocumentContext<'_, '_>, out: &mut Findings) {
    let (Some(av), Some(kind)) = (
        ctx.object.api_version.as_deref(),
        ctx.object.kind_name.as_deref(),
    ) else {
        return;
    };
    let Some(r) = RETIRED
        .iter()
        .find(|r| r.api_version == av && r.kinds.contains(&kind))
    else {
        return;
    };
    let target = ctx.kubernetes_version;
    let message = match r.removed {
        None => format!("{av} {kind} is KEDA 1's API, which no KEDA 2 release serves"),
        Some(removed) if target >= KubeVersion::new(1, removed) => {
            format!(
                "{av} {kind} was removed in Kubernetes 1.{removed} (target {target}): the API server does not serve it"
            )
        }
        Some(_) if target >= KubeVersion::new(1, r.deprecated) => {
            format!(
                "{av} {kind} is deprecated since Kubernetes 1.{} and removed in 1.{}",
                r.deprecated,
                r.removed.unwrap_or(0)
            )
        }
        Some(_) => return,
    };
    out.push(
        ctx.value_finding("/apiVersion", message)
            .help(format!("use apiVersion: {} ({})", r.replacement, r.note)),
    );
}
