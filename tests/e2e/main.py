"""End-to-end test of the queue pipeline scaleplan renders, on real
redis-server, danihodovic's celery-exporter and Prometheus (see docs/e2e.md).
Run it through scripts/e2e-pipeline, which installs the components first."""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import adapter_selfcheck  # noqa: E402
import chain  # noqa: E402
import decoy  # noqa: E402
import load_queues  # noqa: E402
import mutations  # noqa: E402
import simulate  # noqa: E402
import tutorial  # noqa: E402
from checks import Report  # noqa: E402
from manifests import load, queue_pipeline  # noqa: E402
from procs import Processes, free_port, install_signal_handlers, port_open, wait_until  # noqa: E402
from profiles import (  # noqa: E402
    pick_backlog,
    profile_backlog_per_replica,
    profile_prometheus,
    object_variant,
    profile_queues,
    queue_profile_dirs,
    queue_profile_files,
)


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repo", type=Path, default=HERE.parent.parent)
    ap.add_argument("--scaleplan", type=Path, required=True, help="the scaleplan binary")
    ap.add_argument("--rendered", type=Path,
                    help="use this rendered profile directory instead of rendering profiles/")
    ap.add_argument("--workdir", type=Path, help="scratch directory (default: a temp dir, removed)")
    ap.add_argument("--pgid-file", type=Path, help="append started process group ids here")
    return ap.parse_args()


def main() -> int:
    args = parse_args()
    install_signal_handlers()
    report = Report()
    started = time.monotonic()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="scaleplan-e2e-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        with Processes(args.pgid_file) as procs:
            run(args, report, workdir, procs)
    except KeyboardInterrupt:
        report.check("run completed", False, "interrupted")
    except SystemExit as e:
        report.check("run completed", False, f"terminated ({e.code})")
    finally:
        if args.workdir is None and report.failed == 0:
            shutil.rmtree(workdir, ignore_errors=True)
        elif report.failed:
            print(f"\nlogs and configs kept in {workdir}")
    print(f"\nelapsed {time.monotonic() - started:.1f}s")
    report.print_summary()
    return 0 if report.failed == 0 and report.passed > 0 else 1


