"""The test's verdicts: every check is named, printed as it is decided, and
counted in the closing `N passed, M failed` line."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    """Collects checks. A quiet report (used for the deliberately broken
    copies) records without printing, so the outer report can say which
    check caught the break."""

    title: str = ""
    quiet: bool = False
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        if not self.quiet:
            mark = "ok  " if ok else "FAIL"
            line = f"  {mark} {name}"
            if detail:
                line += f": {detail}" if not ok else f" ({detail})"
            print(line, flush=True)
        return bool(ok)

    def note(self, text: str) -> None:
        self.notes.append(text)
        if not self.quiet:
            print(f"       note: {text}", flush=True)

    def section(self, text: str) -> None:
        if not self.quiet:
            print(f"\n== {text}", flush=True)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.ok)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.checks if not c.ok)

    def merge(self, other: "Report") -> None:
        """Takes over another report's (already printed) checks."""
        self.checks.extend(other.checks)
        self.notes.extend(other.notes)

    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if not c.ok), None)

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"

    def print_summary(self) -> None:
        print("\n== summary", flush=True)
        for c in self.checks:
            if not c.ok:
                print(f"  FAIL {c.name}: {c.detail}")
        sys.stdout.write(self.summary() + "\n")
        sys.stdout.flush()
