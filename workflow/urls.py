from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from workflow import views, views_links

app_name = "workflow"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk, name="bulk"),
    path("flow/documents/new/", views.new_document, name="new"),
    path("flow/documents/<id:pk>/edit/", views.edit_document, name="edit"),
    path("flow/documents/<id:pk>/", views.document_flow, name="document"),
    path("flow/documents/<id:pk>/act/", views.act, name="act"),
    path("flow/documents/<id:pk>/cascade/", views_links.cascade, name="cascade"),
    path("flow/documents/<id:pk>/correct/", views_links.correct, name="correct"),
    path("flow/documents/<id:pk>/reporting-duties/", views_links.add_duty, name="add-duty"),
    path("flow/deliveries/<id:pk>/implement/", views_links.implement, name="implement"),
    path("flow/deliveries/<id:pk>/reply/", views_links.reply, name="reply"),
    path("flow/documents/<id:pk>/remind/", views.remind, name="remind"),
    path("flow/documents/<id:pk>/deliveries/", views.deliveries_fragment, name="deliveries"),
    path("flow/tasks/<id:task_pk>/", views.task_detail, name="task"),
    path("flow/tasks/<id:task_pk>/claim/", views.claim, name="claim"),
    path("flow/tasks/<id:task_pk>/reassign/", views.reassign, name="reassign"),
]
