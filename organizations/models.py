"""Who is who: organizations, their units, people's posts in them, and who may sign for whom."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# OrganId of the exchange (QĐ 20/2020/QĐ-TTg), "000.00.12.H41": of organizations and of outside "Nơi nhận" lines.
ORGAN_CODE_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$"
ORGAN_CODE_VALIDATOR = RegexValidator(ORGAN_CODE_PATTERN, _("Mã định danh có dạng 000.00.12.H41."))


class User(AbstractUser):
    """A person. `full_name` is the name printed under a signature ("Võ Trường Tam")."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.get_username()


class OrganizationKind(models.TextChoices):
    """What kind of body it is: a named group ("Các trường trực thuộc") picks its members by kind."""

    COMMITTEE = "committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    OFFICE = "office", _("Phòng chuyên môn")
    SCHOOL = "school", _("Trường học")
    OTHER = "other", _("Cơ quan khác")


class Organization(models.Model):
    """An issuing or receiving body; a tree (Bộ → Sở → Phòng → trường)."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("cơ quan cấp trên"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(
        _("loại cơ quan"), max_length=12, choices=OrganizationKind.choices, default=OrganizationKind.OTHER
    )
    # Printed above the name in the header ("UBND HUYỆN CẦN GIUỘC"); empty for a top-level body.
    parent_line_name = models.CharField(_("tên cơ quan chủ quản"), max_length=255, blank=True)
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=30, help_text=_("Dùng trong ký hiệu, ví dụ PGDĐT."))
    place_name = models.CharField(
        _("địa danh"), max_length=100, help_text=_("Dùng ở dòng ngày tháng, ví dụ Cần Giuộc.")
    )
    # OrganId of the document exchange: 13 characters, e.g. "000.00.12.H41".
    organ_code = models.CharField(
        _("mã định danh điện tử"), max_length=13, blank=True, validators=[ORGAN_CODE_VALIDATOR]
    )
    head_title = models.CharField(
        _("chức danh người đứng đầu"),
        max_length=100,
        default="TRƯỞNG PHÒNG",
        help_text=_("In ở khối chữ ký: TRƯỞNG PHÒNG, GIÁM ĐỐC, HIỆU TRƯỞNG."),
    )
    # For a collective body signed "TM." ("TM. ỦY BAN NHÂN DÂN"); empty where none.
    collective_name = models.CharField(_("tên tập thể lãnh đạo"), max_length=255, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # A body not hosted here, known from the exchange, the organ directory or a document received on paper:
    # nobody here acts for it, so it is never offered as an in-system recipient (documents.services.outside).
    outside = models.BooleanField(_("ngoài hệ thống"), default=False)
    # Two review levels: the lead of the drafting unit (tổ trưởng) first, then the deputy.
    two_level_review = models.BooleanField(_("duyệt hai cấp"), default=False)

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organ_code"], condition=~Q(organ_code=""), name="organization_organ_code_unique"
            ),
        ]

    def __str__(self) -> str:
        # Many bodies share a name ("Phòng Giáo dục và Đào tạo"); the place tells them apart.
        if self.place_name and self.place_name not in self.name:
            return f"{self.name} {self.place_name}"
        return self.name


class Unit(models.Model):
    """A part of an organization (phòng, tổ, bộ phận); its abbreviation goes into "Lưu: VT, TH"."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("tên đơn vị"), max_length=255)
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=30)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "abbreviation"], name="unit_abbreviation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Role(models.TextChoices):
    HEAD = "head", _("Người đứng đầu")
    DEPUTY = "deputy", _("Cấp phó")
    UNIT_LEAD = "unit_lead", _("Trưởng đơn vị, tổ trưởng")
    STAFF = "staff", _("Chuyên viên")
    CLERK = "clerk", _("Văn thư")
    AUDITOR = "auditor", _("Thanh tra")


