from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Liên thông văn bản (edXML)"

    def ready(self) -> None:
        from documents.events import subscribe
        from exchange.consumers import exchange_on_event

        subscribe(exchange_on_event)
