"""One run of the rendered chain on real components:
exporter (as the rendered Deployment says) -> Prometheus (as the Service /
ServiceMonitor says) -> adapter rule (as the Helm values say) -> the number the
HPA would read. Every link is a named check in the report."""

from __future__ import annotations

import re
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

import yaml

import adapter
import simulate
from checks import Report
from manifests import PipelineError, load, name_of, queue_pipeline
from pod import PortMap, container_port, exporter_launch
from profiles import prometheus_services
from procs import Processes, free_port, port_open, wait_until
from prom import Prometheus
from scrape import prometheus_config, scrape_job

DECOY_NAMESPACE = "e2e-decoy"


@dataclass
class Env:
    """What every run shares: binaries, the running redis, where to put files."""

    python: str  # the exporter venv's python
    prometheus: str
    redis_port: int
    workdir: Path
    procs: Processes
    backlog: int  # N: messages put on the profile's queues
    stack: str = ""  # the profile's Prometheus stack ("" = whatever is rendered)
    release: str = "prometheus"
    decoy_port: int = 0  # serves another namespace's queue lengths (decoy.py)
    queue_counts: dict | None = None  # messages per profile queue
    scaleplan: Path | None = None  # replay the value through `scaleplan simulate`
    per_replica: float | None = None  # the profile's backlogPerReplica
    prometheus_spec: dict | None = None  # profiles.profile_prometheus()


@dataclass
class ChainResult:
    value: float | None = None
    pipeline: object = None
    query: str = ""


def run_chain(env: Env, rendered_dir: Path, report: Report, tag: str) -> ChainResult:
    result = ChainResult()
    run_dir = env.workdir / tag
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    started = []
    try:
        return _run(env, rendered_dir, report, run_dir, started, result)
    finally:
        for proc in started:
            env.procs.stop(proc)


def _run(env: Env, rendered_dir: Path, report: Report, run_dir: Path, started: list,
         result: ChainResult) -> ChainResult:
    try:
        pipeline = queue_pipeline(load(rendered_dir))
    except PipelineError as e:
        report.check("rendered files form a queue pipeline", False, str(e))
        return result
    result.pipeline = pipeline
    report.check("rendered files form a queue pipeline", True,
                 f"HPA {pipeline.namespace}/{name_of(pipeline.hpa)} {pipeline.metric_type} "
                 f"{pipeline.metric_name}, exporter {name_of(pipeline.exporter)}")
    _static_checks(pipeline, report)
    if env.prometheus_spec is not None:
        _adapter_url(pipeline, env.prometheus_spec, report)
    report.check("HPA queue metric target is AverageValue (replicas = ceil(backlog / target))",
                 pipeline.target.get("type") == "AverageValue",
                 f"target {pipeline.target}" + ("" if pipeline.target.get("type") == "AverageValue"
                                                else ": Value multiplies by the current replicas"))

    # The exporter pods, as the kubelet would run the rendered container: one
    # process per replica, each with its own pod network.
    replicas = max(1, min(int((pipeline.exporter.get("spec") or {}).get("replicas", 1) or 1), 3))
    pods = []
    for r in range(replicas):
        ports = PortMap()
        try:
            launch = exporter_launch(pipeline, env.python, env.redis_port, ports)
        except PipelineError as e:
            report.check("exporter container can be run", False, str(e))
            return result
        exporter = env.procs.start("celery-exporter", launch.argv, launch.env,
                                   run_dir / f"exporter-{r}.log")
        started.append(exporter)
        pods.append((f"{name_of(pipeline.exporter)}-e2e-{r}", ports, launch, exporter))
    for n in pods[0][2].notes:
        report.note(n)

    # Prometheus, scraping the pod port the Service/ServiceMonitor routes to.
    job = scrape_job(pipeline, env.stack, env.release)
    if not report.check("Prometheus would scrape the exporter", job.pod_port is not None,
                        job.problem or f"{job.how}: pod port {job.pod_port}{job.path}, labels "
                        f"namespace={job.labels.get('namespace')} service={job.labels.get('service')}"):
        return result
    _relist_interval(pipeline, job, env.stack, report)
    decoy = _decoy(job)
    prom_port = free_port()
    targets = [(ports[job.pod_port], {"pod": pod} if "pod" in job.labels else {})
               for pod, ports, _, _ in pods]
    config = prometheus_config([(job, targets), (decoy, env.decoy_port)])
    (run_dir / "prometheus.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    prometheus = env.procs.start("prometheus", [
        env.prometheus, f"--config.file={run_dir / 'prometheus.yml'}",
        f"--storage.tsdb.path={run_dir / 'tsdb'}", f"--web.listen-address=127.0.0.1:{prom_port}",
        "--storage.tsdb.retention.time=1h", "--log.level=warn"],
        {"PATH": "/usr/bin:/bin", "HOME": str(run_dir)}, run_dir / "prometheus.log")
    started.append(prometheus)

    for pod, ports, launch, exporter in pods:
        up = wait_until(lambda: port_open(ports[launch.listen_port]) or not exporter.alive(), 25)
        if exporter.alive():
            detail = f"{pod} listening on pod port {launch.listen_port}" if up else \
                f"{pod} not listening on pod port {launch.listen_port} after 25 s: {exporter.log_tail(2)}"
        else:
            detail = f"{pod} exited {exporter.popen.returncode}: {exporter.log_tail(2)}"
        if not report.check("exporter starts with the rendered args and env",
                            exporter.alive() and up, detail):
            return result
        if not _readiness(pipeline, ports, report):
            return result

    prom = Prometheus(prom_port)
    if not report.check("Prometheus is ready", wait_until(prom.ready, 20),
                        prometheus.log_tail(2)):
        return result
    job_sel = f'job="{job.labels.get("job", job.job_name)}",namespace="{job.labels["namespace"]}"'
    wait_until(lambda: prom.scrapes_done(job_sel) >= len(pods), 15, 0.3)
    health = prom.target_health(job.job_name)
    if not report.check("Prometheus scrapes the exporter through the rendered port and path",
                        health.startswith("up"), f"target {health}"):
        return result

    if env.queue_counts:
        _series_in_prometheus(env, prom, job, report)
    _adapter(env, pipeline, prom, report, result)
    if env.scaleplan is not None:
        simulate.check(env.scaleplan, rendered_dir, result, env.per_replica, report, run_dir)
    return result


