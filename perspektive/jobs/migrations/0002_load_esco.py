"""Data: ESCO occupations, ISCO-08 groups, language and transversal skills (ESCO, European
Commission; see jobs/data/esco/README.md). Re-running updates labels in place."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "esco"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def _labels(*values):
    out = []
    for value in values:
        for line in (value or "").replace(" | ", "\n").splitlines():
            line = line.strip()
            if line and line.lower() not in out:
                out.append(line.lower())
    return out


def load(apps, schema_editor):
    IscoGroup = apps.get_model("jobs", "IscoGroup")
    Occupation = apps.get_model("jobs", "Occupation")
    Skill = apps.get_model("jobs", "Skill")

    groups = {r["code"]: r["preferredLabel"].strip() for r in _rows("ISCOGroups_en.csv")}
    existing = set(IscoGroup.objects.values_list("code", flat=True))
    for code in existing & set(groups):
        IscoGroup.objects.filter(code=code).update(label=groups[code][:255])
    # Parents come first (by code length); foreign keys are checked at commit.
    IscoGroup.objects.bulk_create(
        [IscoGroup(code=code, label=groups[code][:255],
                   parent_id=code[:-1] if len(code) > 1 else None)
         for code in sorted(set(groups) - existing, key=lambda c: (len(c), c))],
        batch_size=500)

    known = set(Occupation.objects.values_list("uri", flat=True))
    new = []
    for r in _rows("occupations_en.csv"):
        labels = _labels(r["preferredLabel"], r["altLabels"], r["hiddenLabels"])
        fields = dict(label=r["preferredLabel"].strip()[:255],
                      alt_labels="\n".join(_labels(r["altLabels"])),
                      isco_id=r["iscoGroup"].strip(), search_text="\n".join(labels),
                      description=r["description"].strip())
        if r["conceptUri"] in known:
            Occupation.objects.filter(uri=r["conceptUri"]).update(**fields)
        else:
            new.append(Occupation(uri=r["conceptUri"], **fields))
    Occupation.objects.bulk_create(new, batch_size=500)

    known = set(Skill.objects.values_list("uri", flat=True))
    new = []
    for name, kind in (("languageSkillsCollection_en.csv", "language"),
                       ("transversalSkillsCollection_en.csv", "transversal")):
        for r in _rows(name):
            if r["conceptUri"] in known:
                continue
            known.add(r["conceptUri"])
            new.append(Skill(uri=r["conceptUri"], label=r["preferredLabel"].strip()[:255],
                             kind=kind,
                             search_text="\n".join(_labels(r["preferredLabel"], r["altLabels"]))))
    Skill.objects.bulk_create(new, batch_size=500)


def unload(apps, schema_editor):
    apps.get_model("jobs", "Skill").objects.all().delete()
    apps.get_model("jobs", "Occupation").objects.all().delete()
    apps.get_model("jobs", "IscoGroup").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
