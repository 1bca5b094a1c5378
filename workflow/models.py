"""Workflow data next to viewflow's own tables: the document each process routes, and leave.

viewflow keeps the routing (Process, Task); the document keeps its lifecycle state (documents.models).
A process never writes the document: flow nodes call documents.services (see docs/workflow.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task


class DocumentProcess(Process):
    """One approval process per outgoing document."""

    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="process", verbose_name=_("văn bản")
    )

    class Meta:
        verbose_name = _("quy trình văn bản")
        verbose_name_plural = _("quy trình văn bản")


class DocumentTask(Task):
    """viewflow's Task row, with the document it concerns one attribute away (select_related by selectors)."""

    class Meta:
        proxy = True
        verbose_name = _("công việc")
        verbose_name_plural = _("công việc")

    @property
    def document(self):
        return self.process.documentprocess.document

    @property
    def step(self) -> str:
        return self.flow_task.name if self.flow_task else ""


class Absence(models.Model):
    """Nghỉ phép, đi công tác: while absent, tasks that would go to `user` go to `delegate`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name=_("người vắng")
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absence_delegations",
        verbose_name=_("người xử lý thay"),
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.CharField(_("lý do"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("vắng mặt")
        verbose_name_plural = _("vắng mặt")
        ordering = ["user", "-start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="absence_period_ordered"),
            models.CheckConstraint(condition=~Q(user=models.F("delegate")), name="absence_delegate_not_self"),
        ]
        indexes = [models.Index(fields=["user", "start", "end"])]

    def __str__(self) -> str:
        return f"{self.user} vắng {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y} → {self.delegate}"
