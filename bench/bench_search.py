"""Search latency at 1k and at 100k documents (PostgreSQL): a code, an accentless phrase, a filtered search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench_search .venv/bin/python bench/bench_search.py \
        [--docs 100000 --small 1000 --repeat 30]

Drops and creates the database named in DATABASE_URL, migrates it, writes documents with bulk_create (not the
services: only the columns the search reads matter), ANALYZEs, and times the first page of results (count +
rows, as the page and the API do) as an organization's head, through search.selectors.search_documents and so
through the one visibility rule. Prints p50/p95 in ms at both sizes and the ratio large/small.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.own_database import recreate_database

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Words of administrative writing (Nghị định 30/2020 documents of an education office), most common first: sampled
# with Zipf frequencies (weight 1/rank^1.05), so "kế hoạch" is in most documents and "truyền thông" in few, as in a
# real register. The old corpus (66 words drawn uniformly: every document matched every query) was degenerate.
_VOCABULARY = """
    kế hoạch|thực hiện|công tác|theo|các|năm học|giáo dục|đơn vị|trường|báo cáo|triển khai|tổ chức|quy định|
    được|đảm bảo|nhiệm vụ|học sinh|giáo viên|cán bộ|phòng|sở|ủy ban nhân dân|căn cứ|nghị định|thông tư|hướng dẫn|
    quyết định|chỉ đạo|kết quả|tiếp tục|nâng cao|chất lượng|đề nghị|thời gian|kinh phí|trên địa bàn|huyện|tỉnh|
    xã|thị trấn|đào tạo|bồi dưỡng|kiểm tra|giám sát|đánh giá|phối hợp|tăng cường|hiệu quả|nội dung|yêu cầu|
    trách nhiệm|thủ trưởng|hiệu trưởng|mầm non|tiểu học|trung học cơ sở|trung học phổ thông|phổ cập|xóa mù chữ|
    tuyển sinh|thi đua|khen thưởng|chuyển đổi số|an toàn|trường học|phòng chống|dịch bệnh|thư viện|thiết bị|
    cơ sở vật chất|tài chính|ngân sách|văn nghệ|thể dục|thể thao|hội khỏe phù đổng|sáng kiến|kinh nghiệm|
    truyền thông|tuyên truyền|pháp luật|cải cách hành chính|dịch vụ công|trực tuyến|hồ sơ|văn bản|lưu trữ|
    số liệu|thống kê|định kỳ|hằng năm|quý|tháng|tuần|trước ngày|chậm nhất|gửi về|tổng hợp|trình|phê duyệt|
    dự toán|quyết toán|mua sắm|sửa chữa|xây dựng|phòng học|nhà vệ sinh|nước sạch|bếp ăn|bán trú|y tế|
    bảo hiểm|học đường|tư vấn|tâm lý|bạo lực|phòng cháy|chữa cháy|bão lũ|thiên tai|ứng phó|cứu hộ|tình nguyện|
    đoàn thanh niên|đội thiếu niên|công đoàn|đảng bộ|chi bộ|nghị quyết|chuyên đề|hội nghị|hội thảo|tập huấn|
    chương trình|sách giáo khoa|đổi mới|phương pháp|dạy học|kiểm định|chất lượng giáo dục|chuẩn quốc gia|
    công nhận|sáp nhập|điểm trường|biên chế|hợp đồng|tuyển dụng|thuyên chuyển|bổ nhiệm|nghỉ hưu|chế độ|
    chính sách|phụ cấp|trợ cấp|miễn giảm|học phí|học bổng|khuyết tật|dân tộc thiểu số|vùng khó khăn|
    ngoại ngữ|tin học|kỹ năng sống|giáo dục hướng nghiệp|stem|đọc sách|ngày hội|lễ khai giảng|tổng kết|
    sơ kết|học kỳ|thi tốt nghiệp|coi thi|chấm thi|phúc khảo|đề thi|ngân hàng câu hỏi|học sinh giỏi|olympic|
    an ninh trật tự|ma túy|giao thông|đuối nước|an toàn thực phẩm|vệ sinh môi trường|rác thải nhựa|cây xanh|
    ký kết|quy chế|phân cấp|ủy quyền|thanh tra|khiếu nại|tố cáo|tiếp công dân|phòng chống tham nhũng|
    tiết kiệm|lãng phí|công khai|minh bạch|dân chủ|cơ sở|ý kiến|góp ý|dự thảo|ban hành|sửa đổi|bổ sung|
    bãi bỏ|hiệu lực|thay thế|đính chính|thu hồi|điều chỉnh|gia hạn|tạm dừng|hoãn|khẩn|hỏa tốc|mật
    """
PHRASES = tuple(phrase.strip() for phrase in _VOCABULARY.split("|") if phrase.strip())
WEIGHTS = tuple(1 / (rank**1.05) for rank in range(1, len(PHRASES) + 1))


# The search entries' trigram indexes (search migration 0002): a bulk load drops them and builds them once after the
# rows rather than growing them row by row (bench_search, bench_district).
TRIGRAM_INDEXES = {
    "search_entry_text_trgm": "text_folded",
    "search_entry_subject_trgm": "subject_folded",
}


def drop_trigram_indexes(cursor) -> None:
    for name in TRIGRAM_INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def create_trigram_indexes(cursor) -> None:
    cursor.execute("SET maintenance_work_mem = '256MB'")
    for name, column in TRIGRAM_INDEXES.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON search_searchentry USING gin ({column} gin_trgm_ops)")
    cursor.execute("ANALYZE search_searchentry")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    return parser.parse_args()


def main() -> None:
    args = parse()
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from documents.models import Document, DocumentType, Status
    from search.indexing import write_entries
    from search.selectors import SearchQuery, search_documents
    from tests.factories import make_office
    from workflow.paging import CappedPaginator

    rng = random.Random(11)
    offices = [make_office() for _ in range(args.orgs)]
    types = list(DocumentType.objects.all())
    ke_hoach = DocumentType.objects.get(code="ke_hoach")
    statuses = [Status.ISSUED] * 6 + [Status.ARCHIVED] * 3 + [Status.IN_REVIEW]
    made = 0

    def write(upto: int) -> None:
        nonlocal made
        batch = []
        while made < upto:
            made += 1
            office = offices[made % len(offices)]
            doc_type = rng.choice(types)
            lead = rng.choice(("kế hoạch", "báo cáo", "công văn về việc", "quyết định về việc", "thông báo"))
            subject = " ".join((lead, *rng.choices(PHRASES, WEIGHTS, k=rng.randint(3, 9)))).capitalize()
            # A few hundred words, varied (log-normal, median ~300 syllables, 60 to ~1,500), ~1.8 per phrase.
            length = max(60, min(1500, int(rng.lognormvariate(5.7, 0.55))))
            body = " ".join(rng.choices(PHRASES, WEIGHTS, k=int(length / 1.8)))
            status = rng.choice(statuses)
            issued = status != Status.IN_REVIEW
            abbreviation = doc_type.abbreviation or "CV"
            batch.append(
                Document(
                    organization=office.organization,
                    drafter=office.drafter,
                    reviewer=office.deputy,
                    signer=office.head,
                    doc_type=doc_type,
                    subject=subject,
                    body=body,
                    status=status,
                    number=made if issued else None,
                    number_year=2026 if issued else None,
                    code=f"{made}/{abbreviation}-{office.organization.abbreviation}" if issued else "",
                    issue_date=dt.date(2026, 1, 1) + dt.timedelta(days=made % 300) if issued else None,
                )
            )
            if len(batch) == 5000:
                write_entries(Document.objects.bulk_create(batch))
                batch = []
        if batch:
            write_entries(Document.objects.bulk_create(batch))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE documents_document")
            cursor.execute("ANALYZE search_searchentry")

    head = offices[0].head
    target = Document.objects.none()

    def measure(label: str) -> dict[str, tuple[float, float]]:
        nonlocal target
        target = (
            Document.objects.filter(organization=offices[0].organization, status=Status.ISSUED)
            .exclude(code="")
            .order_by("pk")
            .last()
        )
        cases = {
            "code": SearchQuery(q=target.code.lower().replace("/", " / ")),
            "phrase": SearchQuery(q="ke hoach truyen thong"),
            "common": SearchQuery(q="ke hoach thuc hien cong tac"),  # the top words: nearly every document
            "filtered": SearchQuery(
                q="tuyen sinh", doc_type=ke_hoach.code, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 6, 30)
            ),
        }
        figures = {}
        for name, query in cases.items():
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                paginator = CappedPaginator(search_documents(user=head, query=query), 20)
                count = f"{paginator.count}{'+' if paginator.capped else ''}"
                page = list(paginator.page(1).object_list)
                times.append((time.perf_counter() - start) * 1000)
            if name == "code":
                assert page[0].pk == target.pk, "the exact code must come first"
                assert page[0].exact_code
            times.sort()
            figures[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
            p50, p95 = figures[name]
            print(f"{label:>8} {name:>9}: p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({count} found)")
        if os.environ.get("BENCH_EXPLAIN"):
            print(search_documents(user=head, query=cases["phrase"])[:20].explain(analyze=True))
        return figures

    t0 = time.perf_counter()
    write(args.small)
    small = measure(f"{args.small}")
    # Bulk load: the trigram indexes are built once after the rows rather than grown row by row (bench only).
    with connection.cursor() as cursor:
        drop_trigram_indexes(cursor)
    write(args.docs)
    with connection.cursor() as cursor:
        create_trigram_indexes(cursor)
    print(f"wrote {args.docs} documents in {time.perf_counter() - t0:.0f} s")
    large = measure(f"{args.docs}")
    for name in small:
        (big50, big95), (small50, small95) = large[name], small[name]
        print(f"ratio {name:>9}: p50 x{big50 / small50:.1f}  p95 x{big95 / small95:.1f}")


if __name__ == "__main__":
    main()
