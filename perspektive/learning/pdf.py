"""The certificate as a one-page PDF: the client's language and English side by side, the
verification code and a QR code pointing at the public verification page."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from perspektive.core.errors import DomainError
from perspektive.learning.models import Certificate


def certificate_language(client: Any) -> str:
    """The first of the client's languages the UI has, else English."""
    ui = {code for code, _name in settings.LANGUAGES}
    for code in client.languages or []:
        if code in ui:
            return str(code)
    return "en"


def verification_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("learning:verify", kwargs={"code": code})


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    svg = qr.svg_inline(scale=3, border=2)
    return str(svg)


def certificate_html(certificate: Certificate) -> str:
    enrolment = certificate.enrolment
    language = certificate_language(enrolment.client)
    url = verification_url(certificate.code)
    context = {
        "certificate": certificate,
        "enrolment": enrolment,
        "course": enrolment.course,
        "client": enrolment.client,
        "url": url,
        "qr": mark_safe(_qr_svg(url)),  # noqa: S308 - segno's own SVG, no user input
        "languages": [language, "en"] if language != "en" else ["en"],
        "rtl": set(settings.LANGUAGES_BIDI),
    }
    with translation.override("en"):
        return render_to_string("learning/certificate_pdf.html", context)


class PdfUnavailable(DomainError):
    """WeasyPrint cannot load the system's Pango (a machine set up without it)."""

    status_code = 503


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


def certificate_pdf(certificate: Certificate) -> bytes:
    try:
        from weasyprint import HTML
    except OSError as exc:  # the Python package is there, the Pango library is not
        raise PdfUnavailable(
            _("Certificates cannot be printed on this server at the moment. Please try later.")
        ) from exc

    html = certificate_html(certificate)
    return bytes(HTML(string=html, base_url=settings.SITE_URL).write_pdf())