def _series_in_prometheus(env: Env, prom: Prometheus, job, report: Report) -> None:
    """What the exporter reported, as Prometheus stored it with the target labels."""
    ns, svc = job.labels.get("namespace"), job.labels.get("service")
    sel = f'namespace="{ns}"' + (f',service="{svc}"' if svc else "")
    res = prom.query(f"celery_queue_length{{{sel}}}")
    got = {}
    if res.ok:
        for r in res.data.get("result", []):
            got[r["metric"].get("queue_name")] = int(float(r["value"][1]))
    want = dict(env.queue_counts)
    report.check("Prometheus has celery_queue_length per profile queue = messages on it, "
                 "with the namespace/service target labels",
                 all(got.get(q) == n for q, n in want.items()),
                 f"celery_queue_length{{{sel}}} by queue_name: {got or res.error or 'no series'}, "
                 f"messages: {want}")


def _decoy(job):
    """Another team's exporter in another namespace, same queue names, other
    lengths (decoy.py): a query that loses the namespace matcher is caught."""
    labels = dict(job.labels, namespace=DECOY_NAMESPACE)
    return replace(job, job_name=job.job_name + "-decoy", labels=labels)


def _readiness(pipeline, ports: PortMap, report: Report) -> bool:
    """A pod that fails its readiness probe is never an endpoint of the Service."""
    probe = (pipeline.container.get("readinessProbe") or {}).get("httpGet")
    if not probe:
        return True
    pod_port = container_port(pipeline.container, probe.get("port"))
    if pod_port is None:
        return report.check("readiness probe passes", False,
                            f"probe port {probe.get('port')!r} names no container port")
    url = f"http://127.0.0.1:{ports[pod_port]}{probe.get('path') or '/'}"

    def ok() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return 200 <= r.status < 400
        except (urllib.error.URLError, OSError):
            return False

    return report.check("readiness probe passes", wait_until(ok, 8, 0.3),
                        f"GET {probe.get('path')} on pod port {pod_port}")


def _seconds(duration: str) -> float:
    """A Prometheus/Go duration ("15s", "1m", "1m30s") in seconds."""
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)", duration)
    if not parts or "".join(n + u for n, u in parts) != duration:
        raise ValueError(f"not a duration: {duration!r}")
    return sum(float(n) * units[u] for n, u in parts)


def _relist_interval(pipeline, job, stack: str, report: Report) -> None:
    """The adapter forgets series not seen within a relist; a relist shorter
    than the scrape interval makes the metric flicker (adapter PR #83)."""
    values = pipeline.adapter_values or {}
    relist = str(values.get("metricsRelistInterval", "1m"))
    sm = pipeline.service_monitor if stack != "prometheus" else None
    ep = ((sm or {}).get("spec", {}).get("endpoints") or [{}])[0]
    # Stack defaults: kube-prometheus-stack scrapes every 30s, the prometheus chart every 1m.
    scrape = str(ep.get("interval") or ("30s" if sm is not None else "1m"))
    try:
        ok = _seconds(relist) >= _seconds(scrape)
        detail = f"metricsRelistInterval {relist}, scrape interval {scrape}"
    except ValueError as e:
        ok, detail = False, str(e)
    report.check("adapter relist interval is not shorter than the scrape interval", ok, detail)


