"""Demo plans at every stage of the lifecycle. The texts are written for this product, not taken from
the seed plans; names of bodies, codes and dates follow the seeds' facts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from documents.models import Document, DocumentType, Dossier
from organizations.models import Organization, RecipientGroup, SignatureForm, User

COMMUNICATION_BODY = """I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

- Thông tin kịp thời đến cán bộ, giáo viên, phụ huynh và người dân về các nhiệm vụ trọng tâm của năm học.

- Ghi nhận và giới thiệu các tập thể, cá nhân có cách làm hay trong đổi mới dạy và học.

2. Yêu cầu

- Nội dung truyền thông chính xác, ngắn gọn, đúng thời điểm; phối hợp chặt chẽ với đài truyền thanh địa phương.

II. NỘI DUNG

1. Chương trình giáo dục phổ thông 2018 và lộ trình thay sách giáo khoa.

2. Chuyển đổi số trong quản lý và dạy học: học bạ số, sổ điểm điện tử, thanh toán không dùng tiền mặt.

3. Công tác phổ cập giáo dục, xóa mù chữ và phân luồng học sinh sau trung học cơ sở.

III. TỔ CHỨC THỰC HIỆN

- Thủ trưởng các đơn vị trực thuộc xây dựng kế hoạch của đơn vị, phân công người phụ trách trang thông tin điện tử.

- Báo cáo kết quả thực hiện về cơ quan trước ngày 15/12 hằng năm.

Trên đây là kế hoạch truyền thông của đơn vị; trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về cơ quan để được hướng dẫn./."""

ACTION_BODY = """I. MỤC TIÊU

Nâng cao chất lượng giáo dục toàn diện; giữ vững kết quả phổ cập giáo dục; mở rộng mạng lưới trường đạt chuẩn quốc gia.

II. CHỈ TIÊU

a) Đến năm 2030, ít nhất 80% trường học đạt chuẩn quốc gia.

b) Tỷ lệ học sinh hoàn thành chương trình tiểu học đạt trên 99%.

III. NHIỆM VỤ VÀ GIẢI PHÁP

1. Đổi mới công tác quản lý, tăng quyền tự chủ của nhà trường.

2. Bồi dưỡng đội ngũ giáo viên theo chuẩn nghề nghiệp.

IV. TỔ CHỨC THỰC HIỆN

Các trường học trực thuộc cụ thể hóa chương trình này thành kế hoạch năm của đơn vị và báo cáo định kỳ./."""

LEARNING_SOCIETY_BODY = """I. MỤC ĐÍCH, YÊU CẦU

1. Triển khai kịp thời các nhiệm vụ về khuyến học, khuyến tài, xây dựng xã hội học tập.

2. Xác định rõ nội dung công việc, thời hạn và trách nhiệm của từng đơn vị.

II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU

1. Tuyên truyền nâng cao nhận thức về học tập suốt đời trong cán bộ, giáo viên và học sinh.

- Cập nhật thường xuyên thông tin trên trang thông tin điện tử của cơ quan và của nhà trường.

2. Duy trì kết quả xóa mù chữ, bồi dưỡng thường xuyên cho giáo viên.

III. TỔ CHỨC THỰC HIỆN

Các đơn vị trực thuộc báo cáo kết quả về cơ quan (qua tổ chuyên môn) trước ngày 20/10 hằng năm./."""

RURAL_BODY = """I. MỤC ĐÍCH, YÊU CẦU

- Lan tỏa các cách làm hay của ngành giáo dục trong xây dựng nông thôn mới.

- Vận động các tổ chức, cá nhân hỗ trợ cơ sở vật chất cho các trường còn khó khăn.

II. MỤC TIÊU CỤ THỂ

1. 100% cơ sở giáo dục công lập có chuyên mục nông thôn mới trên trang thông tin điện tử.

2. Mỗi phòng giáo dục và đào tạo có ít nhất 02 tin, bài mỗi quý.

III. TỔ CHỨC THỰC HIỆN

- Văn phòng Sở tổng hợp, báo cáo kết quả theo quy định.

- Phòng Giáo dục và Đào tạo các huyện, thành phố triển khai trên địa bàn./."""


# A commune notice, signed "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" (our own text).
RECEPTION_BODY = (
    """Ủy ban nhân dân xã thông báo lịch tiếp công dân định kỳ tháng 12 năm 2026 như sau:

1. Thời gian

- Sáng thứ Năm các ngày 03, 10, 17 và 24 tháng 12 năm 2026, từ 07 giờ 30 phút đến 11 giờ 00 phút.

2. Địa điểm

- Phòng tiếp công dân, trụ sở Ủy ban nhân dân xã.

3. Người tiếp

- Phó Chủ tịch Ủy ban nhân dân xã được phân công và công chức Văn phòng - Thống kê.

