"""The outgoing document in its legal layout, its versions, recipients, register counters and dossiers.

State changes happen only in `documents.services`; `Document.status` is protected and cannot be
assigned by hand.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from organizations.models import SignatureForm


class DocumentType(models.Model):
    """Tên loại văn bản with its abbreviation (Nghị định 30/2020, Phụ lục III); công văn has none."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại"), max_length=100, unique=True)
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_cong_van(self) -> bool:
        return not self.abbreviation


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Chờ duyệt")
    AWAITING_SIGNATURE = "awaiting_signature", _("Chờ ký")
    SIGNED = "signed", _("Đã ký")
    REGISTERED = "registered", _("Đã cấp số")
    ISSUED = "issued", _("Đã phát hành")
    ARCHIVED = "archived", _("Đã lưu hồ sơ")
    RECALLED = "recalled", _("Đã thu hồi")
    CANCELLED = "cancelled", _("Đã hủy")


class Register(models.TextChoices):
    """Numbering sequences: secret documents count in a register of their own."""

    REGULAR = "regular", _("Sổ văn bản đi")
    SECRET = "secret", _("Sổ văn bản mật")
    INCOMING = "incoming", _("Sổ văn bản đến")
    INCOMING_SECRET = "in_secret", _("Sổ văn bản mật đến")


class Confidentiality(models.TextChoices):
    NORMAL = "normal", _("Thường")
    MAT = "mat", _("Mật")
    TOI_MAT = "toi_mat", _("Tối mật")
    TUYET_MAT = "tuyet_mat", _("Tuyệt mật")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    KHAN = "khan", _("Khẩn")
    THUONG_KHAN = "thuong_khan", _("Thượng khẩn")
    HOA_TOC = "hoa_toc", _("Hỏa tốc")


class ReplacementKind(models.TextChoices):
    CORRECTION = "correction", _("Đính chính")
    REPLACEMENT = "replacement", _("Thay thế")


