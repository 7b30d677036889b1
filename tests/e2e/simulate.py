"""The scaleplan CLI calls: render the queue profiles, and replay the value
the chain measured through `scaleplan simulate` for the rendered HPA."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from adapter import desired_replicas
from checks import Report
from manifests import name_of, parse_quantity

# Long enough for every scale-up step and stabilization window of a profile.
TRACE_SECONDS = 900


def render_argv(scaleplan: Path, profiles: list[Path], out: Path) -> list[str]:
    return [str(scaleplan), "render", *map(str, profiles), "--out", str(out)]


def _column(metric: dict) -> str | None:
    """The trace column that feeds one HPA metric (`scaleplan simulate --help`)."""
    t = metric.get("type")
    if t == "Resource":
        return metric["resource"]["name"]
    if t == "ContainerResource":
        return f"{metric['containerResource']['container']}/{metric['containerResource']['name']}"
    key = {"Pods": "pods", "Object": "object", "External": "external"}.get(t)
    return metric[key]["metric"]["name"] if key else None


def check(scaleplan: Path, rendered: Path, result, per_replica: float | None, report: Report,
          workdir: Path) -> None:
    """`per_replica` is the profile's backlogPerReplica: the HPA must scale to
    ceil(N / backlogPerReplica), whatever target it was rendered with."""
    pipeline = result.pipeline
    name = "scaleplan simulate: the rendered HPA settles at ceil(N / backlogPerReplica) within [min, max]"
    if pipeline is None or result.value is None:
        report.check(name, False, "no metric value came out of the chain")
        return
    spec = pipeline.hpa["spec"]
    lo, hi = int(spec.get("minReplicas", 1)), int(spec["maxReplicas"])
    if per_replica is None:
        per_replica = parse_quantity(pipeline.target.get("averageValue", pipeline.target.get("value", 1)))
        report.note("backlogPerReplica unknown from the profile: using the HPA's own target")
    want = {"type": "AverageValue", "averageValue": per_replica}
    expected = desired_replicas(result.value, want, lo, lo, hi)

    # The queue metric carries the measured value; every other metric of the
    # HPA (the worker preset's CPU and memory) reads zero load, so the queue
    # alone decides.
    columns = []
    for m in spec.get("metrics") or []:
        col = _column(m)
        if col and col not in columns:
            columns.append(col)
    queue_col = pipeline.metric_name
    row = [f"{result.value:g}" if c == queue_col else "0" for c in columns]
    trace = workdir / "trace.csv"
    trace.write_text("# the backlog measured through exporter -> Prometheus -> adapter rule\n"
                     f"time,{','.join(columns)}\n0,{','.join(row)}\n{TRACE_SECONDS},{','.join(row)}\n")
    hpa_file = next(p for p, o in _objects(rendered) if o is pipeline.hpa or name_of(o) == name_of(pipeline.hpa))
    argv = [str(scaleplan), "simulate", str(hpa_file), "--trace", str(trace), "--format", "json"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        report.check(name, False, f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[:400]}")
        return
    try:
        run = json.loads(proc.stdout)["runs"][0]
        first = run["syncs"][0]
        proposal = next(m["proposal"] for m in first["metrics"] if queue_col in m["metric"])
        final = run["summary"]["final_replicas"]
    except (ValueError, KeyError, IndexError, StopIteration) as e:
        report.check(name, False, f"unexpected simulate JSON ({e!r}): {proc.stdout[:300]}")
        return
    report.note(f"scaleplan simulate {hpa_file.name} --trace {trace.name}: first sync proposes "
                f"{proposal} for {queue_col}={result.value:g}, replicas {first['replicas_before']} -> "
                f"{final} after {TRACE_SECONDS}s")
    raw = desired_replicas(result.value, want, lo, 0, 10**9)
    report.check("scaleplan simulate: the queue metric's first proposal is ceil(N / backlogPerReplica)",
                 proposal == raw, f"proposal {proposal}, ceil({result.value:g} / {per_replica:g}) = {raw}")
    report.check(name, final == expected, f"settles at {final}, expected {expected} "
                 f"(min {lo}, max {hi})")


def _objects(rendered: Path):
    import yaml
    for path in sorted(rendered.glob("*.y*ml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "HorizontalPodAutoscaler":
                yield path, doc
