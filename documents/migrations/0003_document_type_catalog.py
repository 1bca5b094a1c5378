from django.db import migrations


def load(apps, schema_editor):
    from documents.catalog import DOCUMENT_TYPES

    DocumentType = apps.get_model("documents", "DocumentType")
    for code, name, abbreviation in DOCUMENT_TYPES:
        DocumentType.objects.update_or_create(code=code, defaults={"name": name, "abbreviation": abbreviation})


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
