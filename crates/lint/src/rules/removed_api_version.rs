//! ## What it does
//! Checks each object's `apiVersion` against the Kubernetes version the
//! manifests are meant for (`--kubernetes-version`, default 1.33): an API
//! that is no longer served at that version is reported with its
//! replacement (API002 reports the ones deprecated but still served). Covered: HPA
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

use super::retired_apis::retired;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::version::KubeVersion;
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "API001",
    name: "removed-api-version",
    severity: Severity::Error,
    enabled: true,
    summary: "An apiVersion that is no longer served at the target Kubernetes version",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let (Some(av), Some(kind)) = (
        ctx.object.api_version.as_deref(),
        ctx.object.kind_name.as_deref(),
    ) else {
        return;
    };
    let Some(r) = retired(av, kind) else { return };
    let target = ctx.kubernetes_version;
    let message = match r.removed {
        None => format!("{av} {kind} is KEDA 1's API, which no KEDA 2 release serves"),
        Some(removed) if target >= KubeVersion::new(1, removed) => {
            format!(
                "{av} {kind} was removed in Kubernetes 1.{removed} (target {target}): the API server does not serve it"
            )
        }
        Some(_) => return,
    };
    out.push(
        ctx.value_finding("/apiVersion", message)
            .help(format!("use apiVersion: {} ({})", r.replacement, r.note)),
    );
}
