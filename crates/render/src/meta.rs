//! Metadata shared by every object rendered for one profile.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// `app.kubernetes.io/managed-by` value on everything we render, so that
/// `kubectl get -l app.kubernetes.io/managed-by=scaleplan` lists it all.
pub const MANAGED_BY: &str = "scaleplan";
/// Label naming the profile an object was rendered from.
pub const PROFILE_LABEL: &str = "scaleplan.dev/profile";

/// Namespace, labels and annotations of every object of one profile.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Scope {
    pub namespace: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
}

impl Scope {
    /// The profile's own labels and annotations plus ours
    /// (`app.kubernetes.io/managed-by`, `scaleplan.dev/profile`); the
    /// profile's labels win on a clash.
    pub fn for_profile(
        profile: &str,
        namespace: &str,
        labels: &BTreeMap<String, String>,
        annotations: &BTreeMap<String, String>,
    ) -> Self {
        let mut all = BTreeMap::from([
            (
                "app.kubernetes.io/managed-by".to_string(),
                MANAGED_BY.to_string(),
            ),
            (PROFILE_LABEL.to_string(), profile.to_string()),
        ]);
        all.extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
        Scope {
            namespace: namespace.to_string(),
            labels: all,
            annotations: annotations.clone(),
        }
    }

    pub fn meta(&self, name: &str) -> ObjectMeta {
        self.meta_with(name, &[], &[])
    }

    /// Metadata with extra labels and annotations; ours win (they carry
    /// meaning, e.g. the `app` selector label).
    pub fn meta_with(
        &self,
        name: &str,
        labels: &[(&str, &str)],
        annotations: &[(&str, &str)],
    ) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(self.namespace.clone()),
            labels: non_empty(with(&self.labels, labels)),
            annotations: non_empty(with(&self.annotations, annotations)),
            ..Default::default()
        }
    }

    /// Labels for a pod template or job template: the scope's plus `extra`.
    pub fn labels_with(&self, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
        with(&self.labels, extra)
    }
}

fn non_empty(m: BTreeMap<String, String>) -> Option<BTreeMap<String, String>> {
    (!m.is_empty()).then_some(m)
}

fn with(base: &BTreeMap<String, String>, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut out = base.clone();
    for (k, v) in extra {
        out.insert((*k).to_string(), (*v).to_string());
    }
    out
}
