use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Scheduled replica bounds, applied by CronJobs that patch the HPA.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleSpec {
    pub windows: Vec<ScheduleWindow>,
}

/// One window: at `start` the HPA's bounds become `minReplicas`
/// (and `maxReplicas` if given); at `end` they are restored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleWindow {
    /// DNS-1123 label; part of the CronJob names `<profile>-<window>-start|end`.
    pub name: String,
    /// 5-field cron (or `@daily`-style macro) as a Kubernetes CronJob accepts it.
    pub start: String,
    /// 5-field cron at which the window ends.
    pub end: String,
    /// IANA time zone of both schedules (CronJob `timeZone`). Default: `Etc/UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// minReplicas during the window, in [1, maxReplicas].
    pub min_replicas: i64,
    /// maxReplicas during the window. Default: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i64>,
    /// Values set when the window ends. Default: the profile's replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreReplicas>,
}

/// Bounds restored at the end of a window.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestoreReplicas {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i64>,
}
