"""The scaleplan CLI calls: render the profiles, and replay the measured
backlog through `scaleplan simulate` for the rendered HPA."""

from __future__ import annotations

import subprocess
from pathlib import Path

from adapter import desired_replicas
from checks import Report


def render_argv(scaleplan: Path, repo: Path, out: Path) -> list[str]:
    return [str(scaleplan), "render", str(repo / "profiles"), "--out", str(out)]


def check(scaleplan: Path, rendered: Path, result, backlog: int, report: Report, workdir: Path) -> None:
    pipeline = result.pipeline
    if pipeline is None or result.value is None:
        report.check("scaleplan simulate gets the measured value", False,
                     "no metric value came out of the chain")
        return
    spec = pipeline.hpa["spec"]
    lo, hi = int(spec.get("minReplicas", 1)), int(spec["maxReplicas"])
    expected = desired_replicas(result.value, pipeline.target, lo, lo, hi)
    proc = subprocess.run([str(scaleplan), "simulate", "--help"], capture_output=True, text=True)
    report.check(f"scaleplan simulate: desired replicas for {result.value:g} = {expected}", False,
                 f"simulate CLI not integrated yet: {(proc.stderr or proc.stdout).strip()[:200]}")
