"""The rows the data migrations load (countries, measure types, ESCO...), for tests on a
transactional database, which Django empties after each test."""

from __future__ import annotations

from django.apps import apps
from django.core import serializers

# post_migrate recreates these itself
SKIP = {"contenttypes.ContentType", "auth.Permission"}


def dump_migrated_rows() -> str:
    objects = [
        obj
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.label not in SKIP
        for obj in model._default_manager.all()
    ]
    return serializers.serialize("json", objects)


def put_back_migrated_rows(rows: str) -> None:
    for row in serializers.deserialize("json", rows):
        row.save()
