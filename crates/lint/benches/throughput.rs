//! Lint throughput against saphyr's raw parse of the same bytes.
//!
//! `cargo bench -p scaleplan-lint --bench throughput -- <command>`:
//! - `generate DIR DOCS`: writes a corpus of DOCS documents (Deployments,
//!   Services, HPAs of every API version, PDBs, ConfigMaps, KEDA objects,
//!   with the usual mistakes sprinkled in), 20 per file, deterministic.
//! - `parse DIR`: saphyr `MarkedYaml::load_from_str` of every file, one
//!   thread (the parse the linter needs, positions included), and the bare
//!   event parse (saphyr-parser, no tree) as the absolute floor.
//! - `marked DIR`: the `MarkedYaml` parse of `parse` alone (three times,
//!   like `lint DIR 1`), for instruction counts under callgrind.
//! - `lint DIR JOBS`: the library's lint of every file with JOBS threads
//!   (a warm-up on one file, then the best of three).
//! - `phases DIR`: where one thread's time goes: reading (parse, JSON and
//!   positions), then the whole lint with no rules, with the document
//!   rules, with every rule.
//! - `paired DIR CHUNKS ROUNDS`: one thread's lint against saphyr's
//!   `MarkedYaml` parse, timed in alternation chunk by chunk (CHUNKS runs
//!   of consecutive files, each parsed then linted, or the other way round
//!   on odd rounds), so that both see the same machine: on a shared host
//!   whose speed drifts by a third within a minute, whole-corpus runs a
//!   few seconds apart do not. Each chunk is linted as an input set of its
//!   own (the generator keeps an app's documents in one file, so the
//!   cross-object work is the same).
//!
//! Each prints one `key=value` line; `scripts/bench-lint` runs them, plus
//! the CLI under `/usr/bin/time` for peak memory, plus kubernetes-validate.

use saphyr::{LoadableYamlNode, MarkedYaml};

// The allocator of the `scaleplan` binary, for the parse and the lint alike.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use scaleplan_lint::{LintOptions, lint};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["generate", dir, docs] => generate(Path::new(dir), docs.parse().expect("DOCS")),
        ["parse", dir] => parse(Path::new(dir)),
        ["marked", dir] => marked(Path::new(dir)),
        ["lint", dir, jobs] => lint_dir(Path::new(dir), jobs.parse().expect("JOBS")),
        ["phases", dir] => phases(Path::new(dir)),
        ["paired", dir, chunks, rounds] => paired(
            Path::new(dir),
            chunks.parse().expect("CHUNKS"),
            rounds.parse().expect("ROUNDS"),
        ),
        [] => eprintln!("usage: throughput generate DIR DOCS | parse DIR | lint DIR JOBS"),
        _ => panic!("bad arguments: {args:?}"),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

fn marked(dir: &Path) {
    let texts: Vec<String> = files(dir)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let mut docs = 0;
    for _ in 0..3 {
        docs = texts
            .iter()
            .map(|t| MarkedYaml::load_from_str(t).unwrap().len())
            .sum::<usize>();
    }
    println!("marked docs={docs}");
}

fn parse(dir: &Path) {
    let texts: Vec<String> = files(dir)
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let best = |f: &dyn Fn(&str) -> usize| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let n: usize = texts.iter().map(|t| f(t)).sum();
                (t.elapsed().as_secs_f64(), n)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap()
    };
    let (marked, docs) = best(&|t| MarkedYaml::load_from_str(t).unwrap().len());
    let (events, _) = best(&|t| {
        let mut p = saphyr_parser::Parser::new_from_str(t);
        let mut n = 0usize;
        let mut count = |ev: saphyr_parser::Event<'_>| {
            n += usize::from(ev == saphyr_parser::Event::DocumentEnd)
        };
        p.load(&mut Counter(&mut count), true).unwrap();
        n
    });
    println!(
        "parse bytes={bytes} docs={docs} marked_secs={marked:.3} marked_mbps={:.1} events_secs={events:.3} events_mbps={:.1}",
        bytes as f64 / marked / 1e6,
        bytes as f64 / events / 1e6
    );
}

struct Counter<'a, 'i>(&'a mut dyn FnMut(saphyr_parser::Event<'i>));

impl<'i> saphyr_parser::EventReceiver<'i> for Counter<'_, 'i> {
    fn on_event(&mut self, ev: saphyr_parser::Event<'i>) {
        (self.0)(ev)
    }
}

