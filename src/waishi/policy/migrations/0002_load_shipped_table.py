"""Load the per-diem table shipped with waishi as version 1, unless a table is already loaded."""

from django.db import migrations


def load_shipped_table(apps, schema_editor):
    from waishi.policy.perdiem import default_table
    from waishi.policy.rows import standard_fields

    Version = apps.get_model("policy", "PerDiemTableVersion")
    Standard = apps.get_model("policy", "PerDiemStandard")
    if Version.objects.exists():
        return
    table = default_table()
    version = Version.objects.create(
        label=table.label, source=table.source, is_active=True, row_count=len(table)
    )
    Standard.objects.bulk_create(Standard(version=version, **f) for f in standard_fields(table))


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(load_shipped_table, migrations.RunPython.noop)]
