"""The Celery application: `celery -A config worker` and `celery -A config beat` (README, "Background jobs").

Settings come from Django's, prefixed CELERY_ (config/settings.py): a broker when CELERY_BROKER_URL or
REDIS_URL is set, otherwise an in-memory one with tasks run eagerly, in-process.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("vanban")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # every installed app's tasks.py