class Document(ConcurrentTransitionMixin, models.Model):
    """Văn bản đi: every field of the legal layout (Nghị định 30/2020, Phụ lục I)."""

    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("cơ quan ban hành"),
    )
    drafting_unit = models.ForeignKey(
        "organizations.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("đơn vị soạn thảo"),
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="drafted_documents",
        verbose_name=_("người soạn thảo"),
    )
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, verbose_name=_("loại văn bản"))
    subject = models.CharField(_("trích yếu"), max_length=500)
    legal_bases = models.JSONField(_("căn cứ"), default=list, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)

    register = models.CharField(_("sổ"), max_length=10, choices=Register.choices, default=Register.REGULAR)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("năm của số"), null=True, blank=True)
    code = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)

    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_to_sign",
        verbose_name=_("người ký"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_to_review",
        verbose_name=_("người duyệt"),
    )
    # First review level where the organization wants two (organizations.Organization.two_level_review).
    unit_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_to_review_first",
        verbose_name=_("người duyệt cấp đơn vị"),
    )
    unit_approved_at = models.DateTimeField(_("thời điểm đơn vị duyệt"), null=True, blank=True)
    signature_form = models.CharField(
        _("thể thức ký"), max_length=6, choices=SignatureForm.choices, default=SignatureForm.DIRECT
    )
    # As printed above the signature, e.g. ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]; set when signed.
    signer_title_lines = models.JSONField(_("chức danh người ký"), default=list, blank=True)
    confidentiality = models.CharField(
        _("độ mật"), max_length=10, choices=Confidentiality.choices, default=Confidentiality.NORMAL
    )
    urgency = models.CharField(_("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    # The part after "Lưu:" ("VT, TH, T/Ph."); filled from the drafting unit when left empty.
    filing_line = models.CharField(_("nơi lưu"), max_length=120, blank=True)

    status = FSMField(_("trạng thái"), default=Status.DRAFT, choices=Status.choices, protected=True)
    returned_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    current_version = models.ForeignKey(
        "documents.Version", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_version = models.ForeignKey(
        "documents.Version", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    registered_at = models.DateTimeField(_("thời điểm cấp số"), null=True, blank=True)
    issued_at = models.DateTimeField(_("thời điểm phát hành"), null=True, blank=True)
    dossier = models.ForeignKey(
        "documents.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # Units asked for their opinion before the signature (xin ý kiến): their members may read it.
    consulted_units = models.ManyToManyField(
        "organizations.Unit", blank=True, related_name="consulted_documents", verbose_name=_("đơn vị được xin ý kiến")
    )
    # A correction or replacement points at the document it amends.
    replaces = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by")
    # Đính chính (format or procedure wrong) or thay thế (content wrong), when `replaces` is set.
    replacement_kind = models.CharField(
        _("đính chính / thay thế"), max_length=12, choices=ReplacementKind.choices, blank=True, default=""
    )
    # Căn cứ: the documents this one is issued on the basis of (seed 002: Sở → Phòng → trường).
    bases = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="implemented_by", verbose_name=_("căn cứ")
    )
    # The document this one reports back on or answers (edXML ResponseFor).
    answers = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answered_by",
        verbose_name=_("trả lời cho"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "register", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="document_number_unique_per_register_year",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="document_number_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["drafter", "status"]),
        ]
        permissions = [
            ("view_confidential_document", _("Xem văn bản mật")),
        ]

    def __str__(self) -> str:
        return self.code or f"[{self.get_status_display()}] {self.subject[:60]}"

    # Transitions: the state graph only. Guards, permissions and side data live in documents.services.
    @transition(field=status, source=Status.DRAFT, target=Status.IN_REVIEW)
    def submit(self) -> None: ...

    @transition(field=status, source=Status.IN_REVIEW, target=Status.AWAITING_SIGNATURE)
    def approve(self) -> None: ...

    @transition(field=status, source=[Status.IN_REVIEW, Status.AWAITING_SIGNATURE], target=Status.DRAFT)
    def return_for_revision(self) -> None: ...

    @transition(field=status, source=Status.AWAITING_SIGNATURE, target=Status.SIGNED)
    def sign(self) -> None: ...

    @transition(field=status, source=Status.SIGNED, target=Status.REGISTERED)
    def register_number(self) -> None: ...

    @transition(field=status, source=Status.REGISTERED, target=Status.ISSUED)
    def issue(self) -> None: ...

    @transition(field=status, source=Status.ISSUED, target=Status.ARCHIVED)
    def archive(self) -> None: ...

    @transition(field=status, source=Status.ISSUED, target=Status.RECALLED)
    def recall(self) -> None: ...

    @transition(field=status, source=[Status.DRAFT, Status.IN_REVIEW], target=Status.CANCELLED)
    def cancel(self) -> None: ...

    @property
    def is_secret(self) -> bool:
        return self.confidentiality != Confidentiality.NORMAL


class Version(models.Model):
    """An immutable snapshot of a document's content; the signed one is frozen by its hash."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    content = models.JSONField(_("nội dung"))
    content_hash = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.content_hash[:12]}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Immutability is an invariant of the row, not business logic: a version is written once.
        if self.pk is not None and not self._state.adding:
            raise ValueError("A document version is immutable once written.")
        super().save(*args, **kwargs)


class Purpose(models.TextChoices):
    EXECUTE = "execute", _("để thực hiện")
    REPORT = "report", _("b/c")
    INFORM = "inform", _("để biết")
    NONE = "", _("(không ghi)")


class Recipient(models.Model):
    """One line of "Nơi nhận": an internal organization, unit or person, or an external name."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A named group of the issuing organization ("Các trường trực thuộc"), expanded when issued.
    group = models.ForeignKey(
        "organizations.RecipientGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The line as printed ("Sở GD&ĐT tỉnh Long An"); for an external recipient it is all there is.
    display_name = models.CharField(_("tên nơi nhận"), max_length=255)
    purpose = models.CharField(_("mục đích"), max_length=10, choices=Purpose.choices, blank=True, default="")
    # An outside body reached by e-mail: the issued PDF is sent there after the issue commits.
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        verbose_name = _("nơi nhận")
        verbose_name_plural = _("nơi nhận")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="recipient_position_unique"),
        ]

    def __str__(self) -> str:
        return self.printed_line

    @property
    def printed_line(self) -> str:
        if self.purpose in (Purpose.REPORT, Purpose.INFORM, Purpose.EXECUTE):
            return f"{self.display_name} ({Purpose(self.purpose).label})"
        return self.display_name

    @property
    def is_internal(self) -> bool:
        return bool(self.organization_id or self.unit_id or self.person_id or self.group_id)


class NumberCounter(models.Model):
    """The last number given in one register of one organization in one calendar year.

    Locked FOR UPDATE by the registering transaction (see docs/numbering.md); a rollback gives the
    number back because the increment rolls back with it.
    """

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    register = models.CharField(max_length=10, choices=Register.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "register", "year"], name="counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.register}/{self.year}: {self.last_number}"


class Dossier(models.Model):
    """Hồ sơ: where an issued document is filed, with its retention period."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="dossiers")
    code = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    # None means permanent ("Vĩnh viễn").
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    owner_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True)
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["organization", "-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "code"], name="dossier_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def retention_label(self) -> str:
        return "Vĩnh viễn" if self.retention_years is None else f"{self.retention_years} năm"


class DeliveryStatus(models.TextChoices):
    """Where one sending stands, named after the edXML status codes a recipient sends back (RULES.md)."""

    QUEUED = "queued", _("Chờ gửi ra ngoài hệ thống")
    # An outside body without the exchange, sent the issued PDF by e-mail (no status comes back from it).
    EMAILED = "emailed", _("Đã gửi thư điện tử")
    ARRIVED = "arrived", _("Đã đến, chờ tiếp nhận (01)")
    REFUSED = "refused", _("Từ chối (02)")
    ACCEPTED = "accepted", _("Đã tiếp nhận (03)")
    ASSIGNED = "assigned", _("Đã phân công (04)")
    IN_PROGRESS = "in_progress", _("Đang xử lý (05)")
    DONE = "done", _("Đã xử lý xong (06)")
    RECALL_REQUESTED = "recall_asked", _("Bên gửi đề nghị thu hồi (13)")
    RECALLED = "recalled", _("Đồng ý thu hồi (15)")
    RECALL_REFUSED = "recall_refused", _("Từ chối thu hồi (16)")


# The exchange's status code of each state (QCVN 102:2016; "queued" has none: nothing was sent yet).
EXCHANGE_CODES = {
    DeliveryStatus.ARRIVED: "01",
    DeliveryStatus.REFUSED: "02",
    DeliveryStatus.ACCEPTED: "03",
    DeliveryStatus.ASSIGNED: "04",
    DeliveryStatus.IN_PROGRESS: "05",
    DeliveryStatus.DONE: "06",
    DeliveryStatus.RECALL_REQUESTED: "13",
    DeliveryStatus.RECALLED: "15",
    DeliveryStatus.RECALL_REFUSED: "16",
}


class DeliveryKind(models.TextChoices):
    ORGANIZATION = "organization", _("Cơ quan trong hệ thống (văn thư tiếp nhận)")
    UNIT = "unit", _("Đơn vị của cơ quan ban hành")
    PERSON = "person", _("Cá nhân")
    EXTERNAL = "external", _("Ngoài hệ thống (liên thông, thư điện tử, giấy)")


class Delivery(models.Model):
    """One sending of an issued document to one addressee, after the "Nơi nhận" line was expanded.

    A group line ("Các trường trực thuộc") makes one Delivery per member. `target` ("o:12", "u:3", "p:7",
    "x:<line id>") is unique per document: issuing again, or a retry after a crash, never makes a second one.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(_("loại nơi nhận"), max_length=12, choices=DeliveryKind.choices)
    target = models.CharField(max_length=32)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    status = models.CharField(
        _("trạng thái"), max_length=14, choices=DeliveryStatus.choices, default=DeliveryStatus.ARRIVED
    )
    sent_at = models.DateTimeField(_("ngày gửi"))
    status_at = models.DateTimeField(_("thời điểm trạng thái"))
    # The recipient's reason for a refusal (02, 16), shown to the sender.
    note = models.TextField(_("ghi chú"), blank=True)
    acknowledged_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The sender's last reminder to accept (documents.services.sending.deliveries_remind): one an hour at most.
    reminded_at = models.DateTimeField(_("lần nhắc gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("phát hành")
        verbose_name_plural = _("phát hành")
        ordering = ["document", "recipient__position", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "target"], name="delivery_target_unique")]
        indexes = [
            models.Index(fields=["organization", "status"], name="delivery_org_status"),
            models.Index(fields=["person", "status"], name="delivery_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient.display_name}"

    @property
    def exchange_code(self) -> str:
        return EXCHANGE_CODES.get(self.status, "")

    @property
    def addressee_name(self) -> str:
        """Who it went to, by the directory's name (a group's member, not the group); the line's text outside."""
        if self.person_id:
            return self.person.display_name
        if self.unit_id:
            return self.unit.name
        if self.organization_id:
            return str(self.organization)
        return self.recipient.display_name

    @property
    def incoming_number(self) -> int | None:
        """The number the receiving organization gave it in its incoming register, once accepted."""
        try:
            return self.incoming.number
        except models.ObjectDoesNotExist:
            return None


class DeliveryEvent(models.Model):
    """One step of a delivery's history, as the sender sees it (the exchange's status packets)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=14, choices=DeliveryStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"

    @property
    def exchange_code(self) -> str:
        return EXCHANGE_CODES.get(self.status, "")


class IncomingDocument(models.Model):
    """Văn bản đến: an accepted delivery, registered with the receiving organization's own running number."""

    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="incoming_documents"
    )
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="incoming")
    register = models.CharField(max_length=10, choices=Register.choices, default=Register.INCOMING)
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số đến"))
    received_at = models.DateTimeField(_("ngày đến"))
    registered_at = models.DateTimeField(_("ngày vào sổ"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The sender's particulars as they stood on arrival (Appendix IV): kept even if the sender changes later.
    sender_name = models.CharField(_("cơ quan ban hành"), max_length=255)
    sender_code = models.CharField(_("số, ký hiệu"), max_length=60)
    sender_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    # Handling (docs/distribution.md "Receiving and handling"): only a registered document carries a duty to
    # handle, so these live here and not on Delivery. The clerk passes it to a leader, who assigns it.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("ngày chuyển lãnh đạo"), null=True, blank=True)
    assigned_unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supporting_units = models.ManyToManyField("organizations.Unit", blank=True, related_name="+")
    directive = models.TextField(_("bút phê"), blank=True)
    handling_deadline = models.DateField(_("hạn xử lý"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("ngày phân công"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("ngày bắt đầu xử lý"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(_("ngày xử lý xong"), null=True, blank=True)
    result = models.TextField(_("kết quả xử lý"), blank=True)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("sổ văn bản đến")
        ordering = ["organization", "-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "register", "year", "number"], name="incoming_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year} ← {self.sender_code}"


class FiledCopy(models.Model):
    """One "Lưu:" copy of an issued document: VT (the clerk's office copy) or a unit of the issuing organization.

    Written at issue from `Document.filing_line` (documents.services.sending.write_filed_copies); a label is
    unique per document, so issuing again adds nothing.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="filed_copies")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    label = models.CharField(_("nơi lưu"), max_length=40)  # as printed: "VT", "TH", "CM-THCS"
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_office_copy = models.BooleanField(_("bản lưu văn thư"), default=False)
    filed_at = models.DateTimeField(_("ngày lưu"))

    class Meta:
        verbose_name = _("bản lưu")
        verbose_name_plural = _("bản lưu")
        ordering = ["document", "position"]
        constraints = [models.UniqueConstraint(fields=["document", "label"], name="filed_copy_label_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}: Lưu {self.label}"


class ArtifactKind(models.TextChoices):
    SIGNED = "signed", _("Bản đã ký (người ký)")
    ISSUED = "issued", _("Bản phát hành (đã cấp số, ký số cơ quan)")


class DocumentArtifact(models.Model):
    """A PDF of the document at one step; stored with its hash, never changed afterwards."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=10, choices=ArtifactKind.choices)
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "kind"], name="artifact_kind_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.kind}:{self.sha256[:12]}"


class Recurrence(models.TextChoices):
    ONCE = "once", _("Một lần")
    YEARLY = "yearly", _("Hằng năm")


class ReportingDuty(models.Model):
    """A plan's demand that its recipients report back ("báo cáo về Phòng GD&ĐT trước ngày 20/10 hằng năm").

    At issue each recipient organization gets a ReportingObligation (documents.reporting); a yearly duty repeats
    on the same day and month."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reporting_duties")
    description = models.CharField(_("nội dung báo cáo"), max_length=500)
    # The first due date; a yearly duty falls due on this day and month every year.
    due_date = models.DateField(_("hạn báo cáo"))
    recurrence = models.CharField(_("định kỳ"), max_length=6, choices=Recurrence.choices, default=Recurrence.ONCE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("yêu cầu báo cáo")
        verbose_name_plural = _("yêu cầu báo cáo")
        ordering = ["document", "due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.description[:60]} ({self.get_recurrence_display()}, {self.due_date:%d/%m/%Y})"


class ReportingObligation(models.Model):
    """One recipient organization's duty to report for one period; fulfilled by the report it issued back."""

    duty = models.ForeignKey(ReportingDuty, on_delete=models.CASCADE, related_name="obligations")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="reporting_obligations"
    )
    # The year the report is due in (a one-off duty: the year of its due date).
    period = models.PositiveSmallIntegerField(_("kỳ báo cáo"))
    due_date = models.DateField(_("hạn báo cáo"))
    fulfilled_by = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="fulfilled_obligations"
    )
    fulfilled_at = models.DateTimeField(_("ngày báo cáo"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghĩa vụ báo cáo")
        verbose_name_plural = _("nghĩa vụ báo cáo")
        ordering = ["duty", "due_date", "organization__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "organization", "period"], name="reporting_obligation_unique"),
        ]
        indexes = [models.Index(fields=["organization", "fulfilled_by"], name="obligation_org_open")]

    def __str__(self) -> str:
        return f"{self.organization_id} / {self.period}: {self.due_date:%d/%m/%Y}"
