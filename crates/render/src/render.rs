//! Profiles to artifacts: the objects of each profile, one file per kind
//! under `<namespace>/<profile>/`, the kustomization that applies them all,
//! and the text artifacts from the templates.

use crate::artifact::{Artifact, ArtifactKind, Origin, yaml_file};
use crate::plan::{ProfilePlan, plan};
use crate::text::{TemplateError, Templates};
use crate::{adapter, exporter, hpa, schedule, service_monitor};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use scaleplan_profile::LoadedProfile;
use serde::Serialize;

/// File name of the prometheus-adapter values in a profile's directory.
pub const ADAPTER_VALUES_FILE: &str = "prometheus-adapter-values.yaml";
pub const KUSTOMIZATION_FILE: &str = "kustomization.yaml";

/// Renders profiles that validated without errors, with the built-in
/// templates. Artifacts are sorted by path.
pub fn render_profiles(profiles: &[LoadedProfile]) -> Vec<Artifact> {
    match render_profiles_with(profiles, &Templates::builtin()) {
        Ok(a) => a,
        // The built-in templates are tested against every example profile.
        Err(e) => panic!("built-in template failed: {e}"),
    }
}

/// Like [`render_profiles`] with a template set (e.g. from `--templates DIR`).
pub fn render_profiles_with(
    profiles: &[LoadedProfile],
    templates: &Templates,
) -> Result<Vec<Artifact>, TemplateError> {
    let mut out = Vec::new();
    for p in profiles {
        out.extend(profile_artifacts(p, &plan(&p.resolved)));
    }
    out.push(kustomization(&out));
    out.extend(templates.render(profiles)?);
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The HPA of a profile, as rendered.
pub fn profile_hpa(p: &LoadedProfile) -> HorizontalPodAutoscaler {
    hpa::horizontal_pod_autoscaler(&plan(&p.resolved).hpa)
}

/// `<namespace>/<profile>`: the directory of a profile's files.
pub fn profile_dir(p: &LoadedProfile) -> String {
    format!("{}/{}", p.resolved.namespace, p.resolved.name)
}

fn profile_artifacts(p: &LoadedProfile, plan: &ProfilePlan) -> Vec<Artifact> {
    let origin = Origin::profile(&p.file, &p.resolved.name);
    let dir = profile_dir(p);
    let mut files = Files {
        dir: &dir,
        origin: &origin,
        out: Vec::new(),
    };
    files.manifest(
        "horizontalpodautoscaler",
        &[hpa::horizontal_pod_autoscaler(&plan.hpa)],
    );
    if let Some(q) = &plan.queue {
        files.manifest("deployment", &[exporter::deployment(&q.exporter)]);
        files.manifest("service", &[exporter::service(&q.exporter)]);
        if let Some(sm) = &q.service_monitor {
            files.manifest("servicemonitor", &[service_monitor::service_monitor(sm)]);
        }
        files.push(
            ADAPTER_VALUES_FILE,
            ArtifactKind::HelmValues,
            &[adapter::values(&q.adapter)],
        );
    }
    if let Some(s) = &plan.schedule {
        files.manifest("cronjob", &schedule::cron_jobs(s));
        files.manifest("serviceaccount", &[schedule::service_account(s)]);
        files.manifest("role", &[schedule::role(s)]);
        files.manifest("rolebinding", &[schedule::role_binding(s)]);
    }
    files.out
}

struct Files<'a> {
    dir: &'a str,
    origin: &'a Origin,
    out: Vec<Artifact>,
}

impl Files<'_> {
    /// `<kind>.yaml`, lowercase kind.
    fn manifest<T: Serialize>(&mut self, kind: &str, docs: &[T]) {
        self.push(&format!("{kind}.yaml"), ArtifactKind::Manifest, docs);
    }

    fn push<T: Serialize>(&mut self, file: &str, kind: ArtifactKind, docs: &[T]) {
        self.out.push(Artifact {
            path: format!("{}/{file}", self.dir),
            kind,
            origin: self.origin.clone(),
            contents: yaml_file(self.origin, docs),
        });
    }
}

/// `kustomize.config.k8s.io/v1beta1` Kustomization listing every manifest,
/// so that `kubectl apply -k out/` applies all objects (and not the Helm values).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
}

fn kustomization(artifacts: &[Artifact]) -> Artifact {
    let mut resources: Vec<String> = artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Manifest)
        .map(|a| a.path.clone())
        .collect();
    resources.sort();
    let mut profiles: Vec<(String, String)> = artifacts
        .iter()
        .flat_map(|a| a.origin.profiles.iter().cloned())
        .collect();
    profiles.sort();
    profiles.dedup();
    let origin = Origin { profiles };
    let k = Kustomization {
        api_version: "kustomize.config.k8s.io/v1beta1",
        kind: "Kustomization",
        resources,
    };
    Artifact {
        path: KUSTOMIZATION_FILE.to_string(),
        kind: ArtifactKind::Kustomization,
        contents: yaml_file(&origin, &[k]),
        origin,
    }
}
