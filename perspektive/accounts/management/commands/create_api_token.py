"""Create an API token for a staff user from the command line (printed once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from perspektive.accounts import services
from perspektive.accounts.models import User
from perspektive.core.errors import Forbidden


class Command(BaseCommand):
    help = "Create an API token for a user who works on cases; prints the token once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--label", default="command line")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].lower(), is_active=True).first()
        if user is None:
            raise CommandError("No active user with that e-mail address.")
        try:
            _token, raw = services.api_token_create(actor=user, label=options["label"])
        except Forbidden as exc:
            raise CommandError(
                "This user has no case-work role; API tokens are for staff."
            ) from exc
        self.stdout.write(raw)