Công dân có nhu cầu phản ánh, kiến nghị đến đúng thời gian, địa điểm nêu trên, mang theo giấy tờ tùy thân """
    "và tài liệu có liên quan./."
)


@dataclass(frozen=True)
class DemoPlan:
    body: str  # organizations.demo.Body.key
    subject: str
    text: str
    stage: str  # the lifecycle state it is left in
    signer: str  # username
    signature_form: str = SignatureForm.DIRECT
    doc_type: str = "ke_hoach"
    legal_bases: tuple[str, ...] = ()
    # (printed line, purpose[, link]): link "org:<Body.key>" or "group:<group name of the issuing body>";
    # without a link the line is an outside body.
    recipients: tuple[tuple[str, ...], ...] = ()
    urgency: str = "normal"
    confidentiality: str = "normal"
    returned_with: str = ""


PLANS: tuple[DemoPlan, ...] = (
    DemoPlan(
        "pgddt-can-giuoc",
        "Truyền thông về giáo dục và đào tạo trên địa bàn huyện Cần Giuộc năm 2026",
        COMMUNICATION_BODY,
        "issued",
        "cangiuoc.pho",
        SignatureForm.KT,
        legal_bases=(
            "Căn cứ Kế hoạch số 491/KH-SGDĐT ngày 04/3/2026 của Sở Giáo dục và Đào tạo về truyền "
            "thông giáo dục năm 2026;",
        ),
        recipients=(
            ("Sở GD&ĐT tỉnh Long An", "report", "org:sgddt-long-an"),
            ("TP, các PTP Phòng GD&ĐT", "", "group:TP, các PTP"),
            ("Các đơn vị, trường học trực thuộc", "execute", "group:Các trường trực thuộc"),
        ),
    ),
    DemoPlan(
        "pgddt-can-giuoc",
        "Kiểm tra nội bộ trường học học kỳ I năm học 2026-2027",
        ACTION_BODY,
        "in_review",
        "cangiuoc.truongphong",
        recipients=(("Các trường học trực thuộc", "execute", "group:Các trường trực thuộc"),),
        urgency="khan",
    ),
    DemoPlan(
        "pgddt-can-giuoc",
        "Tổ chức ngày hội đọc sách năm 2026",
        COMMUNICATION_BODY,
        "draft",
        "cangiuoc.pho",
        SignatureForm.KT,
        recipients=(("Các trường tiểu học", "execute"),),
        returned_with="Bổ sung thời gian, địa điểm và kinh phí tổ chức.",
    ),
    DemoPlan(
        "pgddt-thu-thua",
        "Chương trình hành động thực hiện Nghị quyết Đại hội Đảng bộ huyện Thủ Thừa "
        "nhiệm kỳ 2025-2030 của ngành Giáo dục và Đào tạo",
        ACTION_BODY,
        "archived",
        "thuthua.truongphong",
        doc_type="chuong_trinh",
        recipients=(
            ("TT. Huyện ủy", "report"),
            ("UBND huyện", "report"),
            ("Các trường học trực thuộc", "execute", "group:Các trường trực thuộc"),
        ),
    ),
    DemoPlan(
        "pgddt-thu-thua",
        "Bồi dưỡng học sinh giỏi cấp huyện năm học 2026-2027",
        ACTION_BODY,
        "awaiting_signature",
        "thuthua.truongphong",
        recipients=(("Các trường THCS", "execute"),),
    ),
    DemoPlan(
        "thcs-nguyen-du",
        "Thực hiện công tác truyền thông về giáo dục và đào tạo năm học 2026 - 2027",
        COMMUNICATION_BODY,
        "registered",
        "nguyendu.hieutruong",
        legal_bases=(
            "Căn cứ Kế hoạch số 106/KH-SGDĐT của Sở Giáo dục và Đào tạo tỉnh Đồng Tháp về công tác "
            "truyền thông năm học 2026 - 2027;",
            "Căn cứ Kế hoạch số 1186/KH-PGDĐT của Phòng Giáo dục và Đào tạo huyện Tân Hồng về công "
            "tác truyền thông năm học 2026 - 2027;",
        ),
        recipients=(
            ("PGDĐT", "report", "org:pgddt-tan-hong"),
            ("Ban Giám hiệu", "", "group:Ban Giám hiệu"),
            ("Các tổ CM, các tổ chức đoàn thể", ""),
        ),
    ),
    DemoPlan(
        "sgddt-ben-tre",
        "Truyền thông Chương trình mục tiêu quốc gia xây dựng nông thôn mới năm 2026 của ngành giáo dục",
        RURAL_BODY,
        "signed",
        "bentre.giamdoc",
        legal_bases=("Căn cứ Quyết định số 2310/QĐ-UBND ngày 08 tháng 10 năm 2022 của Ủy ban nhân dân tỉnh Bến Tre;",),
        recipients=(
            ("VPĐP nông thôn mới tỉnh", "report"),
            ("Các PGD&ĐT huyện, thành phố", "execute"),
            ("Ban Giám đốc", "inform", "group:Ban Giám đốc"),
        ),
    ),
    DemoPlan(
        "pgddt-phong-tho",
        "Triển khai xây dựng xã hội học tập giai đoạn 2026-2030",
        LEARNING_SOCIETY_BODY,
        "awaiting_signature",
        "phongtho.pho",
        SignatureForm.KT,
        recipients=(("Các trường trực thuộc", "execute", "group:Các trường trực thuộc"), ("Các tổ CM", "")),
    ),
    DemoPlan(
        "pgddt-phong-tho",
        "Phương án bảo đảm an toàn đề thi tuyển sinh lớp 10",
        LEARNING_SOCIETY_BODY,
        "in_review",
        "phongtho.truongphong",
        doc_type="phuong_an",
        confidentiality="mat",
        urgency="thuong_khan",
        recipients=(("Hội đồng coi thi", "execute"),),
    ),
    DemoPlan(
        "ubnd-phuoc-lai",
        "Lịch tiếp công dân định kỳ tháng 12 năm 2026",
        RECEPTION_BODY,
        "issued",
        "phuoclai.pho",
        SignatureForm.TM_KT,
        doc_type="thong_bao",
        recipients=(
            ("UBND huyện Cần Giuộc", "report"),
            ("Các ấp trên địa bàn xã", "execute"),
            ("Niêm yết tại trụ sở UBND xã", ""),
        ),
    ),
)

Actions = Callable[..., Document]


def load_plans(
    organizations: dict[str, Organization],
    *,
    create: Callable[..., Document],
    act: Callable[..., Document],
    dossier_for: Callable[[Organization], Dossier],
) -> list[Document]:
    """Create each plan that is not there yet and move it to its stage with the right people.

    `create(actor=…, **fields)` and `act(document=…, actor=…, action=…, **params)` are the interface
    in use (the flow's, so demo plans have their tasks), injected to keep layers one way."""
    order = ["draft", "in_review", "awaiting_signature", "signed", "registered", "issued", "archived"]
    created = []
    for plan in PLANS:
        organization = organizations[plan.body]
        if Document.objects.filter(organization=organization, subject=plan.subject).exists():
            continue
        people = _people(organization)
        fields: dict[str, Any] = {
            "organization": organization,
            "doc_type": DocumentType.objects.get(code=plan.doc_type),
            "subject": plan.subject,
            "body": plan.text,
            "legal_bases": list(plan.legal_bases),
            "signer": User.objects.get(username=plan.signer),
            "signature_form": plan.signature_form,
            "recipients": [_line(organizations, organization, *line) for line in plan.recipients],
            "urgency": plan.urgency,
            "confidentiality": plan.confidentiality,
        }
        document = create(actor=people["staff"], **fields)
        if plan.returned_with:
            document = act(document=document, actor=people["staff"], action="submit", reviewer=people["deputy"])
            document = act(document=document, actor=people["deputy"], action="return", comment=plan.returned_with)
        steps = {
            "in_review": lambda d, p=people: act(document=d, actor=p["staff"], action="submit", reviewer=p["deputy"]),
            "awaiting_signature": lambda d, p=people: _approve(d, p, act),
            "signed": lambda d: act(document=d, actor=d.signer, action="sign"),
            "registered": lambda d, p=people: act(document=d, actor=p["clerk"], action="register"),
            "issued": lambda d, p=people: act(document=d, actor=p["clerk"], action="issue"),
            "archived": lambda d, p=people, o=organization: act(
                document=d, actor=p["clerk"], action="archive", dossier=dossier_for(o)
            ),
        }
        for state in order[1 : order.index(plan.stage) + 1]:
            document = steps[state](document)
        created.append(document)
    return created


def _line(
    organizations: dict[str, Organization], issuer: Organization, name: str, purpose: str, link: str = ""
) -> dict[str, Any]:
    """A demo "Nơi nhận" line, linked to the demo directory where the plan's line names one of its entries."""
    line: dict[str, Any] = {"display_name": name, "purpose": purpose}
    kind, _, value = link.partition(":")
    if kind == "org":
        line["organization"] = organizations[value]
    elif kind == "group":
        line["group"] = RecipientGroup.objects.get(organization=issuer, name=value)
    return line


def _approve(document: Document, people: dict[str, User], act: Callable[..., Document]) -> Document:
    """Both review levels where the organization has two (the unit lead first), then the deputy."""
    if document.unit_reviewer_id and document.unit_approved_at is None:
        document = act(document=document, actor=document.unit_reviewer, action="approve", comment="Nội dung ổn.")
    return act(document=document, actor=people["deputy"], action="approve", comment="Đồng ý, trình ký.")


def _people(organization: Organization) -> dict[str, User]:
    found: dict[str, User] = {}
    for membership in organization.memberships.filter(is_active=True).select_related("user"):
        found.setdefault(membership.role, membership.user)
    return found
