"""Every stored column is hashed from v2 on; rows written before keep v1 and still verify (docs/audit.md)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_on_postgresql")]

    operations = [
        # Existing rows were hashed with the v1 payload: they are labelled so, not re-hashed.
        # On PostgreSQL ADD COLUMN ... DEFAULT fills them without an UPDATE, so the trigger stays on.
        migrations.AddField(
            model_name="auditevent",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
    ]