class Membership(models.Model):
    """A person's post in an organization: the role decides what they may do there."""

    user = models.ForeignKey("organizations.User", on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    post_title = models.CharField(
        _("chức vụ"), max_length=100, blank=True, help_text=_("Như in trên văn bản: PHÓ TRƯỞNG PHÒNG.")
    )
    is_active = models.BooleanField(_("đang công tác"), default=True)

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["organization", "role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class SignatureForm(models.TextChoices):
    """Thể thức ký (Nghị định 30/2020, Phụ lục I)."""

    DIRECT = "direct", _("Ký trực tiếp")
    TM = "TM", _("TM. (thay mặt)")
    KT = "KT", _("KT. (ký thay)")
    Q = "Q", _("Q. (quyền)")
    TL = "TL", _("TL. (thừa lệnh)")
    TUQ = "TUQ", _("TUQ. (thừa ủy quyền)")
    # The legal combinations (organizations.authority): a deputy of a collective body, an acting head of one, and
    # TL. passed to the deputy of the internal unit whose head signs by order.
    TM_KT = "TM+KT", _("TM. + KT. (thay mặt tập thể, ký thay)")
    TM_Q = "TM+Q", _("TM. + Q. (thay mặt tập thể, quyền)")
    TL_KT = "TL+KT", _("TL. + KT. (thừa lệnh, ký thay)")


class Delegation(models.Model):
    """Who may sign with which form on whose behalf, for which document types, from when until when.

    A KT. delegation also lets a deputy of a collective body sign TM.+KT., a Q. one TM.+Q.; TL.+KT. is given as
    such, to the deputy of an internal unit (organizations.selectors.signature_forms_for)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="delegations")
    delegate = models.ForeignKey(
        "organizations.User",
        on_delete=models.CASCADE,
        related_name="delegations_received",
        verbose_name=_("người được giao ký"),
    )
    principal = models.ForeignKey(
        "organizations.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delegations_given",
        verbose_name=_("người giao"),
    )
    form = models.CharField(_("thể thức ký"), max_length=6, choices=SignatureForm.choices)
    # Empty means every document type.
    document_types = models.ManyToManyField("documents.DocumentType", blank=True, verbose_name=_("loại văn bản"))
    valid_from = models.DateField(_("từ ngày"))
    valid_until = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("căn cứ giao ký"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("giao ký thay")
        verbose_name_plural = _("giao ký thay")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="delegation_period_ordered",
            ),
            models.CheckConstraint(condition=~Q(form="direct"), name="delegation_not_direct"),
        ]

    def __str__(self) -> str:
        return f"{self.form}. {self.delegate} ({self.organization})"


class GroupRule(models.TextChoices):
    SUBORDINATES = "subordinates", _("Các cơ quan trực thuộc (theo loại)")
    LEADERS = "leaders", _("Lãnh đạo cơ quan (người đứng đầu và cấp phó)")


class RecipientGroup(models.Model):
    """A named "Nơi nhận" line that stands for many ("Các trường trực thuộc", "TP, các PTP").

    Data of one organization; it expands into its members when a document is issued (documents.distribution),
    so a school added later receives the next plan sent to the group.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="recipient_groups")
    name = models.CharField(_("tên nhóm nơi nhận"), max_length=255)
    rule = models.CharField(_("cách xác định"), max_length=14, choices=GroupRule.choices)
    # For SUBORDINATES: only the organizations under it of this kind; blank means all of them.
    member_kind = models.CharField(
        _("loại cơ quan thành viên"), max_length=12, choices=OrganizationKind.choices, blank=True
    )

    class Meta:
        verbose_name = _("nhóm nơi nhận")
        verbose_name_plural = _("nhóm nơi nhận")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="recipient_group_name_unique")]

    def __str__(self) -> str:
        return self.name


