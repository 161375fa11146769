import os

from celery import Celery
from celery.signals import beat_init, celeryd_init

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


celeryd_init.connect(reconnect_forever, weak=False)
beat_init.connect(reconnect_forever, weak=False)
