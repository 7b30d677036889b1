"""Prometheus's HTTP API, called the way prometheus-adapter calls it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class ApiResult:
    status: str  # "success" or "error"
    data: object = None
    error: str = ""
    error_type: str = ""
    http_status: int = 200

    @property
    def ok(self) -> bool:
        return self.status == "success"


class Prometheus:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def _get(self, path: str, params: list[tuple[str, str]]) -> ApiResult:
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                body, code = resp.read(), resp.status
        except urllib.error.HTTPError as e:
            body, code = e.read(), e.code
        except (urllib.error.URLError, OSError) as e:
            return ApiResult("error", error=str(e), error_type="connection", http_status=0)
        try:
            doc = json.loads(body)
        except ValueError:
            return ApiResult("error", error=body[:200].decode(errors="replace"),
                             error_type="not-json", http_status=code)
        return ApiResult(doc.get("status", "error"), doc.get("data"), doc.get("error", ""),
                         doc.get("errorType", ""), code)

    def series(self, match: str, lookback_s: float = 300) -> ApiResult:
        """GET /api/v1/series, as the adapter's relist does (match[] + start)."""
        return self._get("/api/v1/series", [("match[]", match),
                                            ("start", f"{time.time() - lookback_s:.3f}")])

    def query(self, expr: str) -> ApiResult:
        """Instant query at now, as the adapter's metric fetch does."""
        return self._get("/api/v1/query", [("query", expr), ("time", f"{time.time():.3f}")])

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/-/ready", timeout=1) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def scrapes_done(self, selector: str) -> int:
        """How many targets matching `selector` Prometheus has scraped at least
        once (up or down)."""
        r = self.query(f"count_over_time(up{{{selector}}}[5m])")
        if not r.ok or not r.data:
            return 0
        return len(r.data.get("result") or [])

    def target_health(self, job: str) -> str:
        r = self._get("/api/v1/targets", [("state", "active")])
        if not r.ok:
            return "unknown"
        mine = [t for t in r.data.get("activeTargets", []) if t.get("scrapePool") == job]
        if not mine:
            return "no target"
        for t in mine:  # every pod must be up
            if t.get("health") != "up":
                err = t.get("lastError") or ""
                return t.get("health", "unknown") + (f" ({err})" if err else "")
        return "up" + (f" ({len(mine)} pods)" if len(mine) > 1 else "")
