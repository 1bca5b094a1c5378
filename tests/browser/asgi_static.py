"""The child server's ASGI application (tests/browser/asgi_server.py): the project's, with /static/ served as
runserver serves it in development."""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from config.asgi import application as project  # sets Django up first

application = ASGIStaticFilesHandler(project)
