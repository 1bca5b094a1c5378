# The registers and the dossiers (issue 11): the retention table, a document in several dossiers.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# A subset of the table of Thông tư 10/2022/TT-BNV (hồ sơ, tài liệu chung) that an education office files
# most; None is "Vĩnh viễn". The table is data: edit it in the admin (Bảng thời hạn bảo quản).
RETENTION = [
    ("1.1", "Tài liệu tổng hợp", "Hồ sơ xây dựng, ban hành chế độ, quy định, hướng dẫn của cơ quan", None),
    ("1.2", "Tài liệu tổng hợp", "Kế hoạch, báo cáo công tác năm, nhiều năm", None),
    ("1.3", "Tài liệu tổng hợp", "Kế hoạch, báo cáo công tác 6 tháng, 9 tháng", 20),
    ("1.4", "Tài liệu tổng hợp", "Kế hoạch, báo cáo công tác tháng, quý", 5),
    ("1.5", "Tài liệu tổng hợp", "Hồ sơ hội nghị tổng kết năm, hội nghị chuyên đề do cơ quan tổ chức", None),
    ("1.6", "Tài liệu tổng hợp", "Văn bản trao đổi về công tác chung", 10),
    ("1.7", "Tài liệu tổng hợp", "Sổ đăng ký văn bản đi, văn bản đến", 20),
    ("2.1", "Tài liệu chuyên môn giáo dục", "Kế hoạch, báo cáo năm học của ngành, cấp học", None),
    ("2.2", "Tài liệu chuyên môn giáo dục", "Hồ sơ tổ chức kỳ thi, xét tốt nghiệp, tuyển sinh", 20),
    ("2.3", "Tài liệu chuyên môn giáo dục", "Kế hoạch, báo cáo chuyên đề, hoạt động ngoại khóa, truyền thông", 10),
    ("3.1", "Tài liệu thi đua, khen thưởng", "Hồ sơ tổ chức thi đua, khen thưởng cấp cao, hình thức cao", None),
    ("3.2", "Tài liệu thi đua, khen thưởng", "Hồ sơ khen thưởng các hình thức khác", 20),
    ("4.1", "Tài liệu thanh tra, kiểm tra", "Hồ sơ thanh tra, giải quyết khiếu nại, tố cáo vụ việc nghiêm trọng", None),
    ("4.2", "Tài liệu thanh tra, kiểm tra", "Hồ sơ thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo khác", 15),
    ("5.1", "Tài liệu tổ chức, cán bộ", "Hồ sơ gốc cán bộ, công chức, viên chức", 70),
    ("5.2", "Tài liệu tổ chức, cán bộ", "Hồ sơ tuyển dụng, bổ nhiệm, nâng lương", 20),
    ("6.1", "Tài liệu tài chính, kế toán", "Báo cáo tài chính, quyết toán năm", None),
    ("6.2", "Tài liệu tài chính, kế toán", "Chứng từ kế toán, sổ kế toán chi tiết", 10),
]


def seed_and_copy(apps, schema_editor):
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    for position, (code, group, title, years) in enumerate(RETENTION, start=1):
        RetentionPeriod.objects.get_or_create(
            code=code, defaults={"group": group, "title": title, "years": years, "position": position}
        )
    # Every document archived before: its single dossier becomes its first entry there, in archiving order.
    Document = apps.get_model("documents", "Document")
    DossierEntry = apps.get_model("documents", "DossierEntry")
    positions: dict[int, int] = {}
    for pk, dossier_id, at in (
        Document.objects.filter(dossier__isnull=False)
        .order_by("updated_at", "pk")
        .values_list("pk", "dossier_id", "updated_at")
    ):
        positions[dossier_id] = positions.get(dossier_id, 0) + 1
        DossierEntry.objects.create(dossier_id=dossier_id, document_id=pk, position=positions[dossier_id], added_at=at)


def drop_seed(apps, schema_editor):
    apps.get_model("documents", "DossierEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0013_arrival_checks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RetentionPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=20, unique=True, verbose_name="mã")),
                ("group", models.CharField(max_length=255, verbose_name="nhóm tài liệu")),
                ("title", models.CharField(max_length=500, verbose_name="tên nhóm hồ sơ, tài liệu")),
                (
                    "years",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="thời hạn bảo quản (năm)"),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
            ],
            options={
                "verbose_name": "thời hạn bảo quản",
                "verbose_name_plural": "bảng thời hạn bảo quản",
                "ordering": ["position", "code"],
            },
        ),
        migrations.AddField(
            model_name="dossier",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ngày kết thúc"),
        ),
        migrations.AddField(
            model_name="dossier",
            name="note",
            field=models.CharField(blank=True, max_length=255, verbose_name="ghi chú"),
        ),
        migrations.CreateModel(
            name="DossierEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(verbose_name="số thứ tự")),
                ("added_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="ngày đưa vào")),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dossier_entries",
                        to="documents.document",
                    ),
                ),
                (
                    "dossier",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="entries", to="documents.dossier"
                    ),
                ),
            ],
            options={
                "verbose_name": "văn bản trong hồ sơ",
                "verbose_name_plural": "văn bản trong hồ sơ",
                "ordering": ["dossier", "position"],
            },
        ),
        migrations.AddField(
            model_name="document",
            name="dossiers",
            field=models.ManyToManyField(
                blank=True, related_name="filed_documents", through="documents.DossierEntry", to="documents.dossier"
            ),
        ),
        migrations.AddField(
            model_name="dossier",
            name="retention_period",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dossiers",
                to="documents.retentionperiod",
            ),
        ),
        migrations.AddConstraint(
            model_name="dossierentry",
            constraint=models.UniqueConstraint(fields=("dossier", "document"), name="dossier_entry_unique"),
        ),
        migrations.AddConstraint(
            model_name="dossierentry",
            constraint=models.UniqueConstraint(fields=("dossier", "position"), name="dossier_entry_position_unique"),
        ),
        migrations.RunPython(seed_and_copy, drop_seed),
    ]
