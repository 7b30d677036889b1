"""Runs the rendered exporter container as a local process, the way the
kubelet would run it, on a "virtual pod network":

* the command line is the image's entry point (`python /app/cli.py`, click with
  `auto_envvar_prefix="CE"`) plus the container's `args`, with `$(VAR)`
  references expanded from its `env` like the kubelet does;
* the environment is exactly the container's `env` (plus PATH/HOME/LANG);
  Secret references are answered with the local broker URL;
* every pod port number (the one the exporter listens on, the one the Service
  or ServiceMonitor routes to) maps to its own free loopback port, so a port
  mismatch in the manifests makes the scrape hit a port nobody listens on,
  exactly as in a cluster;
* the broker host in a URL (e.g. `redis-service:6379`) resolves to the local
  redis-server, as cluster DNS would.

The only things the test changes are where sockets bind (127.0.0.1 and the
mapped port), never which variables or flags are used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from manifests import PipelineError, name_of, namespace_of
from procs import free_port

# The image's entry point (Dockerfile: `ENTRYPOINT python /app/cli.py`); the
# PyPI package installs that module as the top-level package `src`.
ENTRYPOINT = 'from src.cli import cli; cli(auto_envvar_prefix="CE")'
EXPORTER_DEFAULT_PORT = 9808
EXPORTER_DEFAULT_HOST = "0.0.0.0"


class PortMap:
    """Pod port number -> free loopback port; one pod, one map."""

    def __init__(self) -> None:
        self.ports: dict[int, int] = {}

    def __getitem__(self, pod_port: int) -> int:
        if pod_port not in self.ports:
            self.ports[pod_port] = free_port()
        return self.ports[pod_port]


@dataclass
class ExporterLaunch:
    argv: list[str]
    env: dict[str, str]
    listen_port: int  # the pod port the exporter listens on, by its own rules
    notes: list[str] = field(default_factory=list)


_BROKER_URL = re.compile(r"\b(redis|rediss)://([^/@\s]*@)?([^/:\s]+)(:\d+)?")


def to_local_broker(value: str, redis_port: int) -> str:
    """Cluster DNS stand-in: any redis host:port in a URL goes to the local redis."""
    return _BROKER_URL.sub(lambda m: f"{m.group(1)}://{m.group(2) or ''}127.0.0.1:{redis_port}", value)


def _expand(value: str, env: dict[str, str]) -> str:
    """Kubelet `$(VAR)` expansion ($$ escapes)."""
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                  lambda m: "$" if m.group(0) == "$$" else env.get(m.group(1), m.group(0)), value)


def _resolve_env(pipeline, container: dict, redis_port: int, notes: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    pod_name = name_of(pipeline.exporter) + "-e2e"
    for item in container.get("envFrom") or []:
        if "configMapRef" in item:
            cm = _find(pipeline.config_maps, item["configMapRef"].get("name"))
            if cm is None:
                raise PipelineError(f"envFrom configMapRef {item['configMapRef'].get('name')!r} is not rendered")
            for k, v in (cm.get("data") or {}).items():
                env[item.get("prefix", "") + k] = to_local_broker(str(v), redis_port)
        else:
            raise PipelineError(f"envFrom {list(item)} cannot be resolved by the test")
    for item in container.get("env") or []:
        name = item.get("name")
        if "value" in item:
            env[name] = to_local_broker(_expand(str(item["value"]), env), redis_port)
            continue
        ref = item.get("valueFrom") or {}
        if "secretKeyRef" in ref:
            sk = ref["secretKeyRef"]
            secret = _find(pipeline.secrets, sk.get("name"))
            if secret is not None and sk.get("key") in (secret.get("stringData") or {}):
                env[name] = to_local_broker(secret["stringData"][sk["key"]], redis_port)
            else:
                # The Secret is the user's (it holds the broker password); the
                # test plays the cluster and provides it, pointing at local redis.
                env[name] = f"redis://127.0.0.1:{redis_port}/0"
                notes.append(f"env {name} from Secret {sk.get('name')}/{sk.get('key')}: "
                             f"provided as the local broker URL")
        elif "configMapKeyRef" in ref:
            ck = ref["configMapKeyRef"]
            cm = _find(pipeline.config_maps, ck.get("name"))
            if cm is None or ck.get("key") not in (cm.get("data") or {}):
                raise PipelineError(f"env {name}: ConfigMap {ck.get('name')}/{ck.get('key')} is not rendered")
            env[name] = to_local_broker(str(cm["data"][ck["key"]]), redis_port)
        elif "fieldRef" in ref:
            path = ref["fieldRef"].get("fieldPath")
            env[name] = {"metadata.name": pod_name,
                         "metadata.namespace": namespace_of(pipeline.exporter),
                         "status.podIP": "127.0.0.1"}.get(path, "")
        else:
            raise PipelineError(f"env {name}: valueFrom {list(ref)} cannot be resolved by the test")
    return env


def _find(objs: list[dict], name: str | None) -> dict | None:
    return next((o for o in objs if name_of(o) == name), None)


def _flag_index(args: list[str], *flags: str) -> tuple[int, str | None]:
    """Last occurrence of `--flag value` / `--flag=value` (click: last wins)."""
    found: tuple[int, str | None] = (-1, None)
    for i, a in enumerate(args):
        for f in flags:
            if a == f and i + 1 < len(args):
                found = (i, args[i + 1])
            elif a.startswith(f + "="):
                found = (i, a.split("=", 1)[1])
    return found


def _set_flag(args: list[str], index: int, flag_value: str) -> None:
    if "=" in args[index]:
        args[index] = args[index].split("=", 1)[0] + "=" + flag_value
    else:
        args[index + 1] = flag_value


def exporter_launch(pipeline, python: str, redis_port: int, ports: PortMap) -> ExporterLaunch:
    container = pipeline.container
    notes: list[str] = []
    if container.get("command"):
        raise PipelineError(f"exporter container overrides the image entry point with command "
                            f"{container['command']!r}; the test runs the image's own entry point")
    env = _resolve_env(pipeline, container, redis_port, notes)
    args = [_expand(str(a), env) for a in container.get("args") or []]
    args = [to_local_broker(a, redis_port) for a in args]

    # Where the exporter listens, by its own precedence: flag > CE_PORT > default.
    i, val = _flag_index(args, "--port")
    if i >= 0:
        listen = int(val)
        _set_flag(args, i, str(ports[listen]))
    elif "CE_PORT" in env:
        listen = int(env["CE_PORT"])
        env["CE_PORT"] = str(ports[listen])
    else:
        listen = EXPORTER_DEFAULT_PORT
        env["CE_PORT"] = str(ports[listen])
        notes.append(f"exporter listens on its default port {listen} (no --port/CE_PORT)")
    # Bind to loopback instead of the pod's 0.0.0.0.
    i, _ = _flag_index(args, "--host")
    if i >= 0:
        _set_flag(args, i, "127.0.0.1")
    else:
        env["CE_HOST"] = "127.0.0.1"

    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "PYTHONUNBUFFERED": "1"}
    base.update(env)
    return ExporterLaunch([python, "-c", ENTRYPOINT, *args], base, listen, notes)


def container_port(container: dict, ref) -> int | None:
    """A Service targetPort / probe port (number or name) to the pod port number."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        return int(ref)
    for p in container.get("ports") or []:
        if p.get("name") == ref:
            return int(p["containerPort"])
    return None


def exporter_logs_hint(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(lines[-3:])
