//! The celery-exporter Deployment and Service (metrics-pipeline.md §1, §5.2).
//!
//! danihodovic/celery-exporter reads every option from a `CE_`-prefixed
//! environment variable (`cli(auto_envvar_prefix="CE")`), so the broker URL
//! comes from a Secret without ever appearing in a manifest or an argument.

use crate::meta::Scope;
use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, EnvVarSource,
    HTTPGetAction, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
    SeccompProfile, SecretKeySelector, SecurityContext, Service, ServicePort, ServiceSpec, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The name of the container and Service port; the ServiceMonitor and the
/// probes refer to it by name.
pub const PORT_NAME: &str = "http";
/// The uid of the image's `exporter` user (`adduser --disabled-login exporter`
/// on Debian gives 1000). The image's `USER exporter` is not numeric, so
/// `runAsNonRoot` cannot be verified by the kubelet without a numeric uid.
pub const EXPORTER_UID: i64 = 1000;

/// The exporter's broker URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BrokerUrl {
    /// A key of a Secret in the exporter's namespace (never inline credentials).
    Secret { name: String, key: String },
    /// A URL without credentials (validation guarantees it).
    Plain(String),
}

/// Container requests and limits as quantities (`100m`, `128Mi`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Resources {
    pub requests: BTreeMap<String, String>,
    pub limits: BTreeMap<String, String>,
}

impl Resources {
    pub fn to_k8s(&self) -> ResourceRequirements {
        let q = |m: &BTreeMap<String, String>| {
            (!m.is_empty()).then(|| {
                m.iter()
                    .map(|(k, v)| (k.clone(), Quantity(v.clone())))
                    .collect()
            })
        };
        ResourceRequirements {
            requests: q(&self.requests),
            limits: q(&self.limits),
            ..Default::default()
        }
    }
}

/// Everything needed to write the exporter.
#[derive(Clone, Debug, PartialEq)]
pub struct ExporterParams {
    /// Name of the Deployment, its container and its Service; also the
    /// value of the `app` selector label.
    pub name: String,
    pub scope: Scope,
    /// Pinned image, e.g. `danihodovic/celery-exporter:0.12.2`.
    pub image: String,
    pub port: i32,
    /// Where the broker URL (`redis://...`) comes from.
    pub broker_url: BrokerUrl,
    /// Queues always reported, even before a worker answered (`CE_QUEUES`):
    /// without it `celery_queue_length` is absent after an exporter restart
    /// with zero workers, and the HPA cannot compute (§1).
    pub queues: Vec<String>,
    pub resources: Resources,
    /// `prometheus.io/*` annotations on the Service, read by the community
    /// `prometheus` chart's `kubernetes-service-endpoints` job (§5.2).
    pub scrape_annotations: bool,
}

impl ExporterParams {
    /// The labels that select the exporter's pods.
    pub fn selector(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("app".to_string(), self.name.clone())])
    }

    /// The environment of the exporter container, in the order written.
    pub fn env(&self) -> Vec<EnvVar> {
        let broker = match &self.broker_url {
            BrokerUrl::Secret { name, key } => EnvVar {
                name: "CE_BROKER_URL".into(),
                value_from: Some(EnvVarSource {
                    secret_key_ref: Some(SecretKeySelector {
                        name: name.clone(),
                        key: key.clone(),
                        optional: Some(false),
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
            BrokerUrl::Plain(url) => plain_env("CE_BROKER_URL", url),
        };
        vec![
            broker,
            plain_env("CE_QUEUES", &self.queues.join(",")),
            plain_env("CE_PORT", &self.port.to_string()),
        ]
    }
}

fn plain_env(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

pub fn deployment(p: &ExporterParams) -> Deployment {
    let selector = p.selector();
    let pod_labels = p.scope.labels_with(&[("app", &p.name)]);
    let probe = |initial: i32| Probe {
        http_get: Some(HTTPGetAction {
            path: Some("/health".into()),
            port: IntOrString::String(PORT_NAME.into()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(initial),
        period_seconds: Some(30),
        timeout_seconds: Some(10),
        ..Default::default()
    };
    Deployment {
        metadata: p.scope.meta_with(&p.name, &[("app", &p.name)], &[]),
        spec: Some(DeploymentSpec {
            // One event receiver: every replica queries the broker and
            // exports its own copy of each series (§1).
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(selector),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(pod_labels.clone()),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(EXPORTER_UID),
                        run_as_group: Some(EXPORTER_UID),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".into(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    containers: vec![Container {
                        name: p.name.clone(),
                        image: Some(p.image.clone()),
                        env: Some(p.env()),
                        ports: Some(vec![ContainerPort {
                            name: Some(PORT_NAME.into()),
                            container_port: p.port,
                            protocol: Some("TCP".into()),
                            ..Default::default()
                        }]),
                        readiness_probe: Some(probe(5)),
                        liveness_probe: Some(probe(30)),
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
                }),
            },
            ..Default::default()
        }),
        status: None,
    }
}

/// The container half of the Pod Security Standard `restricted` profile,
/// plus a read-only root filesystem.
pub fn restricted_container() -> SecurityContext {
    SecurityContext {
        allow_privilege_escalation: Some(false),
        read_only_root_filesystem: Some(true),
        run_as_non_root: Some(true),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            add: None,
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn service(p: &ExporterParams) -> Service {
    let port = p.port.to_string();
    let annotations: &[(&str, &str)] = if p.scrape_annotations {
        &[
            ("prometheus.io/scrape", "true"),
            ("prometheus.io/port", &port),
            ("prometheus.io/path", "/metrics"),
        ]
    } else {
        &[]
    };
    Service {
        metadata: p.scope.meta_with(&p.name, &[("app", &p.name)], annotations),
        spec: Some(ServiceSpec {
            selector: Some(p.selector()),
            ports: Some(vec![ServicePort {
                name: Some(PORT_NAME.into()),
                port: p.port,
                target_port: Some(IntOrString::String(PORT_NAME.into())),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    }
}
