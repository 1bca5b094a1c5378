from django.apps import AppConfig


class ReceivingConfig(AppConfig):
    name = "receiving"
    verbose_name = "Văn bản đến"