fn lint_dir(dir: &Path, jobs: usize) {
    let inputs: Vec<_> = files(dir)
        .into_iter()
        .map(scaleplan_lint::Input::Path)
        .collect();
    let bytes: u64 = files(dir).iter().map(|p| p.metadata().unwrap().len()).sum();
    let options = LintOptions {
        jobs,
        ..LintOptions::default()
    };
    // Warm the schema cache and the page cache once, then take the best of 3.
    let _ = lint(&inputs[..1], &options);
    let mut best = f64::MAX;
    let mut findings = 0;
    let mut docs = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let r = lint(&inputs, &options);
        best = best.min(t.elapsed().as_secs_f64());
        findings = r.diagnostics.len();
        docs = r.files.iter().map(|f| f.documents).sum::<usize>();
    }
    println!(
        "lint jobs={jobs} bytes={bytes} docs={docs} findings={findings} secs={best:.3} mbps={:.1}",
        bytes as f64 / best / 1e6
    );
}

/// Where a single-threaded lint spends its time: each line adds one stage
/// to the one before (best of 3 each).
fn phases(dir: &Path) {
    use scaleplan_lint::rule::Check;
    let paths = files(dir);
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let best = |f: &dyn Fn()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::MAX, f64::min)
    };
    let read = best(&|| {
        for t in &texts {
            scaleplan_lint::parse::read_documents(t, &mut |d| {
                std::hint::black_box(d.json);
            });
        }
    });
    let inputs: Vec<_> = paths.into_iter().map(scaleplan_lint::Input::Path).collect();
    let with = |keep: &dyn Fn(&Check) -> bool| {
        let active = scaleplan_lint::registry::all()
            .filter(|e| e.rule.enabled && keep(&e.rule.check))
            .map(|e| (e.rule, e.rule.severity))
            .collect();
        LintOptions {
            jobs: 1,
            rules: scaleplan_lint::RuleSet::with_rules(active),
            ..LintOptions::default()
        }
    };
    let none = with(&|_| false);
    let docs = with(&|c| !matches!(c, Check::Objects(_)));
    let all = LintOptions {
        jobs: 1,
        ..LintOptions::default()
    };
    let _ = lint(&inputs, &all);
    let run = |o: &LintOptions| best(&|| drop(lint(&inputs, o)));
    println!(
        "phases read_documents={read:.3} lint_no_rules={:.3} +document_rules={:.3} +object_rules={:.3}",
        run(&none),
        run(&docs),
        run(&all)
    );
}

/// See the module docs (`paired`).
fn paired(dir: &Path, chunks: usize, rounds: usize) {
    let paths = files(dir);
    let texts: Vec<String> = paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let size = paths.len().div_ceil(chunks.max(1));
    let options = LintOptions {
        jobs: 1,
        ..LintOptions::default()
    };
    let inputs: Vec<_> = paths
        .iter()
        .cloned()
        .map(scaleplan_lint::Input::Path)
        .collect();
    let _ = lint(&inputs[..1], &options);
    let (mut parse_total, mut lint_total) = (0.0, 0.0);
    let mut per_round = Vec::new();
    for round in 0..rounds {
        let (mut parse_secs, mut lint_secs) = (0.0, 0.0);
        for (texts, inputs) in texts.chunks(size).zip(inputs.chunks(size)) {
            let parse = || {
                let t = Instant::now();
                for text in texts {
                    std::hint::black_box(MarkedYaml::load_from_str(text).unwrap());
                }
                t.elapsed().as_secs_f64()
            };
            let lint_chunk = || {
                let t = Instant::now();
                std::hint::black_box(lint(inputs, &options));
                t.elapsed().as_secs_f64()
            };
            if round % 2 == 0 {
                parse_secs += parse();
                lint_secs += lint_chunk();
            } else {
                lint_secs += lint_chunk();
                parse_secs += parse();
            }
        }
        per_round.push(format!("{:.0}%", 100.0 * parse_secs / lint_secs));
        parse_total += parse_secs;
        lint_total += lint_secs;
    }
    println!(
        "paired chunks={chunks} rounds={rounds} marked_secs={:.3} lint_secs={:.3} ratio={:.0}% per_round={}",
        parse_total / rounds as f64,
        lint_total / rounds as f64,
        100.0 * parse_total / lint_total,
        per_round.join(",")
    );
}

/// A small deterministic generator (no RNG crate needed for a benchmark).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn generate(dir: &Path, docs: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = Lcg(42);
    let mut written = 0;
    let mut file = 0;
    while written < docs {
        let mut text = String::new();
        for _ in 0..20.min(docs - written) {
            // An app's four documents share its namespace (one team owns
            // it), as in a real repository; a per-document namespace made
            // nearly every target "missing" and the benchmark unrealistic.
            let app = format!("svc{:05}", written / 4);
            let ns = format!("team{}", (written / 4) % 40);
            if !text.is_empty() {
                text.push_str("---\n");
            }
            text.push_str(&match written % 4 {
                0 => deployment(&app, &ns, &mut rng),
                1 => service(&app, &ns),
                2 => hpa(&app, &ns, &mut rng),
                _ => match rng.next(3) {
                    0 => pdb(&app, &ns, &mut rng),
                    1 => scaled_object(&app, &ns, &mut rng),
                    _ => config_map(&app, &ns, &mut rng),
                },
            });
            written += 1;
        }
        std::fs::write(dir.join(format!("m{file:05}.yaml")), text).unwrap();
        file += 1;
    }
    println!("generate files={file} docs={written}");
}