def _adapter_url(pipeline, spec: dict, report: Report) -> None:
    """The adapter cannot be run here, but where it looks for Prometheus can be
    checked: the Service the profile's stack and release create (tutorial bug:
    `prometheus-server:80` on a kube-prometheus-stack install)."""
    p = (pipeline.adapter_values or {}).get("prometheus") or {}
    url = f"{p.get('url', '')}{':' + str(p['port']) if p.get('port') else ''}{p.get('path') or ''}"
    if spec.get("url"):
        report.check("adapter --prometheus-url is the profile's url", str(spec["url"]).rstrip("/") in url, url)
        return
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    ns = spec["namespace"]
    wanted = prometheus_services(spec["stack"], spec["release"])
    hosts = {(f"{svc}.{ns}{suffix}", svc_port) for svc, svc_port in wanted
             for suffix in (".svc", ".svc.cluster.local", "")}
    report.check(f"adapter --prometheus-url names the {spec['stack']} Service of release "
                 f"{spec['release']} in {ns}", (parts.hostname, port) in hosts,
                 f"{url}; the chart creates {', '.join(f'{s}.{ns}.svc:{n}' for s, n in wanted)}")


def _static_checks(pipeline, report: Report) -> None:
    image = pipeline.container.get("image", "")
    repo, _, tag = image.rpartition(":") if ":" in image.split("/")[-1] else (image, "", "")
    report.check("exporter image is danihodovic/celery-exporter, pinned",
                 repo.endswith("danihodovic/celery-exporter") and tag not in ("", "latest")
                 or "@sha256:" in image, image)
    values = pipeline.adapter_values
    if not report.check("prometheus-adapter values are rendered", values is not None):
        return
    p = values.get("prometheus") or {}
    url = str(p.get("url", ""))
    port = p.get("port")
    flag = f"{url}{':' + str(port) if port else ''}{p.get('path') or ''}"
    parts = urlsplit(flag)
    try:
        _ = parts.port  # raises on a duplicated or non-numeric port ("…:9090:9090")
        well_formed = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        well_formed = False
    report.check("adapter --prometheus-url is a well-formed URL (chart: url + :port + path)",
                 well_formed, f"--prometheus-url={flag}")
    rules = values.get("rules") or {}
    report.check("adapter rules come from the values (rules.existing unset)", not rules.get("existing"))


def _adapter(env: Env, pipeline, prom: Prometheus, report: Report, result: ChainResult) -> None:
    rules = (pipeline.adapter_values or {}).get("rules") or {}
    external = pipeline.metric_type == "External"
    rule_list = rules.get("external" if external else "custom") or []
    if not external and rules.get("default", True) is not False:
        report.check("adapter rules.default is false (the chart's catch-all rules would also "
                     "define the metric)", False, "rules.default is not set to false")
    relisted = adapter.relist(prom, rule_list, external)
    report.check(f"adapter relist of {'externalRules' if external else 'rules'} succeeds",
                 not relisted.error, relisted.error or
                 f"{len(relisted.metrics)} metric(s): "
                 f"{sorted({m.name + ('' if external else ' on ' + m.resource[1]) for m in relisted.metrics})}")
    if external:
        answer = adapter.external_metric(prom, relisted, pipeline.metric_name,
                                         pipeline.metric_selector, pipeline.namespace)
        api = (f"/apis/external.metrics.k8s.io/v1beta1/namespaces/{pipeline.namespace}/"
               f"{pipeline.metric_name}")
    else:
        described = pipeline.metric_spec.get("describedObject") or {}
        answer = adapter.object_metric(prom, relisted, pipeline.metric_name, pipeline.metric_selector,
                                       pipeline.namespace, described)
        api = (f"/apis/custom.metrics.k8s.io/v1beta1/namespaces/{pipeline.namespace}/"
               f"{described.get('kind', '').lower()}s/{described.get('name')}/{pipeline.metric_name}")
    result.query = answer.query
    if answer.query:
        report.note(f"adapter query for {api}: {answer.query}")
    if not report.check("adapter answers the HPA's metric request", answer.error == "",
                        f"GET {api}: {answer.error}" if answer.error else f"GET {api}"):
        return
    result.value = answer.value
    report.check(f"metric value the HPA reads equals the backlog N={env.backlog}",
                 answer.value is not None and abs(answer.value - env.backlog) < 1e-9,
                 f"got {answer.value:g} from {len(answer.items)} item(s)")
