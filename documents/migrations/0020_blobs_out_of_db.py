"""Files out of the database: every artifact's, attachment's and signed copy's bytes go to the "documents" storage
under their SHA-256 (documents.blobs), then the BinaryFields are dropped.

The key layout and the write are copied here on purpose (a migration must not follow app code that may change):
keep them equal to documents.blobs.key/put. Rows whose bytes do not match their recorded hash are stored under the
hash of their bytes and reported; the row keeps its recorded hash, so reading it says the file is not intact.
Backwards, the bytes are read back into the columns (checked against the hash).
"""

import hashlib
import sys

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import migrations, models

TABLES = (("DocumentArtifact", "pdf"), ("Attachment", "data"), ("AttachmentCopy", "pdf"))


def _key(sha256):
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _put(storage, data):
    sha256 = hashlib.sha256(data).hexdigest()
    name = _key(sha256)
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(data))
        if saved != name:
            raise RuntimeError(f"the documents storage saved {name} as {saved}; it must overwrite")
    return sha256


def forwards(apps, schema_editor):
    storage = storages["documents"]
    for model_name, field in TABLES:
        model = apps.get_model("documents", model_name)
        rows = model.objects.using(schema_editor.connection.alias).only("pk", "sha256", field).order_by("pk")
        for row in rows.iterator(chunk_size=50):
            data = bytes(getattr(row, field) or b"")
            stored = _put(storage, data)
            if stored != row.sha256:
                sys.stderr.write(f"\n  {model_name} {row.pk}: bytes hash {stored}, recorded {row.sha256}; kept both\n")


def backwards(apps, schema_editor):
    storage = storages["documents"]
    for model_name, field in TABLES:
        model = apps.get_model("documents", model_name)
        rows = model.objects.using(schema_editor.connection.alias).only("pk", "sha256").order_by("pk")
        for row in rows.iterator(chunk_size=50):
            with storage.open(_key(row.sha256), "rb") as file:
                data = file.read()
            if hashlib.sha256(data).hexdigest() != row.sha256:
                raise RuntimeError(f"{model_name} {row.pk}: the stored file does not match its hash")
            model.objects.using(schema_editor.connection.alias).filter(pk=row.pk).update(**{field: data})


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0019_signed_attachments"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
        # State only: on the way back the columns are added again with b"" in every row, then `backwards` fills them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name="documentartifact", name="pdf", field=models.BinaryField(default=b"")),
                migrations.AlterField(model_name="attachment", name="data", field=models.BinaryField(default=b"")),
                migrations.AlterField(model_name="attachmentcopy", name="pdf", field=models.BinaryField(default=b"")),
            ]
        ),
        migrations.RemoveField(model_name="documentartifact", name="pdf"),
        migrations.RemoveField(model_name="attachment", name="data"),
        migrations.RemoveField(model_name="attachmentcopy", name="pdf"),
    ]
