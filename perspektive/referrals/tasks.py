"""Background work for handovers: escalation when a centre has not answered in 7 days.

``handover_change_status`` enqueues ``escalate_handover`` with ``run_after`` = sent + 7 days
when a handover is sent. If it is still waiting then, the handover is marked escalated (an
event in its history, "overdue" in the lists) and the centre's leads and the sender get an
e-mail with the reference and a link, never the client's name. Sending is idempotent per
handover and recipient (``notify(topic=...)``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from perspektive.notifications.models import Channel
from perspektive.notifications.services import notify
from perspektive.referrals.policy import centre_leads
from perspektive.referrals.services import handover_escalate


@task()
def escalate_handover(handover_id: int, sent_at: str) -> str:
    with transaction.atomic():
        handover = handover_escalate(handover_id=handover_id, sent_at=sent_at)
        if handover is None:
            return "nothing to do"
        url = settings.SITE_URL.rstrip("/") + reverse(
            "referrals:detail", kwargs={"handover_id": handover.pk}
        )
        recipients = list(centre_leads(handover.to_centre))
        if handover.sent_by is not None and handover.sent_by.is_active:
            recipients.append(handover.sent_by)
        seen: set[int] = set()
        for user in recipients:
            if user.pk in seen or not user.email:
                continue
            seen.add(user.pk)
            language = user.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                values = {
                    "ref": handover.reference,
                    "centre": handover.to_centre.name,
                    "office": handover.from_organisation.name,
                    "url": url,
                }
                subject = _("Handover %(ref)s has not been answered for 7 days") % values
                body = (
                    _(
                        "Handover %(ref)s from %(office)s to %(centre)s was sent 7 days ago "
                        "and is still waiting for the centre's answer. Please accept or "
                        "decline it: %(url)s"
                    )
                    % values
                )
            notify(
                channel=Channel.EMAIL,
                recipient=user.email,
                subject=subject,
                text=body,
                language=language,
                topic=f"handover:{handover.pk}:escalated:{user.pk}",
            )
    return "escalated"


@task()
def remind_referral(referral_id: int, deadline: str) -> str:
    """A partner referral still open after its deadline: marked overdue, and the partner's
    staff and the referring counsellor get an e-mail (reference and link, no name)."""
    from perspektive.referrals.partners import partner_staff_of, referral_mark_overdue

    with transaction.atomic():
        referral = referral_mark_overdue(referral_id=referral_id, deadline=deadline)
        if referral is None:
            return "nothing to do"
        url = settings.SITE_URL.rstrip("/") + reverse(
            "referrals:referral_detail", kwargs={"referral_id": referral.pk}
        )
        recipients = list(partner_staff_of(referral.partner))
        if referral.created_by is not None and referral.created_by.is_active:
            recipients.append(referral.created_by)
        seen: set[int] = set()
        for user in recipients:
            if user.pk in seen or not user.email:
                continue
            seen.add(user.pk)
            language = user.preferred_language or settings.LANGUAGE_CODE
            with translation.override(language):
                values = {
                    "ref": referral.reference,
                    "partner": referral.partner.name,
                    "office": referral.from_organisation.name,
                    "deadline": referral.deadline.isoformat(),
                    "url": url,
                }
                subject = _("Referral %(ref)s is past its deadline") % values
                body = (
                    _(
                        "Referral %(ref)s from %(office)s to %(partner)s was due on "
                        "%(deadline)s and has no outcome yet. Please answer it or record "
                        "the outcome: %(url)s"
                    )
                    % values
                )
            notify(
                channel=Channel.EMAIL,
                recipient=user.email,
                subject=subject,
                text=body,
                language=language,
                topic=f"referral:{referral.pk}:overdue:{user.pk}",
            )
    return "reminded"
