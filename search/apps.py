from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Tìm kiếm và tổng hợp"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save

        from search.indexing import document_saved
        from search.normalize import register_sqlite_functions

        # Database wiring, not business logic: SQLite gets the functions PostgreSQL has from migration 0001.
        connection_created.connect(register_sqlite_functions, dispatch_uid="search.sqlite_functions")
        for connection in connections.all(initialized_only=True):
            register_sqlite_functions(None, connection)
        # The stored folded text follows each save of a document, in its transaction (search.indexing says why).
        post_save.connect(document_saved, sender="documents.Document", dispatch_uid="search.document_saved")
