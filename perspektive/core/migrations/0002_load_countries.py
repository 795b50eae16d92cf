"""Data: the 13 partner countries of the programme and Germany (DESIGN section 1)."""

from django.db import migrations

COUNTRIES = [
    ("AF", "Afghanistan", "Asia/Kabul", ["fa", "ps"], True),
    ("EG", "Egypt", "Africa/Cairo", ["ar"], True),
    ("AL", "Albania", "Europe/Tirane", ["sq"], True),
    ("GM", "Gambia", "Africa/Banjul", ["en"], True),
    ("GH", "Ghana", "Africa/Accra", ["en"], True),
    ("IQ", "Iraq", "Asia/Baghdad", ["ar", "ckb"], True),
    ("XK", "Kosovo", "Europe/Belgrade", ["sq", "sr"], True),
    ("MA", "Morocco", "Africa/Casablanca", ["ar", "fr"], True),
    ("NG", "Nigeria", "Africa/Lagos", ["en"], True),
    ("PK", "Pakistan", "Asia/Karachi", ["ur", "en"], True),
    ("SN", "Senegal", "Africa/Dakar", ["fr"], True),
    ("RS", "Serbia", "Europe/Belgrade", ["sr"], True),
    ("TN", "Tunisia", "Africa/Tunis", ["ar", "fr"], True),
    ("DE", "Germany", "Europe/Berlin", ["de", "en"], False),
]


def load(apps, schema_editor):
    Country = apps.get_model("core", "Country")
    for code, name, tz, languages, partner in COUNTRIES:
        Country.objects.update_or_create(
            code=code,
            defaults={"name": name, "time_zone": tz, "languages": languages, "is_partner": partner},
        )


def unload(apps, schema_editor):
    apps.get_model("core", "Country").objects.filter(code__in=[c[0] for c in COUNTRIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
