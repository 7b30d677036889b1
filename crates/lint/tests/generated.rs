//! Property test over generated manifests: HPAs, their workloads, PDBs and
//! KEDA objects with random (valid and invalid) values, in one or many
//! files and in any document order. Whatever is generated, the run holds
//! its invariants, and the result does not depend on how the same
//! documents are split across files or how many threads read them.

use proptest::prelude::*;
use scaleplan_lint::{Input, LintOptions, lint};

fn workload(name: &str, replicas: Option<i64>, cpu: Option<&str>) -> String {
    let replicas = replicas.map_or(String::new(), |r| format!("  replicas: {r}\n"));
    let resources = cpu.map_or(String::new(), |c| {
        format!("        resources:\n          requests:\n            cpu: {c}\n")
    });
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n{replicas}  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n      - name: {name}\n        image: example/{name}:1.0\n{resources}"
    )
}

fn hpa(name: &str, target: &str, api: &str, min: i64, max: i64, util: i64) -> String {
    format!(
        "apiVersion: {api}\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target}\n  minReplicas: {min}\n  maxReplicas: {max}\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: {util}\n"
    )
}

fn pdb(name: &str, target: &str, min_available: i64) -> String {
    format!(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  minAvailable: {min_available}\n  selector:\n    matchLabels: {{app: {target}}}\n"
    )
}

fn scaled_object(name: &str, target: &str, min: i64, max: i64) -> String {
    format!(
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    name: {target}\n  minReplicaCount: {min}\n  maxReplicaCount: {max}\n  triggers:\n  - type: cpu\n    metricType: Utilization\n    metadata:\n      value: \"60\"\n"
    )
}

fn document() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec!["web", "worker", "api"]);
    prop_oneof![
        (
            name.clone(),
            prop::option::of(0i64..5),
            prop::option::of(prop::sample::select(vec!["100m", "1", "250m"]))
        )
            .prop_map(|(n, r, c)| workload(n, r, c)),
        (
            name.clone(),
            name.clone(),
            prop::sample::select(vec![
                "autoscaling/v2",
                "autoscaling/v2beta2",
                "autoscaling/v1"
            ]),
            -1i64..6,
            0i64..12,
            0i64..150
        )
            .prop_map(|(n, t, a, min, max, u)| hpa(&format!("{n}-hpa"), t, a, min, max, u)),
        (name.clone(), name.clone(), 0i64..5).prop_map(|(n, t, m)| pdb(&format!("{n}-pdb"), t, m)),
        (name.clone(), name, 0i64..4, 0i64..8).prop_map(|(n, t, min, max)| scaled_object(
            &format!("{n}-so"),
            t,
            min,
            max
        )),
    ]
}

fn run(files: Vec<String>, jobs: usize) -> Vec<(String, usize, String, String)> {
    let inputs: Vec<Input> = files
        .into_iter()
        .enumerate()
        .map(|(i, text)| Input::Text {
            name: format!("f{i}.yaml"),
            text,
        })
        .collect();
    let result = lint(
        &inputs,
        &LintOptions {
            jobs,
            ..LintOptions::default()
        },
    );
    let docs: usize = result.files.iter().map(|f| f.documents).sum();
    assert_eq!(
        docs,
        result.files.iter().map(|f| f.kinds.len()).sum::<usize>()
    );
    for d in &result.diagnostics {
        let loc = d.location.as_ref().expect("every finding is located");
        let i: usize = loc.file[1..loc.file.len() - 5].parse().unwrap();
        let text = match &inputs[i] {
            Input::Text { text, .. } => text,
            _ => unreachable!(),
        };
        assert!(
            loc.line >= 1 && loc.line <= text.lines().count().max(1),
            "{d:?}"
        );
    }
    // Compare by rule, message and the text of the line, not by file/line
    // (those change with the split).
    let mut out: Vec<_> = result
        .diagnostics
        .iter()
        .map(|d| {
            let loc = d.location.as_ref().unwrap();
            let i: usize = loc.file[1..loc.file.len() - 5].parse().unwrap();
            let text = match &inputs[i] {
                Input::Text { text, .. } => text.clone(),
                _ => unreachable!(),
            };
            let line = text.lines().nth(loc.line - 1).unwrap_or("").to_owned();
            (
                d.rule.to_string(),
                loc.column,
                without_file_names(&d.message),
                line,
            )
        })
        .collect();
    // Identical findings are reported once; two identical objects in two
    // files differ only by the file names that normalization removed.
    out.sort();
    out.dedup();
    out
}

/// Messages may name the file of another object (`... in f3.yaml`).
fn without_file_names(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find('f') {
        let tail = &rest[i + 1..];
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        out.push_str(&rest[..i]);
        if digits > 0 && tail[digits..].starts_with(".yaml") {
            out.push_str("FILE");
            rest = &tail[digits + 5..];
        } else {
            out.push('f');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn findings_do_not_depend_on_file_split_or_threads(docs in prop::collection::vec(document(), 1..8)) {
        let one_file = run(vec![docs.join("---\n")], 1);
        let many_files = run(docs.clone(), 2);
        prop_assert_eq!(one_file, many_files);
    }
}
