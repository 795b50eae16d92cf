from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Country",
            fields=[
                ("code", models.CharField(max_length=2, primary_key=True, serialize=False, verbose_name="ISO code")),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("time_zone", models.CharField(max_length=64, verbose_name="time zone")),
                ("languages", models.JSONField(default=list, help_text="UI language codes spoken at the centre", verbose_name="languages")),
                ("is_partner", models.BooleanField(default=True, verbose_name="partner country")),
            ],
            options={"ordering": ["name"], "verbose_name": "country", "verbose_name_plural": "countries"},
        ),
    ]
