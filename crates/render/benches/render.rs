//! Benchmark of rendering (`cargo bench -p scaleplan-render`).
//!
//! A small harness of our own (`harness = false`): each case runs a few
//! warm-up iterations, then N timed ones, and prints min / median / max wall
//! time. No extra dependency (criterion is not in the project's crate set);
//! min and median are what matter on this shared 2-core machine, where the
//! max mostly measures the neighbours.
//!
//! Cases:
//! - 1,000 generated profiles (every preset, queue pipeline, schedule):
//!   render only, load+validate only, and load + render + compare with an
//!   up-to-date output directory (`render --check` without process start-up);
//! - the four example profiles: in-process, and one `scaleplan render --check`
//!   process of the release binary, start-up included.

#[path = "../tests/common/generate.rs"]
mod generate;

use scaleplan_diag::SourceFile;
use scaleplan_profile::{LoadedProfile, check_source, load_paths};
use scaleplan_render::render_profiles;
use scaleplan_render::writer::{apply, plan_output};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn measure(name: &str, warmup: usize, runs: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<58} min {:>8.2} ms   median {:>8.2} ms   max {:>8.2} ms   (n={runs})",
        ms(times[0]),
        ms(times[runs / 2]),
        ms(times[runs - 1])
    );
    times[runs / 2]
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// 1,000 profiles that validate, in 10 namespaces, one file each.
fn generated(dir: &Path) -> Vec<LoadedProfile> {
    let mut out = Vec::new();
    let mut seed = 0u64;
    while out.len() < 1000 {
        let i = out.len();
        let yaml = generate::profile_yaml(
            &format!("gen{i}"),
            &format!("team{}", i % 10),
            &generate::choice(seed),
        );
        seed += 1;
        let (p, diags) = check_source(&SourceFile::new(format!("gen{i}.yaml"), yaml.clone()));
        if diags
            .iter()
            .any(|d| d.severity == scaleplan_diag::Severity::Error)
        {
            continue;
        }
        std::fs::write(dir.join(format!("gen{i:04}.yaml")), yaml).unwrap();
        out.extend(p);
    }
    out
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let profiles_dir = tmp.path().join("profiles");
    std::fs::create_dir(&profiles_dir).unwrap();
    generated(&profiles_dir);
    // Loaded from the files, so that file names in headers are what the
    // load+render case below produces.
    let profiles = load_paths(std::slice::from_ref(&profiles_dir)).profiles;
    assert_eq!(profiles.len(), 1000);
    let queue = profiles
        .iter()
        .filter(|p| p.resolved.queue.is_some())
        .count();
    let sched = profiles
        .iter()
        .filter(|p| !p.resolved.schedule.is_empty())
        .count();
    let artifacts = render_profiles(&profiles);
    let bytes: usize = artifacts.iter().map(|a| a.contents.len()).sum();
    println!(
        "1,000 generated profiles: {queue} with a queue pipeline, {sched} with a schedule -> {} files, {:.1} MB",
        artifacts.len(),
        bytes as f64 / 1e6
    );
    let out = tmp.path().join("out");
    apply(&out, &plan_output(&out, &artifacts).unwrap()).unwrap();

    measure(
        "render 1,000 profiles (objects, YAML, templates)",
        2,
        15,
        || {
            std::hint::black_box(render_profiles(&profiles));
        },
    );
    measure("load + validate 1,000 profile files", 1, 5, || {
        let o = load_paths(std::slice::from_ref(&profiles_dir));
        assert!(!o.has_errors());
        std::hint::black_box(o);
    });
    measure(
        "load + validate + render + compare with out/ (1,000)",
        1,
        5,
        || {
            let o = load_paths(std::slice::from_ref(&profiles_dir));
            let a = render_profiles(&o.profiles);
            assert!(plan_output(&out, &a).unwrap().is_current());
        },
    );

    let root = repo_root();
    let examples = root.join("profiles");
    measure(
        "in-process: load + render + compare, 4 examples",
        3,
        50,
        || {
            let o = load_paths(std::slice::from_ref(&examples));
            let a = render_profiles(&o.profiles);
            std::hint::black_box(plan_output(&root.join("out"), &a).unwrap());
        },
    );

    // One process: the release binary, built here so the figure is never stale.
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "scaleplan"])
        .current_dir(&root)
        .status()
        .expect("cargo build --release");
    assert!(status.success(), "building the release binary failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let bin = target.join("release/scaleplan");
    let ex_out = tmp.path().join("examples-out");
    let run = |check: bool| {
        let mut c = Command::new(&bin);
        c.arg("render")
            .arg(&examples)
            .arg("-o")
            .arg(&ex_out)
            .current_dir(&root);
        if check {
            c.arg("--check");
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(false);
    measure(
        "one process: scaleplan render --check (4 examples)",
        3,
        30,
        || run(true),
    );
    measure(
        "one process: scaleplan render (4 examples, up to date)",
        3,
        30,
        || run(false),
    );
}
