"""The outgoing document in its legal layout, its versions, recipients, register counters and dossiers.

State changes happen only in `documents.services`; `Document.status` is protected and cannot be
assigned by hand.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from documents import blobs
from organizations.models import ORGAN_CODE_VALIDATOR, SignatureForm


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


class Origin(models.TextChoices):
    """Where a document comes from. Only INTERNAL ones go through the lifecycle here; the others arrive issued."""

    INTERNAL = "internal", _("Soạn thảo trong hệ thống")
    EXCHANGE = "exchange", _("Nhận qua trục liên thông")
    RECEIVED = "received", _("Tiếp nhận từ văn bản giấy, tệp hoặc thư điện tử")


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
    # The type name as printed where it says more than the type ("CHƯƠNG TRÌNH HÀNH ĐỘNG" for a Chương trình);
    # empty: the type's own name.
    type_title = models.CharField(_("tên loại in trên văn bản"), max_length=120, blank=True)
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
    # The dossier it was archived into (the archive step); every dossier it sits in is `dossiers`.
    dossier = models.ForeignKey(
        "documents.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    dossiers = models.ManyToManyField(
        "documents.Dossier", through="documents.DossierEntry", blank=True, related_name="filed_documents"
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
    # A document from outside (documents.services.outside) arrives ISSUED: `organization` is its sender, the
    # number, code and date are the sender's, and the signer is a name as printed, not a person here.
    origin = models.CharField(_("nguồn"), max_length=10, choices=Origin.choices, default=Origin.INTERNAL)
    # The edXML DocumentId "<OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>" of a document that came through the exchange.
    external_id = models.CharField(_("mã văn bản liên thông"), max_length=120, blank=True)
    signer_name = models.CharField(_("họ tên người ký (văn bản đến)"), max_length=150, blank=True)
    # What an imported text said of its own number and date ("12/KH-PGDĐT", "Cần Giuộc, ngày 06 tháng 3 năm 2019"):
    # kept for the drafter to see, never printed as this document's number (the clerk gives that).
    source_code = models.CharField(_("số, ký hiệu ghi trên bản nhập"), max_length=60, blank=True)
    source_date_line = models.CharField(_("địa danh, ngày ghi trên bản nhập"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "register", "number_year", "number"],
                # The sender's own numbers of documents from outside are theirs, not this register's.
                condition=Q(number__isnull=False, origin="internal"),
                name="document_number_unique_per_register_year",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=1), name="document_number_positive"
            ),
            # A packet seen twice is one document (documents.services.outside.outside_arrival_create).
            models.UniqueConstraint(
                fields=["organization", "external_id"], condition=~Q(external_id=""), name="document_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["drafter", "status"]),
            # The inbox's "submitted" tab reads a drafter's documents newest first and stops at the page.
            models.Index(fields=["drafter", "created_at", "id"], name="document_drafter_created"),
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
    # The purpose as the drafter wrote it where it differs from the label ("để b/c" rather than "b/c").
    purpose_text = models.CharField(_("mục đích như đã ghi"), max_length=40, blank=True)
    # An outside body reached by e-mail: the issued PDF is sent there after the issue commits.
    email = models.EmailField(_("thư điện tử"), blank=True)
    # An outside body reached by the exchange (edXML, docs/exchange.md): its OrganId, "000.00.12.H41".
    organ_code = models.CharField(
        _("mã định danh điện tử"),
        max_length=13,
        blank=True,
        validators=[ORGAN_CODE_VALIDATOR],
    )

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
            return f"{self.display_name} ({self.purpose_text or Purpose(self.purpose).label})"
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


class RetentionPeriod(models.Model):
    """One line of the retention table (Thông tư 10/2022/TT-BNV): a group of records and how long it is kept.

    Data, not code: seeded by a migration with the lines an education office uses, edited in the admin.
    """

    code = models.CharField(_("mã"), max_length=20, unique=True)
    group = models.CharField(_("nhóm tài liệu"), max_length=255)
    title = models.CharField(_("tên nhóm hồ sơ, tài liệu"), max_length=500)
    # None means permanent ("Vĩnh viễn").
    years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thời hạn bảo quản")
        verbose_name_plural = _("bảng thời hạn bảo quản")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code}. {self.title} — {self.label}"

    @property
    def label(self) -> str:
        return "Vĩnh viễn" if self.years is None else f"{self.years} năm"


class Dossier(models.Model):
    """Hồ sơ: where issued documents are filed, with its retention period. A document may sit in several
    (DossierEntry), without copies."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="dossiers")
    code = models.CharField(_("số và ký hiệu hồ sơ"), max_length=40)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=255)
    year = models.PositiveSmallIntegerField(_("năm"))
    # The line of the retention table it follows; `retention_years` keeps the figure it gave (None: permanent).
    retention_period = models.ForeignKey(
        RetentionPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="dossiers"
    )
    retention_years = models.PositiveSmallIntegerField(_("thời hạn bảo quản (năm)"), null=True, blank=True)
    owner_unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    is_closed = models.BooleanField(_("đã kết thúc"), default=False)
    closed_at = models.DateTimeField(_("ngày kết thúc"), null=True, blank=True)
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


