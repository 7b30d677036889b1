"""Another team's celery-exporter: same queue names, different lengths, scraped
with another namespace label. Clusters have these; a metricsQuery that loses
the HPA's namespace matcher picks them up, and the value check catches it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DECOY_LENGTH = 1000


def serve(queues: list[str]) -> tuple[ThreadingHTTPServer, int]:
    body = "# TYPE celery_queue_length gauge\n" + "".join(
        f'celery_queue_length{{queue_name="{q}"}} {DECOY_LENGTH}.0\n' for q in queues)
    payload = body.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server API)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]
