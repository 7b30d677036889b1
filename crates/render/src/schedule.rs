//! Scheduled scaling: CronJobs that patch the HPA's replica bounds at the
//! start and end of each window, and the least RBAC that lets them: a
//! ServiceAccount, a Role allowing only `get`/`patch` on that one HPA (by
//! `resourceNames`), and a RoleBinding.

use crate::exporter::{Resources, restricted_container};
use crate::meta::Scope;
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, PodSecurityContext, PodSpec, PodTemplateSpec,
    SeccompProfile, ServiceAccount, Volume, VolumeMount,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

/// Non-root uid for the kubectl container: `registry.k8s.io/kubectl` runs as
/// root by default, which the `restricted` Pod Security Standard forbids.
pub const KUBECTL_UID: i64 = 65532;

/// Replica bounds to write into the HPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicaBounds {
    pub min_replicas: i32,
    pub max_replicas: Option<i32>,
}

impl ReplicaBounds {
    /// The JSON merge patch that sets these bounds.
    pub fn merge_patch(&self) -> String {
        let mut spec = serde_json::Map::new();
        spec.insert("minReplicas".into(), self.min_replicas.into());
        if let Some(max) = self.max_replicas {
            spec.insert("maxReplicas".into(), max.into());
        }
        serde_json::json!({ "spec": spec }).to_string()
    }
}

/// One scheduled window.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleWindow {
    /// Name of the CronJob that applies `during` at `start`.
    pub start_job_name: String,
    /// Name of the CronJob that applies `after` at `end`.
    pub end_job_name: String,
    /// 5-field cron (as Kubernetes accepts it) at which the window starts.
    pub start: String,
    /// 5-field cron at which the window ends.
    pub end: String,
    /// IANA time zone of both schedules (`spec.timeZone`).
    pub time_zone: Option<String>,
    /// Bounds during the window.
    pub during: ReplicaBounds,
    /// Bounds restored when the window ends.
    pub after: ReplicaBounds,
}

/// Everything needed to write the scheduled scaling of one HPA.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleParams {
    pub scope: Scope,
    pub hpa_name: String,
    /// Name of the ServiceAccount, Role and RoleBinding.
    pub rbac_name: String,
    /// Pinned image whose entrypoint is `kubectl` (e.g. `registry.k8s.io/kubectl:v1.33.0`).
    pub kubectl_image: String,
    pub windows: Vec<ScheduleWindow>,
    /// A run missed by more than this is skipped rather than run late.
    pub starting_deadline_seconds: i64,
    /// Finished Jobs are deleted after this long.
    pub ttl_seconds_after_finished: i32,
    pub resources: Resources,
}

pub fn service_account(p: &ScheduleParams) -> ServiceAccount {
    ServiceAccount {
        metadata: p.scope.meta(&p.rbac_name),
        ..Default::default()
    }
}

pub fn role(p: &ScheduleParams) -> Role {
    Role {
        metadata: p.scope.meta(&p.rbac_name),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec!["autoscaling".into()]),
            resources: Some(vec!["horizontalpodautoscalers".into()]),
            resource_names: Some(vec![p.hpa_name.clone()]),
            verbs: vec!["get".into(), "patch".into()],
            ..Default::default()
        }]),
    }
}

pub fn role_binding(p: &ScheduleParams) -> RoleBinding {
    let name = p.rbac_name.clone();
    RoleBinding {
        metadata: p.scope.meta(&name),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into(),
            name: name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name,
            namespace: Some(p.scope.namespace.clone()),
            ..Default::default()
        }]),
    }
}

/// Two CronJobs per window, in window order: start, then end.
pub fn cron_jobs(p: &ScheduleParams) -> Vec<CronJob> {
    let mut out = Vec::with_capacity(p.windows.len() * 2);
    for w in &p.windows {
        out.push(cron_job(p, w, &w.start_job_name, &w.start, w.during));
        out.push(cron_job(p, w, &w.end_job_name, &w.end, w.after));
    }
    out
}

fn cron_job(
    p: &ScheduleParams,
    w: &ScheduleWindow,
    name: &str,
    schedule: &str,
    bounds: ReplicaBounds,
) -> CronJob {
    let args = vec![
        "patch".to_string(),
        "horizontalpodautoscaler.autoscaling".to_string(),
        p.hpa_name.clone(),
        format!("--namespace={}", p.scope.namespace),
        "--type=merge".to_string(),
        format!("--patch={}", bounds.merge_patch()),
    ];
    let pod = PodSpec {
        service_account_name: Some(p.rbac_name.clone()),
        restart_policy: Some("OnFailure".into()),
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(KUBECTL_UID),
            run_as_group: Some(KUBECTL_UID),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        containers: vec![Container {
            name: "kubectl".into(),
            image: Some(p.kubectl_image.clone()),
            // The image's entrypoint is kubectl; only arguments are given.
            args: Some(args),
            // kubectl keeps its discovery cache under $HOME/.kube; the root
            // filesystem is read-only, so HOME is the writable /tmp.
            env: Some(vec![EnvVar {
                name: "HOME".into(),
                value: Some("/tmp".into()),
                ..Default::default()
            }]),
            resources: Some(p.resources.to_k8s()),
            security_context: Some(restricted_container()),
            volume_mounts: Some(vec![VolumeMount {
                name: "tmp".into(),
                mount_path: "/tmp".into(),
                ..Default::default()
            }]),
            ..Default::default()
        }],
        volumes: Some(vec![Volume {
            name: "tmp".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    CronJob {
        metadata: p.scope.meta(name),
        spec: Some(CronJobSpec {
            schedule: schedule.to_string(),
            time_zone: w.time_zone.clone(),
            // A late start must not race the matching end (or the next start).
            concurrency_policy: Some("Forbid".into()),
            starting_deadline_seconds: Some(p.starting_deadline_seconds),
            successful_jobs_history_limit: Some(1),
            failed_jobs_history_limit: Some(3),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(p.scope.labels.clone()),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    backoff_limit: Some(3),
                    // A hung kubectl would otherwise block later runs (Forbid).
                    active_deadline_seconds: Some(300),
                    ttl_seconds_after_finished: Some(p.ttl_seconds_after_finished),
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels: Some(p.scope.labels.clone()),
                            ..Default::default()
                        }),
                        spec: Some(pod),
                    },
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}