class DossierEntry(models.Model):
    """One document in one dossier, at its place in the dossier's table of contents (mục lục văn bản)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="entries")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="dossier_entries")
    position = models.PositiveIntegerField(_("số thứ tự"))
    added_at = models.DateTimeField(_("ngày đưa vào"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản trong hồ sơ")
        verbose_name_plural = _("văn bản trong hồ sơ")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document"], name="dossier_entry_unique"),
            models.UniqueConstraint(fields=["dossier", "position"], name="dossier_entry_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.position}: {self.document_id}"


class DeliveryStatus(models.TextChoices):
    """Where one sending stands, named after the edXML status codes a recipient sends back (RULES.md)."""

    QUEUED = "queued", _("Chờ gửi ra ngoài hệ thống")
    # An outside body without the exchange, sent the issued PDF by e-mail (no status comes back from it).
    EMAILED = "emailed", _("Đã gửi thư điện tử")
    # An outside body with an organ code: the document packet left through the exchange (exchange.services);
    # its status packets (01…16) move the delivery on as an internal recipient's steps do.
    SENT = "sent", _("Đã gửi qua trục liên thông")
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
    ARCHIVED = "archived", _("Bản lưu trữ (kèm dữ liệu xác thực dài hạn)")


class DocumentArtifact(models.Model):
    """A PDF of the document at one step; stored with its hash, never changed afterwards."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=10, choices=ArtifactKind.choices)
    # The PDF's SHA-256: its name in the "documents" storage (documents.blobs) and the check of every read.
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "kind"], name="artifact_kind_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.kind}:{self.sha256[:12]}"

    def read(self) -> bytes:
        """The PDF, checked against `sha256` (IntegrityFailed if the storage lost or changed it)."""
        return blobs.get(self.sha256)


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


