"""Gunicorn configuration (production). Every value can be overridden from the environment.

    gunicorn -c deploy/gunicorn.conf.py huaxi_renda.wsgi

nginx (deploy/nginx.conf) proxies to the bind address; static files never reach gunicorn.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads let one worker overlap database waits; two workers per core keep the CPU busy.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# Keep-alive from nginx's upstream pool: longer than its keepalive_timeout (4 s, deploy/nginx.conf), so nginx,
# not gunicorn, closes an idle connection.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = 500
# Only nginx on this host may set X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
# The client as nginx saw it (X-Real-IP), then the peer gunicorn saw (nginx itself, 127.0.0.1).
access_log_format = '%({x-real-ip}i)s via %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "huaxi-renda"
# The large request bodies (uploads) are limited by nginx first, then by Django.
limit_request_line = 8190
