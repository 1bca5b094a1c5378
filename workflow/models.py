"""Workflow data next to viewflow's own tables: the document each process routes, leave, and deadlines.

viewflow keeps the routing (Process, Task); the document keeps its lifecycle state (documents.models).
A process never writes the document: flow nodes call documents.services (see docs/workflow.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process, Task

from documents.models import Urgency


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


class StepKind(models.TextChoices):
    """The human steps a deadline can be set for: the flow's (by node) and the receiving side's."""

    DRAFT = "draft", _("Soạn thảo, sửa dự thảo")
    REVIEW = "review", _("Duyệt")
    CONSULT = "consult", _("Cho ý kiến")
    SIGN = "sign", _("Ký")
    REGISTER = "register", _("Cấp số")
    ISSUE = "issue", _("Phát hành")
    ARCHIVE = "archive", _("Lưu hồ sơ")
    ACCEPT = "accept", _("Tiếp nhận văn bản đến")
    ASSIGN = "assign", _("Phân công xử lý văn bản đến")
    HANDLE = "handle", _("Xử lý văn bản đến")


class DurationUnit(models.TextChoices):
    HOURS = "hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")


class DeadlineRule(models.Model):
    """How long a step may take: per organization (or all), document type (or all), urgency (or any) and step
    (or every step but the draft). The most specific rule wins (workflow.deadlines.rule_for)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_rules",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: mọi cơ quan."),
    )
    doc_type = models.ForeignKey(
        "documents.DocumentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loại văn bản"),
        help_text=_("Để trống: mọi loại văn bản."),
    )
    urgency = models.CharField(
        _("độ khẩn"),
        max_length=12,
        blank=True,
        choices=Urgency.choices,
        help_text=_("Để trống: mọi độ khẩn."),
    )
    step = models.CharField(
        _("bước"), max_length=10, blank=True, choices=StepKind.choices, help_text=_("Để trống: mọi bước trừ soạn thảo.")
    )
    amount = models.PositiveSmallIntegerField(_("thời hạn"))
    unit = models.CharField(_("đơn vị"), max_length=12, choices=DurationUnit.choices)

    class Meta:
        verbose_name = _("quy định thời hạn xử lý")
        verbose_name_plural = _("quy định thời hạn xử lý")
        constraints = [
            models.UniqueConstraint(
                Coalesce("organization", 0), Coalesce("doc_type", 0), "urgency", "step", name="deadline_rule_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="deadline_rule_amount_positive"),
        ]

    def __str__(self) -> str:
        step, urgency = self.get_step_display() or "*", self.get_urgency_display() or "*"
        return f"{step} / {urgency}: {self.amount} {self.get_unit_display()}"


class DeadlineSource(models.TextChoices):
    RULE = "rule", _("theo quy định thời hạn")
    DOCUMENT = "document", _("theo hạn xử lý của văn bản")
    ASSIGNMENT = "assignment", _("theo hạn lãnh đạo giao")


class StepDeadline(models.Model):
    """The deadline of one open human step, computed once when it opens (workflow.deadlines.deadline_for), and
    what was done about it: each reminder is marked here before it is sent, so it is sent once.

    A flow step is a viewflow task (`task`); a receiving step is a delivery in a state (`delivery` + `step`:
    accept while it waits at 01, assign at 03, handle at 04/05). `closed_at` is set when the step is over.
    """

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    task = models.OneToOneField(
        DocumentTask, on_delete=models.CASCADE, null=True, blank=True, related_name="deadline_row"
    )
    delivery = models.ForeignKey(
        "documents.Delivery", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    step = models.CharField(_("bước"), max_length=10, choices=StepKind.choices)
    opened_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn"), null=True, blank=True)
    source = models.CharField(_("căn cứ hạn"), max_length=10, choices=DeadlineSource.choices, blank=True)
    remind_at = models.DateTimeField(_("nhắc từ"), null=True, blank=True)
    escalate_at = models.DateTimeField(_("báo lãnh đạo từ"), null=True, blank=True)
    reminded_before_at = models.DateTimeField(_("đã nhắc sắp đến hạn"), null=True, blank=True)
    reminded_after_at = models.DateTimeField(_("đã báo quá hạn"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("đã báo lãnh đạo"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("hạn xử lý của bước")
        verbose_name_plural = _("hạn xử lý của bước")
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, delivery__isnull=True) | Q(task__isnull=True, delivery__isnull=False),
                name="step_deadline_task_or_delivery",
            ),
            models.UniqueConstraint(
                fields=["delivery", "step"], condition=Q(delivery__isnull=False), name="step_deadline_delivery_step"
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(closed_at__isnull=True), name="step_deadline_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} → {self.due_at:%d/%m/%Y %H:%M}" if self.due_at else self.get_step_display()
