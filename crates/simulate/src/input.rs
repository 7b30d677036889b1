//! Reading the HPA(s) to simulate: a plain autoscaling/v2 HPA YAML (one or
//! several documents, other kinds skipped) or a scaleplan profile.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use scaleplan_diag::{Diagnostic, Location, SourceFile, yaml};
use scaleplan_hpa::model::HpaSpec;
use scaleplan_hpa::validation::{FeatureGates, validate};

/// Rule IDs of problems with the configuration input.
pub mod rules {
    /// A document claims to be an HPA but does not deserialize as autoscaling/v2.
    pub const HPA_SHAPE: &str = "S0201";
    /// The file holds no HorizontalPodAutoscaler.
    pub const NO_HPA: &str = "S0202";
    /// `--hpa NAME` names no HPA in the file, or the file holds several and none was chosen.
    pub const WHICH_HPA: &str = "S0203";
    /// The HPA fails the API server's validation (it could not be applied).
    pub const INVALID_HPA: &str = "S0204";
}

/// One HPA read from the input, with where it was found.
#[derive(Clone, Debug)]
pub struct LoadedHpa {
    pub name: String,
    pub hpa: HorizontalPodAutoscaler,
    /// The `kind:` line of its document (or the file, for profiles).
    pub location: Location,
    /// Which YAML document of the file it is (`None` for a rendered profile).
    pub doc: Option<usize>,
}

/// An HPA ready to simulate: converted to the controller's model, defaulted
/// as the API server stores it (minReplicas 1, CPU 80% when no metrics,
/// behavior rules filled in) and valid.
#[derive(Clone, Debug)]
pub struct PreparedHpa {
    pub name: String,
    pub spec: HpaSpec,
    /// Where each of `spec.metrics` is written, for errors about it.
    pub metric_locations: Vec<Option<Location>>,
}

