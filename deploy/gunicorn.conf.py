"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py app:app`.

Always behind nginx (deploy/nginx.conf) or a load balancer that buffers whole requests: a
gthread worker gives a thread to each connection until its request has arrived, so a few dozen
slow clients (17 here with 4 workers x 4 threads, slowloris) would hold every thread and starve
the site. nginx reads each request completely before it passes it on, and holds slow clients
itself at almost no cost.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gthread: 2 workers per core, 4 threads each (README, "Deploying"; docs/load.md).
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker that answers nothing for this long is replaced. Every database wait is bounded well
# below it (DATABASE_*_TIMEOUT), so only a real hang reaches it.
timeout = 30
graceful_timeout = 10
# Connections nginx keeps open to the upstream stay usable between its requests.
keepalive = 5
# Requests are small forms (MAX_CONTENT_LENGTH is 1 MiB); refuse absurd header sections early.
limit_request_line = 8190
limit_request_fields = 100


def post_worker_init(worker) -> None:  # noqa: ANN001 - gunicorn's Worker
    """Start the site's background work (mail, the daily purge) as soon as the worker boots,
    not at its first request: a worker that serves nothing still delivers queued mail."""
    from website.jobs import start_jobs

    start_jobs(worker.wsgi)
