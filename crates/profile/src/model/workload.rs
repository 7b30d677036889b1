use super::Quantity;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The workload the HPA scales (its `scaleTargetRef`), with the resources of
/// its containers so that resource targets can be checked against requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Workload {
    /// `Deployment` (default) or `StatefulSet`.
    #[serde(default)]
    pub kind: WorkloadKind,
    /// Name of the Deployment or StatefulSet, in `metadata.namespace`.
    pub name: String,
    /// The containers of the pod template with their requests and limits, as
    /// in the workload's manifest. Utilization targets are a percentage of the
    /// sum of these requests, so every container needs a request for each
    /// resource that has a Utilization target.
    #[schemars(length(min = 1))]
    pub containers: Vec<Container>,
}

/// Kind of workload (`scaleTargetRef.kind`, always `apiVersion: apps/v1`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum WorkloadKind {
    #[default]
    Deployment,
    StatefulSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }
}

/// One container of the workload's pod template.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Container {
    pub name: String,
    #[serde(default)]
    pub resources: ResourceRequirements,
}

/// Requests and limits, as in a pod spec.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceRequirements {
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub requests: ResourceList,
    #[serde(default, skip_serializing_if = "ResourceList::is_empty")]
    pub limits: ResourceList,
}

/// cpu and memory amounts (the two resources an HPA Resource metric can use).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceList {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Quantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Quantity>,
}

impl ResourceList {
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }
}
