//! Names of generated objects. They live here, next to the length checks
//! that guard them, so that the renderer and the validator cannot disagree.

use crate::model::ScalingProfile;

/// Longest CronJob name Kubernetes accepts: the controller appends an
/// 11-character suffix to make Job names, which must stay within 63.
pub const CRONJOB_NAME_MAX: usize = 52;
/// Longest DNS-1123 label (Service, Deployment and label values).
pub const DNS_LABEL_MAX: usize = 63;
/// Longest DNS-1123 subdomain (most object names).
pub const DNS_SUBDOMAIN_MAX: usize = 253;

/// Which end of a schedule window a CronJob applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowEdge {
    Start,
    End,
}

impl WindowEdge {
    pub fn as_str(self) -> &'static str {
        match self {
            WindowEdge::Start => "start",
            WindowEdge::End => "end",
        }
    }
}

/// `spec.hpaName`, or `<profile>-hpa` (`fastapi` -> `fastapi-hpa`, as in the tutorial).
pub fn hpa_name(profile: &ScalingProfile) -> String {
    profile
        .spec
        .hpa_name
        .clone()
        .unwrap_or_else(|| format!("{}-hpa", profile.metadata.name))
}

/// The CronJob that applies one edge of a window: `<profile>-<window>-start|end`.
pub fn cronjob_name(profile: &str, window: &str, edge: WindowEdge) -> String {
    format!("{profile}-{window}-{}", edge.as_str())
}

/// ServiceAccount, Role and RoleBinding used by a profile's CronJobs:
/// `<profile>-scheduler`.
pub fn scheduler_name(profile: &str) -> String {
    format!("{profile}-scheduler")
}

/// Default name of the celery-exporter Deployment, Service and ServiceMonitor:
/// `<profile>-exporter`.
pub fn default_exporter_name(profile: &str) -> String {
    format!("{profile}-exporter")
}
