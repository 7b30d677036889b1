"""Puts Celery messages on the broker the way the FastAPI producer does
(`send_task`), with no worker consuming them."""

from __future__ import annotations

import redis
from celery import Celery


def send(redis_port: int, counts: dict[str, int]) -> dict[str, int]:
    url = f"redis://127.0.0.1:{redis_port}/0"
    app = Celery("scaleplan-e2e", broker=url)
    with app.producer_or_acquire() as producer:
        for queue, n in counts.items():
            for i in range(n):
                app.send_task("app.tasks.process_job", args=[i], queue=queue, producer=producer)
    client = redis.Redis.from_url(url)
    return {q: int(client.llen(q)) for q in counts}
