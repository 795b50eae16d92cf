from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from perspektive.core.errors import DomainError


def apply_error(form: forms.BaseForm, exc: Exception) -> None:
    """Put a service's refusal onto the form, field by field where it names fields."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    elif isinstance(exc, ValidationError):
        for message in exc.messages:
            form.add_error(None, message)
    elif isinstance(exc, DomainError):
        form.add_error(None, exc.message)
    else:
        raise exc


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)