/// Reads every HPA in a YAML file. Documents of other kinds (a Deployment next
/// to its HPA) are skipped, so a whole manifest file can be simulated.
pub fn load_hpa_yaml(src: &SourceFile) -> Result<Vec<LoadedHpa>, Vec<Diagnostic>> {
    let docs = yaml::load_documents(src).map_err(|d| vec![d])?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (index, doc) in docs.iter().enumerate() {
        let json = yaml::to_json(doc);
        if json.get("kind").and_then(|k| k.as_str()) != Some("HorizontalPodAutoscaler") {
            continue;
        }
        let location = yaml::pointer_location(src, doc, "/kind");
        let api_version = json
            .get("apiVersion")
            .and_then(|v| v.as_str())
            .unwrap_or("");
        if api_version != "autoscaling/v2" {
            problems.push(
                Diagnostic::error(
                    rules::HPA_SHAPE,
                    format!("apiVersion `{api_version}` is not autoscaling/v2"),
                )
                .at(yaml::pointer_location(src, doc, "/apiVersion"))
                .field("apiVersion")
                .help("the simulator reads autoscaling/v2 HPAs; convert v1 with `kubectl convert` or rewrite `targetCPUUtilizationPercentage` as a metric"),
            );
            continue;
        }
        // serde-saphyr reads the document's own text so that its error
        // positions are real ones; the line offset maps them back to the file.
        let start = src.offset(doc.span.start.line(), doc.span.start.col() + 1);
        let end = if doc.span.end.line() == 0 {
            src.text.len()
        } else {
            src.offset(doc.span.end.line(), doc.span.end.col() + 1)
        };
        let text = &src.text[start..end.max(start)];
        let first_line = doc.span.start.line();
        let first_col = doc.span.start.col();
        match serde_saphyr::from_str::<HorizontalPodAutoscaler>(text) {
            Ok(hpa) => out.push(LoadedHpa {
                name: hpa.metadata.name.clone().unwrap_or_default(),
                hpa,
                location,
                doc: Some(index),
            }),
            Err(e) => {
                let (line, col) = e.location().map_or((first_line, first_col + 1), |l| {
                    let line = l.line() as usize;
                    let col = l.column() as usize;
                    (
                        first_line + line.saturating_sub(1),
                        if line <= 1 { col + first_col } else { col },
                    )
                });
                let message = e.without_snippet().to_string();
                problems.push(
                    Diagnostic::error(rules::HPA_SHAPE, format!("not a valid HPA: {message}"))
                        .at(src.location(line, col, line, col))
                        .help("fix the field so the document reads as an autoscaling/v2 HorizontalPodAutoscaler"),
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if out.is_empty() {
        return Err(vec![
            Diagnostic::error(rules::NO_HPA, "no HorizontalPodAutoscaler in this file")
                .at(src.location(1, 1, 1, 1))
                .help("pass an autoscaling/v2 HPA manifest or a scaleplan profile"),
        ]);
    }
    Ok(out)
}

/// Converts an HPA to the controller's model and applies the API server's
/// validation (with the HPAScaleToZero and HPAConfigurableTolerance gates on,
/// so that every HPA a current cluster could accept can be simulated). Errors
/// point into `src` when the HPA came from it.
pub fn prepare(
    loaded: &LoadedHpa,
    src: Option<&SourceFile>,
) -> Result<PreparedHpa, Vec<Diagnostic>> {
    let docs = src.and_then(|s| yaml::load_documents(s).ok());
    let locate = |field: &str| -> Location {
        match (src, &docs, loaded.doc) {
            (Some(src), Some(docs), Some(i)) if i < docs.len() => {
                yaml::pointer_location(src, &docs[i], &field_pointer(field))
            }
            _ => loaded.location.clone(),
        }
    };
    let spec = scaleplan_hpa::from_k8s::hpa_spec_from_k8s(&loaded.hpa).map_err(|errs| {
        errs.iter()
            .map(|e| {
                Diagnostic::error(rules::HPA_SHAPE, format!("{}: {}", e.field, e.error))
                    .at(locate(&e.field))
                    .field(e.field.clone())
                    .help("write a Kubernetes quantity such as 30, 500m, 1.5 or 2Gi")
            })
            .collect::<Vec<_>>()
    })?;
    let gates = FeatureGates {
        hpa_scale_to_zero: true,
        hpa_configurable_tolerance: true,
    };
    // The API server defaults before it validates (an omitted policy list is
    // filled in, not rejected).
    let spec = scaleplan_hpa::defaults::apply_defaults(&spec);
    let invalid = validate(&spec, None, &gates);
    if !invalid.is_empty() {
        return Err(invalid
            .iter()
            .map(|e| {
                Diagnostic::error(rules::INVALID_HPA, format!("{}: {}", e.field, e.message))
                    .at(locate(&e.field))
                    .field(e.field.clone())
                    .help(
                        "the API server would reject this HPA, so no controller would ever run it",
                    )
            })
            .collect());
    }
    let metric_locations = (0..spec.metrics.len())
        .map(|i| Some(locate(&format!("spec.metrics[{i}]"))))
        .collect();
    Ok(PreparedHpa {
        name: loaded.name.clone(),
        spec,
        metric_locations,
    })
}

/// `spec.metrics[0].type` -> `/spec/metrics/0/type`.
fn field_pointer(field: &str) -> String {
    let mut out = String::new();
    for part in field.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            out.push('/');
            out.push_str(&name.replace('~', "~0").replace('/', "~1"));
        }
        for index in rest.split('[') {
            let index = index.trim_end_matches(']');
            if !index.is_empty() {
                out.push('/');
                out.push_str(index);
            }
        }
    }
    out
}

/// Picks the HPA to simulate: the one named by `--hpa`, or the only one.
#[allow(clippy::result_large_err)] // one diagnostic, on the way out
pub fn select(
    hpas: Vec<LoadedHpa>,
    wanted: Option<&str>,
    file: &str,
) -> Result<LoadedHpa, Diagnostic> {
    let names = || {
        hpas.iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(name) => {
            let all = names();
            hpas.into_iter().find(|h| h.name == name).ok_or_else(|| {
                Diagnostic::error(
                    rules::WHICH_HPA,
                    format!("{file} has no HPA named `{name}` (it has: {all})"),
                )
                .help("pass one of the listed names to --hpa")
            })
        }
        None if hpas.len() == 1 => Ok(hpas.into_iter().next().expect("one")),
        None => Err(Diagnostic::error(
            rules::WHICH_HPA,
            format!("{file} holds {} HPAs: {}", hpas.len(), names()),
        )
        .help("choose one with --hpa NAME")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HPA: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: w\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: w}\n  maxReplicas: 5\n";

    #[test]
    fn skips_other_kinds() {
        let src = SourceFile::new("h.yaml", HPA);
        let hpas = load_hpa_yaml(&src).unwrap();
        assert_eq!(hpas.len(), 1);
        assert_eq!(hpas[0].name, "w");
        assert_eq!(hpas[0].location.line, 6);
    }

    #[test]
    fn field_paths_become_pointers() {
        assert_eq!(
            field_pointer("spec.metrics[0].type"),
            "/spec/metrics/0/type"
        );
        assert_eq!(field_pointer("spec.minReplicas"), "/spec/minReplicas");
    }

    #[test]
    fn type_error_is_located_in_the_file() {
        let text = HPA.replace("maxReplicas: 5", "maxReplicas: five");
        let src = SourceFile::new("h.yaml", text);
        let errs = load_hpa_yaml(&src).unwrap_err();
        let loc = errs[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (11, 16), "{errs:?}");
    }
}