class OutboxEvent(models.Model):
    """A domain event stored in the transaction that caused it: it exists exactly when the change committed.

    `documents.outbox` delivers it to every consumer after commit (or from the sweep after a crash) and sets
    `dispatched_at` once every consumer has it or was given up on; `key` is the id consumers de-duplicate by.
    """

    key = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("sự kiện"), max_length=60)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="outbox_events")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(_("từ trạng thái"), max_length=30, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=30, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("lúc tạo"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("đã chuyển xong lúc"), null=True, blank=True)
    # The dispatcher delivering it now (host:pid:run) and until when its claim holds; a claim left by a dead
    # dispatcher runs out and the sweep takes over.
    claimed_by = models.CharField(_("đang được chuyển bởi"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự kiện chờ chuyển")
        verbose_name_plural = _("sự kiện chờ chuyển (outbox)")
        ordering = ["-id"]
        indexes = [
            # The dispatcher's question: "the pending events of this document, oldest first".
            models.Index(
                fields=["document", "id"], condition=Q(dispatched_at__isnull=True), name="outbox_pending_by_document"
            ),
            # The retention's question: "delivered before this date".
            models.Index(fields=["dispatched_at"], name="outbox_dispatched_at"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.document_id})"


class OutboxDelivery(models.Model):
    """One consumer's handling of one event: delivered, waiting for a retry, or given up after N attempts."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.CharField(_("nơi nhận sự kiện"), max_length=200)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    delivered_at = models.DateTimeField(_("đã chuyển lúc"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    gave_up_at = models.DateTimeField(_("bỏ cuộc lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lần chuyển sự kiện")
        verbose_name_plural = _("lần chuyển sự kiện")
        ordering = ["event", "consumer"]
        constraints = [models.UniqueConstraint(fields=["event", "consumer"], name="outbox_delivery_once_per_consumer")]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.consumer}"


class SignatureVerdict(models.TextChoices):
    """What the signature check of an arrival's PDF found (signing.arrivals.check_arrival_pdf)."""

    VALID = "valid", _("Chữ ký số hợp lệ")
    UNTRUSTED = "untrusted", _("Chứng thư số không được tin cậy")
    MODIFIED = "modified", _("Không hợp lệ: bị thay đổi sau khi ký")
    UNSIGNED = "unsigned", _("Không có chữ ký số")


class ArrivalCheck(models.Model):
    """The signature check of one PDF of an arrival, made when it was received (NĐ 30: the receiving clerk
    checks the authenticity and integrity of electronic documents). One row per document and PDF: an arrival
    delivered to two of our organizations, or received twice, is checked once. `reason` and `summary` say why, as
    found at that time (in Vietnamese, the language of the record); `signers` who signed, as their certificates
    say."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="signature_checks")
    file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    verdict = models.CharField(_("kết quả kiểm tra chữ ký số"), max_length=10, choices=SignatureVerdict.choices)
    # One sentence, the reason a refusal (02) of this arrival carries: "Chữ ký số không hợp lệ: …".
    reason = models.CharField(_("kết luận"), max_length=255, blank=True)
    summary = models.TextField(_("chi tiết"), blank=True)
    # [{"name", "organization", "signing_time" (ISO 8601), "issuer", "intact", "trusted", "modification_level"}]
    signers = models.JSONField(_("người ký"), default=list, blank=True)
    checked_at = models.DateTimeField(_("thời điểm kiểm tra"))

    class Meta:
        verbose_name = _("kiểm tra chữ ký số văn bản đến")
        verbose_name_plural = _("kiểm tra chữ ký số văn bản đến")
        constraints = [models.UniqueConstraint(fields=["document", "sha256"], name="arrival_check_pdf_unique")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.verdict}:{self.sha256[:12]}"


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"


class Attachment(models.Model):
    """A file attached to a draft (`step` empty) or to a step's comment (`step` = the flow step, e.g. "review").

    Its bytes are in the "documents" storage under its SHA-256 (documents.blobs), like DocumentArtifact's; its
    type is what its bytes are (documents.attachments), never what its name or the browser says. Written and
    removed only by documents.services.attachments, each time with an audit event."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    # The version that was current when the file was attached: which draft the file went with.
    version = models.ForeignKey(Version, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    step = models.CharField(_("bước xử lý"), max_length=20, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    file_name = models.CharField(_("tên tệp"), max_length=180)
    kind = models.CharField(_("loại tệp"), max_length=5, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    # The file's SHA-256: its name in the "documents" storage (documents.blobs) and the check of every read.
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["document", "created_at", "id"]
        indexes = [models.Index(fields=["document", "created_at"])]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.file_name}:{self.sha256[:12]}"

    def read(self) -> bytes:
        """The file as uploaded, checked against `sha256` (IntegrityFailed if the storage lost or changed it)."""
        return blobs.get(self.sha256)


class AttachmentCopy(models.Model):
    """The clerk's signed copy of a draft's PDF attachment, made when the document is issued (RULES.md: attachments
    in separate files carry the organization's signature with the number and code and the signing time at the top
    right of their first page). The attachment itself stays as uploaded; recipients get this copy. Written only by
    documents.services.document_issue, in the issue's transaction, never changed afterwards."""

    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, related_name="signed_copy")
    # The signed copy's SHA-256: its name in the "documents" storage (documents.blobs).
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bản đã ký số của tệp đính kèm")
        verbose_name_plural = _("bản đã ký số của tệp đính kèm")

    def __str__(self) -> str:
        return f"{self.attachment_id}:{self.sha256[:12]}"

    def read(self) -> bytes:
        """The signed copy, checked against `sha256` (IntegrityFailed if the storage lost or changed it)."""
        return blobs.get(self.sha256)
