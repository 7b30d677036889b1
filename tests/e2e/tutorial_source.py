"""The tutorial's configuration, kept byte-for-byte in tests/e2e/tutorial/ and
checked against the tutorial text when it is available."""

from __future__ import annotations

import os
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "tutorial"
# fixture file -> a string that identifies its fenced ```yaml block in the tutorial
BLOCKS = {
    "celery-metrics-exporter.yaml": "image: ovalmoney/celery-exporter:latest",
    "prometheus-adapter-values.yaml": "# Rules to expose metrics to HPA",
    "hpa-custom.yaml": "name: celery-worker-hpa-custom",
}


def yaml_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", markdown, flags=re.S | re.M)


def find_tutorial(repo: Path) -> Path | None:
    candidates = [os.environ.get("SCALEPLAN_SHARED", ""), str(repo.parent / "shared"), "/work/shared"]
    for base in candidates:
        if base and (p := Path(base) / "seed" / "autoscaling-tutorial.md").is_file():
            return p
    return None


def extract(tutorial: Path) -> dict[str, str]:
    blocks = yaml_blocks(tutorial.read_text())
    out = {}
    for fixture, marker in BLOCKS.items():
        matching = [b for b in blocks if marker in b]
        if len(matching) != 1:
            raise ValueError(f"{tutorial}: {len(matching)} yaml blocks contain {marker!r}")
        out[fixture] = matching[0]
    return out


if __name__ == "__main__":  # refresh the fixtures: python tutorial_source.py
    import sys
    src = find_tutorial(HERE.parent.parent)
    if src is None:
        sys.exit("tutorial not found")
    FIXTURES.mkdir(exist_ok=True)
    for name, text in extract(src).items():
        (FIXTURES / name).write_text(text)
        print(f"wrote {FIXTURES / name}")
