from __future__ import annotations

import pytest
from django.utils import translation

from perspektive.cases.catalogue import MEASURE_TYPE_LABELS
from perspektive.cases.models import MeasureType
from perspektive.clients.tests.factories import ClientFactory


@pytest.mark.django_db
def test_every_seeded_measure_type_has_a_translated_label() -> None:
    codes = set(MeasureType.objects.values_list("code", flat=True))
    assert codes == set(MEASURE_TYPE_LABELS)
    placement = MeasureType.objects.get(code="job_placement")
    with translation.override("de"):
        assert placement.label != "Job placement"
    with translation.override("ar"):
        assert placement.label != "Job placement"


@pytest.mark.django_db
def test_automatic_latin_form_of_an_arabic_name_is_not_shown_as_a_name() -> None:
    assert not ClientFactory(name="محمد الجبوري").name_latin_given
    assert ClientFactory(name="محمد الجبوري", name_latin="Mohammed Al-Jubouri").name_latin_given
    assert not ClientFactory(name="Arben Hoxha").name_latin_given
