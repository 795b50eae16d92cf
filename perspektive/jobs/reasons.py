"""Matching reasons in words, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from perspektive.core.templatetags.perspektive import language_name
from perspektive.jobs.matching import Reason


def _language_name(code: object) -> str:
    return language_name(str(code))


def reason_text(reason: Reason) -> str:
    p = reason.params
    code = reason.code
    if code == "same_occupation":
        return (
            _("wants exactly this occupation")
            if p.get("source") == "wanted"
            else _("has worked in exactly this occupation")
        )
    if code in {"same_unit_group", "same_minor_group", "same_sub_major_group", "same_major_group"}:
        group = {
            "same_unit_group": _("same occupation group"),
            "same_minor_group": _("related occupation"),
            "same_sub_major_group": _("same field of work"),
            "same_major_group": _("same broad field"),
        }[code]
        return _("%(group)s (ISCO %(code)s)") % {"group": group, "code": p.get("isco")}
    if code == "other_occupation":
        return _("different occupation")
    if code == "has_required_skills":
        return _("has %(n)s of %(of)s required skills") % {"n": p["n"], "of": p["of"]}
    if code == "missing_skills":
        n = int(str(p["n"]))
        return ngettext("lacks %(n)s required skill", "lacks %(n)s required skills", n) % {"n": n}
    if code == "speaks":
        return _("speaks %(language)s") % {"language": _language_name(p["language"])}
    if code == "speaks_some":
        return _("speaks some %(language)s") % {"language": _language_name(p["language"])}
    if code == "lacks_language":
        return _("does not speak %(language)s") % {"language": _language_name(p["language"])}
    if code == "same_city":
        return _("in the same city")
    if code in {"distance", "distance_willing", "too_far"}:
        return _("%(km)s km away") % {"km": p["km"]}
    if code == "same_country":
        return _("in the same country")
    if code == "other_country":
        return _("in another country")
    if code == "other_country_willing":
        return _("in another country; willing to move")
    if code == "available":
        return _("available at the start")
    if code == "available_later":
        n = int(str(p["days"]))
        return ngettext(
            "available %(n)s day after the start", "available %(n)s days after the start", n
        ) % {"n": n}
    return code
