"""Translated names of the measure types seeded by migration 0004 (database rows keep the
English name; the interface shows these, in the user's language)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MEASURE_TYPE_LABELS: dict[str, Promise] = {
    "job_placement": _("Job placement"),
    "internship": _("Internship"),
    "startup_support": _("Start-up support (grant or credit)"),
    "application_training": _("Application training"),
    "startup_training": _("Start-up training"),
    "job_fair": _("Job fair"),
    "vocational_course": _("Vocational course"),
    "career_counselling": _("Career counselling"),
    "literacy_course": _("Literacy course"),
    "language_course": _("Language course"),
    "family_support": _("Family support"),
    "psychosocial_stabilisation": _("Psychosocial stabilisation"),
    "housing_referral": _("Housing referral"),
    "health_referral": _("Health referral"),
    "schooling_referral": _("Schooling referral for children"),
    "irregular_migration_info": _("Information on the risks of irregular migration"),
    "regular_migration_info": _("Information on regular migration routes"),
    "counselling_session": _("Counselling session"),
}