class CalendarDay(models.Model):
    """An exception to the weekly pattern of working days (organizations.calendar).

    A public holiday, a Tết day or a compensatory day off is a row with `is_working_day` false; a weekend day
    worked in exchange (làm bù, when a decision moves a day off) is a row with `is_working_day` true.
    """

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày"), max_length=200)
    is_working_day = models.BooleanField(
        _("là ngày làm việc"), default=False, help_text=_("Bật cho ngày nghỉ cuối tuần phải đi làm bù.")
    )

    class Meta:
        verbose_name = _("ngày lễ, nghỉ bù, làm bù")
        verbose_name_plural = _("lịch ngày lễ, nghỉ bù, làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class WeeklyRestDay(models.Model):
    """A day of the week that is not worked (thứ Bảy, Chủ nhật for state bodies)."""

    weekday = models.PositiveSmallIntegerField(
        _("thứ trong tuần"),
        unique=True,
        choices=[
            (0, _("Thứ Hai")),
            (1, _("Thứ Ba")),
            (2, _("Thứ Tư")),
            (3, _("Thứ Năm")),
            (4, _("Thứ Sáu")),
            (5, _("Thứ Bảy")),
            (6, _("Chủ nhật")),
        ],
    )

    class Meta:
        verbose_name = _("ngày nghỉ hằng tuần")
        verbose_name_plural = _("ngày nghỉ hằng tuần")
        ordering = ["weekday"]
        constraints = [models.CheckConstraint(condition=Q(weekday__lte=6), name="weekly_rest_day_is_a_weekday")]

    def __str__(self) -> str:
        return str(self.get_weekday_display())


# The newer identifiers (QĐ 20/2020/QĐ-TTg) are dotted groups of capitals and digits; only their alphabet is checked.
NEW_ORGAN_CODE_PATTERN = r"^[A-Z0-9]+(\.[A-Z0-9]+)*$"


class Organ(models.Model):
    """One body of the national directory of organ codes (over 100,000 of them), loaded as data by
    `manage.py import_organs` and never typed by hand.

    Reference data, apart from `Organization` (the bodies hosted here or met through arrivals): an organization
    points at its entry through the code they share (`Organization.organ_code` = `Organ.code`), so the directory
    can be reloaded without touching the organizations. `name_key` is the name in `organizations.naming.expand`'s
    form, what lookups by name compare.
    """

    code = models.CharField(
        _("mã định danh"), max_length=13, unique=True, validators=[RegexValidator(ORGAN_CODE_PATTERN)]
    )
    new_code = models.CharField(
        _("mã định danh mới"), max_length=40, blank=True, validators=[RegexValidator(NEW_ORGAN_CODE_PATTERN)]
    )
    name = models.CharField(_("tên cơ quan"), max_length=255)
    name_key = models.CharField(max_length=255, editable=False)
    # As the file gives it; `parent` is resolved from it after each load (the parent may come later in the file).
    parent_code = models.CharField(_("mã cơ quan cấp trên"), max_length=13, blank=True)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    level = models.PositiveSmallIntegerField(_("cấp"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan trong danh mục mã định danh")
        verbose_name_plural = _("danh mục mã định danh")
        ordering = ["name_key", "code"]
        indexes = [
            models.Index(fields=["name_key", "code"], name="organ_name_key_idx"),
            models.Index(fields=["new_code"], name="organ_new_code_idx"),
            models.Index(fields=["parent_code"], name="organ_parent_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SignatureImage(models.Model):
    """A person's handwritten signature as a PNG, for the visible appearance of their digital signature.

    Kept in the database (small, checked by content on upload: personal.services.signature_image_upload), one per
    person: a new upload replaces the old one. `sha256` names the bytes in the audit log.
    """

    user = models.OneToOneField(
        "organizations.User", on_delete=models.CASCADE, related_name="signature_image", verbose_name=_("người ký")
    )
    png = models.BinaryField(_("ảnh chữ ký (PNG)"))
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(_("rộng (px)"))
    height = models.PositiveIntegerField(_("cao (px)"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("ảnh chữ ký")
        verbose_name_plural = _("ảnh chữ ký")

    def __str__(self) -> str:
        return f"{self.user} ({self.width}×{self.height})"


class SealImage(models.Model):
    """An organization's seal as a transparent PNG, for the visible appearance of its digital signature.

    Drawn at its real width (`width_mm`, the seal's diameter for a round seal) over the left third of the
    signer's signature image (Nghị định 30/2020, Phụ lục I). One per organization, set in the admin.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="seal_image", verbose_name=_("cơ quan")
    )
    png = models.BinaryField(_("ảnh con dấu (PNG)"))
    sha256 = models.CharField(max_length=64)
    width_px = models.PositiveIntegerField(_("rộng (px)"))
    height_px = models.PositiveIntegerField(_("cao (px)"))
    width_mm = models.DecimalField(
        _("đường kính thật (mm)"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("30.0"),
        validators=[MinValueValidator(Decimal("15")), MaxValueValidator(Decimal("60"))],
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("ảnh con dấu")
        verbose_name_plural = _("ảnh con dấu")

    def __str__(self) -> str:
        return f"{self.organization} ({self.width_mm} mm)"
