import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huaxi_renda.settings.local")

app = Celery("huaxi_renda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
