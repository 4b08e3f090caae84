"""gunicorn settings for Lên Sàn behind nginx (deploy/nginx/lensan.conf); the environment overrides them."""

import multiprocessing
import os

# nginx passes requests to this address (the upstream in deploy/nginx/lensan.conf).
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
# Threads serve the many small sync and page requests while one waits on PostgreSQL.
workers = int(os.environ.get("WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("WEB_THREADS", 8))
worker_class = "gthread"
# Label sheets and exports can take a while; nginx waits as long (proxy_read_timeout).
timeout = int(os.environ.get("WEB_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Restart a worker now and then, so a slow leak never grows into an outage. Not too often: a
# worker's start (importing and building the app) costs about 1.5-3 s of CPU, and every 2,000
# requests made that 8% of the two cores at 100 requests a second (bench/load.py).
max_requests = 20000
max_requests_jitter = 2000
# nginx on this machine sets X-Forwarded-Proto; the app reads it through TRUSTED_PROXIES.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No access log of gunicorn's own by default: nginx writes one line per request already (Debian's
# /var/log/nginx/access.log), and gunicorn's line cost 0.1-0.25 ms of a worker's CPU per request
# (its fields gathered and formatted, then written to journald, which spends CPU of its own), about
# a twentieth of an up-to-date pull. WEB_ACCESS_LOG=- writes it to stdout (the journal) again.
accesslog = os.environ.get("WEB_ACCESS_LOG") or None
errorlog = "-"
