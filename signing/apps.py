from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"

    def ready(self) -> None:
        # The signature check of every arrival (signing.arrivals): documents sits below signing, so signing
        # registers itself where documents calls out (the arrival hook, the domain events on commit).
        from documents.events import subscribe
        from documents.services.outside import on_arrival_pdf
        from signing.arrivals import check_issued_document, record_arrival_check

        on_arrival_pdf(record_arrival_check)
        subscribe(check_issued_document)