fn deployment(app: &str, ns: &str, rng: &mut Lcg) -> String {
    let replicas = if rng.next(4) == 0 {
        "  replicas: 3\n"
    } else {
        ""
    };
    let requests = if rng.next(10) == 0 {
        ""
    } else {
        "          requests:\n            cpu: 250m\n            memory: 256Mi\n"
    };
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/part-of: shop
  annotations:
    deployment.kubernetes.io/revision: "{rev}"
spec:
{replicas}  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  strategy:
    type: RollingUpdate
    rollingUpdate: {{maxSurge: 25%, maxUnavailable: 0}}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "9100"
    spec:
      serviceAccountName: {app}
      terminationGracePeriodSeconds: 30
      containers:
      - name: app
        image: registry.example.com/shop/{app}:1.{rev}.0
        imagePullPolicy: IfNotPresent
        args: ["--port=8080", "--log-level=info"]
        ports:
        - {{name: http, containerPort: 8080}}
        - {{name: metrics, containerPort: 9100}}
        env:
        - {{name: LOG_FORMAT, value: json}}
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {{name: {app}-db, key: password}}
        resources:
{requests}          limits:
            memory: 512Mi
        readinessProbe:
          httpGet: {{path: /ready, port: http}}
          periodSeconds: 5
        livenessProbe:
          httpGet: {{path: /healthz, port: http}}
          initialDelaySeconds: 10
        securityContext:
          runAsNonRoot: true
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
"#,
        rev = rng.next(90) + 10
    )
}

fn service(app: &str, ns: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {app}\n  namespace: {ns}\n  labels: {{app.kubernetes.io/name: {app}}}\nspec:\n  type: ClusterIP\n  selector:\n    app.kubernetes.io/name: {app}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n  - name: metrics\n    port: 9100\n    targetPort: metrics\n"
    )
}

fn hpa(app: &str, ns: &str, rng: &mut Lcg) -> String {
    let (min, max) = (1 + rng.next(3), 4 + rng.next(20));
    let target = if rng.next(50) == 0 {
        format!("{app}-old")
    } else {
        app.to_owned()
    };
    match rng.next(6) {
        0 => format!(
            "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target}\n  minReplicas: {min}\n  maxReplicas: {max}\n  targetCPUUtilizationPercentage: 70\n"
        ),
        1 => format!(
            "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {target}\n  minReplicas: {min}\n  maxReplicas: {max}\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 75\n"
        ),
        _ => format!(
            r#"apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {app}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {app}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {target}
  minReplicas: {min}
  maxReplicas: {max}
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: {util}
  - type: Pods
    pods:
      metric:
        name: http_requests_per_second
      target:
        type: AverageValue
        averageValue: "100"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - type: Percent
        value: 50
        periodSeconds: 60
    scaleUp:
      policies:
      - type: Pods
        value: 4
        periodSeconds: 15
"#,
            util = 50 + rng.next(60)
        ),
    }
}

fn pdb(app: &str, ns: &str, rng: &mut Lcg) -> String {
    format!(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {app}\n  namespace: {ns}\nspec:\n  minAvailable: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {app}\n",
        1 + rng.next(3)
    )
}

fn scaled_object(app: &str, ns: &str, rng: &mut Lcg) -> String {
    // Like the HPAs: one target in fifty is missing (a realistic error rate;
    // the missing-target rule looks for near misses, which costs a scan).
    let target = if rng.next(50) == 0 {
        format!("{app}-worker")
    } else {
        app.to_owned()
    };
    format!(
        "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: {app}-queue\n  namespace: {ns}\nspec:\n  scaleTargetRef:\n    name: {target}\n  minReplicaCount: {}\n  maxReplicaCount: 30\n  cooldownPeriod: 120\n  triggers:\n  - type: rabbitmq\n    metadata:\n      queueName: {app}\n      mode: QueueLength\n      value: \"20\"\n    authenticationRef:\n      name: {app}-rabbitmq\n",
        rng.next(3)
    )
}

fn config_map(app: &str, ns: &str, rng: &mut Lcg) -> String {
    let mut data = String::new();
    for i in 0..(5 + rng.next(10)) {
        data.push_str(&format!("  setting_{i}: \"value-{}\"\n", rng.next(1000)));
    }
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {app}-config\n  namespace: {ns}\ndata:\n{data}"
    )
}