def run(args, report: Report, workdir: Path, procs: Processes) -> None:
    report.section("components")
    tools = {name: shutil.which(name) for name in ("redis-server", "prometheus")}
    for name, path in tools.items():
        report.check(f"{name} is installed", path is not None, path or "run scripts/install-e2e-deps")
    try:
        # danihodovic's exporter installs its code as the top-level package `src`.
        for module in ("celery", "src.cli"):
            importlib.import_module(module)
        exporter_ok, detail = True, sys.executable
    except ImportError as e:
        exporter_ok, detail = False, f"{e}; run scripts/install-e2e-deps"
    report.check("celery-exporter (prometheus-exporter-celery) and celery import", exporter_ok, detail)
    report.check("scaleplan binary exists", args.scaleplan.is_file(), str(args.scaleplan))
    if report.failed:
        return
    adapter_selfcheck.run(report)

    report.section("render the example profiles")
    if args.rendered:
        dirs = [args.rendered]
        report.note(f"using the given rendered directory {args.rendered}")
    else:
        out = workdir / "out"
        files = [f.relative_to(args.repo) for f in queue_profile_files(args.repo / "profiles")]
        if not report.check("profiles/ has a queue-driven ScalingProfile", bool(files),
                            ", ".join(map(str, files))):
            return
        argv = simulate.render_argv(args.scaleplan, files, out)
        proc = subprocess.run(argv, cwd=args.repo, capture_output=True, text=True, timeout=60)
        if not report.check("scaleplan render succeeds", proc.returncode == 0,
                            f"{' '.join(argv[1:3])} ... exit {proc.returncode}: "
                            f"{(proc.stderr or proc.stdout).strip()[-400:]}"):
            return
        dirs = queue_profile_dirs(out)
        # The example takes one path through the renderer; a derived copy
        # takes the others (Object metric, Service annotations, two queues).
        variant = workdir / "variants" / f"{files[0].stem}-object.yaml" if files else None
        if variant is not None and object_variant(args.repo / files[0], variant):
            argv = simulate.render_argv(args.scaleplan, [variant], workdir / "out-variants")
            proc = subprocess.run(argv, cwd=args.repo, capture_output=True, text=True, timeout=60)
            if report.check("scaleplan render succeeds for the Object/annotations variant",
                            proc.returncode == 0, f"exit {proc.returncode}: "
                            f"{(proc.stderr or proc.stdout).strip()[-400:]}"):
                dirs += queue_profile_dirs(workdir / "out-variants")
    if not report.check("a queue-driven profile was rendered", bool(dirs),
                        ", ".join(str(d) for d in dirs)):
        return

    redis_port = free_port()
    redis = procs.start("redis-server", [
        tools["redis-server"], "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(workdir)], {"PATH": "/usr/bin:/bin"},
        workdir / "redis.log")
    if not report.check("redis-server is up", wait_until(lambda: port_open(redis_port), 10),
                        f"127.0.0.1:{redis_port}" if redis.alive() else redis.log_tail(2)):
        return
    env = chain.Env(python=sys.executable, prometheus=tools["prometheus"], redis_port=redis_port,
                    workdir=workdir, procs=procs, backlog=0)

    # Messages: choose N per profile, put them on its queues once; nothing
    # consumes them, so every later run sees the same backlog.
    counts: dict[str, int] = {}
    plans = []
    for d in dirs:
        pipeline = queue_pipeline(load(d))
        queues, source = profile_queues(args.repo, d)
        if queues is None:
            report.check(f"queues of {d.name} are known from its profile", False, source)
            continue
        n, k = pick_backlog(pipeline)
        fresh = [q for q in queues if q not in counts]
        already = sum(counts.get(q, 0) for q in queues)
        for i, q in enumerate(fresh):
            share = (n - already) // len(fresh) + (1 if i < (n - already) % len(fresh) else 0)
            counts[q] = max(share, 7)  # every queue non-empty, so a lost queue shows
        plans.append((d, pipeline, queues, source))
    if not plans:
        return
    sent = load_queues.send(redis_port, counts)
    _, env.decoy_port = decoy.serve(sorted(counts))
    report.check("Celery messages are on the broker (send_task, no worker)", sent == counts,
                 f"LLEN {sent}, wanted {counts}")

    baselines = []
    for d, pipeline, queues, source in plans:
        prom_spec = profile_prometheus(args.repo, d)
        stack, release = prom_spec["stack"], prom_spec["release"]
        run_env = replace(env, backlog=sum(counts[q] for q in queues), stack=stack, release=release,
                          prometheus_spec=prom_spec,
                          queue_counts={q: counts[q] for q in queues}, scaleplan=args.scaleplan,
                          per_replica=profile_backlog_per_replica(args.repo, d))
        report.section(f"rendered chain: {d} (queues {queues} from {source}, N={run_env.backlog}, "
                       f"backlogPerReplica {run_env.per_replica:g}, scraped by {stack} release {release})")
        baseline = Report()
        chain.run_chain(run_env, d, baseline, f"main-{d.name}")
        report.merge(baseline)
        baselines.append((d, baseline, run_env))

    tutorial.run(env, report, args.repo, sorted(counts))
    negative_self_checks(env, report, baselines, workdir)


def negative_self_checks(env, report: Report, baselines: list, workdir: Path) -> None:
    """Each broken copy must fail a check that its unbroken chain passed."""
    jobs = []
    for rendered, baseline, run_env in baselines:
        if baseline.failed:
            continue
        for i, m in enumerate(mutations.MUTATIONS):
            copy = workdir / f"broken-{rendered.name}-{i:02d}" / rendered.name
            what = mutations.broken_copy(rendered, copy, m)
            jobs.append((rendered, i, m, what, copy, run_env))

    def attempt(job):
        rendered, i, m, what, copy, run_env = job
        inner = Report(quiet=True)
        if what is not None:
            chain.run_chain(run_env, copy, inner, f"broken-{rendered.name}-{i:02d}-run")
        return inner

    # Several at a time: most of a run is waiting for the exporter's 2 s scrape.
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(attempt, jobs))

    for rendered, baseline, _ in baselines:
        report.section(f"negative self-checks: one broken link at a time in a copy of {rendered}")
        if baseline.failed:
            report.check("negative self-checks can run", False,
                         "the unbroken chain fails already, so a broken copy proves nothing")
            continue
        passed_before = {c.name for c in baseline.checks if c.ok}
        links_broken: set[str] = set()
        for (r, i, m, what, copy, _), inner in zip(jobs, outcomes):
            if r != rendered:
                continue
            if what is None:
                report.note(f"[{m.link}] {m.name}: not applicable to this rendering")
                continue
            if m.must_pass:
                bad = inner.first_failure()
                report.check(f"[{m.link}] {m.name}", bad is None and inner.passed > 0,
                             f"{what} => failed check \"{bad.name}\": {bad.detail[:180]}" if bad else
                             f"{what}: all {inner.passed} checks pass")
                continue
            caught = next((c for c in inner.checks if not c.ok and c.name in passed_before), None)
            report.check(f"[{m.link}] {m.name} is detected", caught is not None,
                         f"{what} => failed check \"{caught.name}\": {caught.detail[:180]}" if caught else
                         f"{what} -> all {inner.passed} checks still passed")
            if caught is not None:
                links_broken.add(m.link)
        need = {"metric name", "label", "port", "query"}
        report.check(f"breaking each link kind (metric name, label, port, query) of {rendered.name} "
                     "fails the test", need <= links_broken, f"detected: {sorted(links_broken)}")


if __name__ == "__main__":
    sys.exit(main())
