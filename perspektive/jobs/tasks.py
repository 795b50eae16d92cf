"""Background work for jobs: the reminder that a hire's six-month retention check is due."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from perspektive.jobs.models import Application, ApplicationStatus
from perspektive.notifications.models import Channel
from perspektive.notifications.services import notify


def schedule_retention_reminder(application: Application) -> None:
    """After the hire commits: remind the counsellor who proposed the job when it is due."""
    if application.hired_at is None or application.retention_due is None:
        return
    from perspektive.jobs.services import RETENTION_AFTER

    pk, run_after = application.pk, application.hired_at + RETENTION_AFTER
    transaction.on_commit(lambda: retention_reminder.using(run_after=run_after).enqueue(pk))


@task()
def retention_reminder(application_id: int) -> str:
    """E-mail the proposing counsellor (no client name in the mail: a link and a reference)."""
    application = (
        Application.objects.select_related("proposed_by", "client")
        .filter(pk=application_id)
        .first()
    )
    if application is None or application.status != ApplicationStatus.HIRED:
        return "not hired"
    if application.retained is not None:
        return "already checked"
    counsellor = application.proposed_by
    if counsellor is None or not counsellor.is_active or not counsellor.email:
        return "nobody to remind"
    url = settings.SITE_URL.rstrip("/") + reverse(
        "jobs:application_detail", kwargs={"application_id": application.pk}
    )
    with translation.override(counsellor.preferred_language or settings.LANGUAGE_CODE):
        values = {"reference": application.client.reference, "url": url}
        notify(
            channel=Channel.EMAIL,
            recipient=counsellor.email,
            subject=_("Job retention check due (%(reference)s)") % values,
            text=_(
                "Six months ago %(reference)s was hired through a job offer you proposed. "
                "Please check whether they still have the job and record it: %(url)s"
            )
            % values,
            language=counsellor.preferred_language or settings.LANGUAGE_CODE,
            topic=f"application:{application.pk}:retention",
        )
    return "sent"
