"""Data: the catalogue of measure types and the result category each one counts under."""

from django.db import migrations

CATALOGUE = [
    ("job_placement", "Job placement", "direct_employment"),
    ("internship", "Internship", "direct_employment"),
    ("startup_support", "Start-up support (grant or credit)", "direct_employment"),
    ("application_training", "Application training", "employment_promoting"),
    ("startup_training", "Start-up training", "employment_promoting"),
    ("job_fair", "Job fair", "employment_promoting"),
    ("vocational_course", "Vocational course", "employment_promoting"),
    ("career_counselling", "Career counselling", "employment_promoting"),
    ("literacy_course", "Literacy course", "employability"),
    ("language_course", "Language course", "employability"),
    ("family_support", "Family support", "employability"),
    ("psychosocial_stabilisation", "Psychosocial stabilisation", "employability"),
    ("housing_referral", "Housing referral", "social"),
    ("health_referral", "Health referral", "social"),
    ("schooling_referral", "Schooling referral for children", "social"),
    ("irregular_migration_info", "Information on the risks of irregular migration", "information"),
    ("regular_migration_info", "Information on regular migration routes", "information"),
    ("counselling_session", "Counselling session", "information"),
]


def load(apps, schema_editor):
    MeasureType = apps.get_model("cases", "MeasureType")
    for code, name, category in CATALOGUE:
        MeasureType.objects.update_or_create(code=code, defaults={"name": name, "category": category})


def unload(apps, schema_editor):
    apps.get_model("cases", "MeasureType").objects.filter(code__in=[c[0] for c in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_initial")]
    operations = [migrations.RunPython(load, unload)]
