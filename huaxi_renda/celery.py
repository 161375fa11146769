import os

from celery import Celery
from celery.signals import beat_init, celeryd_init, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huaxi_renda.settings.local")

app = Celery("huaxi_renda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def reconnect_forever(**kwargs):
    """The worker and beat outlive a broker outage, however long, and wait for a broker that is not up yet.

    The settings give up on the broker at once (``CELERY_BROKER_CONNECTION_MAX_RETRIES = 0``) so that a
    web request never waits for Redis; a worker or beat process instead retries forever, with kombu's
    backoff (2 s more each time, at most 30 s between attempts).
    """
    app.conf.broker_connection_retry = True
    app.conf.broker_connection_retry_on_startup = True
    app.conf.broker_connection_max_retries = None
    app.conf.broker_connection_timeout = 4


def widen_for_task(task_id=None, task=None, **kwargs):
    """A task reads every congress (row-level security, README): the worker is a system process. The periodic
    scans are audited once per run; the deliveries they queue run under the same rule without a record each."""
    from huaxi_renda import rowscope

    periodic = {entry["task"] for entry in app.conf.beat_schedule.values()}
    _scopes[task_id] = rowscope.system_begin(f"celery:{task.name}", audit=task.name in periodic)


def narrow_after_task(task_id=None, **kwargs):
    from huaxi_renda import rowscope

    rowscope.system_end(_scopes.pop(task_id, None))


_scopes: dict = {}
celeryd_init.connect(reconnect_forever, weak=False)
task_prerun.connect(widen_for_task, weak=False)
task_postrun.connect(narrow_after_task, weak=False)
beat_init.connect(reconnect_forever, weak=False)
