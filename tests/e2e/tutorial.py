"""The tutorial's configuration (tests/e2e/tutorial/, byte-for-byte from the
tutorial text) on the same real components, to show each of its breaks with
the component's own error rather than by argument."""

from __future__ import annotations

import shutil

import yaml

import adapter
from chain import Env
from checks import Report
from manifests import load, queue_pipeline
from pod import ENTRYPOINT, PortMap, exporter_launch
from procs import free_port, port_open, wait_until
from prom import Prometheus
from scrape import ScrapeJob, prometheus_config
from tutorial_source import FIXTURES, extract, find_tutorial

TUTORIAL_NS = "fastapi-k8-proto"


def run(env: Env, report: Report, repo, queues: list[str]) -> None:
    report.section("tutorial configuration on the same components (expected to break)")
    src = find_tutorial(repo)
    if src is None:
        report.check("tutorial fixtures match the tutorial text byte-for-byte", False,
                     "autoscaling-tutorial.md not found (set SCALEPLAN_SHARED to the shared/ folder)")
    else:
        blocks = extract(src)
        differing = [f for f, text in blocks.items() if (FIXTURES / f).read_text() != text]
        report.check("tutorial fixtures match the tutorial text byte-for-byte", not differing,
                     f"differ: {differing}" if differing else str(src))

    pipeline = queue_pipeline(load(FIXTURES))
    run_dir = env.workdir / "tutorial"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    started = []
    try:
        _exporter_as_written(env, report, pipeline, run_dir, started)
        _rules_on_real_prometheus(env, report, pipeline, run_dir, started, queues)
    finally:
        for p in started:
            env.procs.stop(p)


def _exporter_as_written(env: Env, report: Report, pipeline, run_dir, started) -> None:
    ports = PortMap()
    launch = exporter_launch(pipeline, env.python, env.redis_port, ports)
    proc = env.procs.start("tutorial-exporter", launch.argv, launch.env, run_dir / "exporter-as-written.log")
    started.append(proc)
    wait_until(lambda: not proc.alive() or port_open(ports[launch.listen_port]), 20)
    log = proc.log.read_text(errors="replace")
    exited = not proc.alive() and proc.popen.returncode != 0
    report.check("tutorial exporter env (CELERY_BROKER_URL, CE_ENABLE_EVENTS) makes the real exporter exit",
                 exited and "Missing option" in log and "--broker-url" in log,
                 f"exit {proc.popen.returncode}: " + next((line.strip() for line in log.splitlines()
                                                          if "Missing option" in line), log[-200:]))
    ann = ((pipeline.exporter["spec"]["template"].get("metadata") or {}).get("annotations") or {})
    scrape_port = int(ann.get("prometheus.io/port", 0))
    report.check("tutorial scrape port is not where the exporter listens",
                 scrape_port != launch.listen_port,
                 f"prometheus.io/port {scrape_port}, exporter listens on {launch.listen_port}")


def _rules_on_real_prometheus(env: Env, report: Report, pipeline, run_dir, started, queues) -> None:
    # Give the tutorial's rules their best chance: a working exporter, scraped
    # with the labels Kubernetes discovery would add for the tutorial's
    # namespace and exporter Service.
    port = free_port()
    exporter_env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
                    "CE_BROKER_URL": f"redis://127.0.0.1:{env.redis_port}/0",
                    "CE_QUEUES": ",".join(queues), "CE_HOST": "127.0.0.1", "CE_PORT": str(port)}
    exporter = env.procs.start("tutorial-exporter-fixed", [env.python, "-c", ENTRYPOINT],
                               exporter_env, run_dir / "exporter-fixed.log")
    started.append(exporter)
    job = ScrapeJob("tutorial", 9808, "/metrics", False,
                    {"namespace": TUTORIAL_NS, "service": "celery-exporter-service",
                     "pod": "celery-exporter-e2e", "container": "exporter", "job": "tutorial"})
    prom_port = free_port()
    (run_dir / "prometheus.yml").write_text(yaml.safe_dump(prometheus_config([(job, port)])))
    prometheus = env.procs.start("tutorial-prometheus", [
        env.prometheus, f"--config.file={run_dir / 'prometheus.yml'}",
        f"--storage.tsdb.path={run_dir / 'tsdb'}", f"--web.listen-address=127.0.0.1:{prom_port}",
        "--log.level=warn"], {"PATH": "/usr/bin:/bin", "HOME": str(run_dir)}, run_dir / "prometheus.log")
    started.append(prometheus)
    prom = Prometheus(prom_port)
    wait_until(prom.ready, 20)
    wait_until(lambda: prom.scrapes_done('job="tutorial"') >= 1, 15, 0.3)
    real = prom.series(f'celery_queue_length{{namespace="{TUTORIAL_NS}"}}')
    if not report.check("control: the real exporter's celery_queue_length is in Prometheus",
                        real.ok and bool(real.data), f"{real.error or len(real.data or [])} series"):
        return

    rules = yaml.safe_load((FIXTURES / "prometheus-adapter-values.yaml").read_text())["rules"]["custom"]
    rate_rule = next(r for r in rules if r["seriesQuery"].startswith("rate("))
    res = prom.series(rate_rule["seriesQuery"])
    report.check("tutorial rate(...) seriesQuery is rejected by Prometheus /api/v1/series",
                 not res.ok and res.error_type == "bad_data" and "parse error" in res.error,
                 f"HTTP {res.http_status} {res.error_type}: {res.error}")
    relisted = adapter.relist(prom, rules, external=False)
    report.check("...and that one bad rule empties the adapter's whole custom metrics list",
                 bool(relisted.error) and not relisted.metrics, relisted.error[:160])

    pending_rule = next(r for r in rules if "celery_tasks_pending" in r["seriesQuery"])
    res = prom.series(pending_rule["seriesQuery"])
    report.check("tutorial celery_tasks_pending series does not exist",
                 res.ok and res.data == [], f"{pending_rule['seriesQuery']} -> {len(res.data or [])} series")

    # Without the rate rule the relist succeeds: what can the HPA's Object
    # metric (celery_queue_length on Service redis-service) get?
    hpa_metric = pipeline.metric_spec
    described = hpa_metric.get("describedObject") or {}
    good_rules = [r for r in rules if r is not rate_rule]
    answer = adapter.object_metric(prom, adapter.relist(prom, good_rules, False), pipeline.metric_name,
                                   pipeline.metric_selector, pipeline.namespace, described)
    report.check("tutorial rule maps only namespace: no celery_queue_length for services",
                 answer.value is None and "could not find the metric" in answer.error, answer.error)
    # Even with a service override added, the hard-coded metricsQuery ignores
    # the requested object: it returns series, none of them for redis-service.
    queue_rule = next(r for r in good_rules if "celery_queue_length" in r["seriesQuery"])
    helped = dict(queue_rule, resources={"overrides": {"namespace": {"resource": "namespace"},
                                                       "service": {"resource": "service"}}})
    res = prom.query(queue_rule["metricsQuery"])
    answer = adapter.object_metric(prom, adapter.relist(prom, [helped], False), pipeline.metric_name,
                                   pipeline.metric_selector, pipeline.namespace, described)
    report.check("tutorial hard-coded metricsQuery returns series the adapter cannot tie to "
                 f"Service {described.get('name')}",
                 res.ok and bool(res.data["result"]) and answer.value is None
                 and "matched the resource name" in answer.error,
                 f"{queue_rule['metricsQuery']} -> {len(res.data['result']) if res.ok else res.error} "
                 f"series; adapter: {answer.error}")
