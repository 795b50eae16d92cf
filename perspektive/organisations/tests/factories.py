from __future__ import annotations

from typing import Any

import factory

from perspektive.accounts.models import User
from perspektive.core.authz import Role
from perspektive.organisations.models import Membership, Organisation, OrganisationKind


class ValidatedFactory(factory.django.DjangoModelFactory):
    """Saves through ``full_clean()``: test data obeys the same rules as real data."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        obj = model_class(*args, **kwargs)
        obj.full_clean()
        obj.save()
        return obj


class OrganisationFactory(ValidatedFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Centre {n}")
    slug = factory.Sequence(lambda n: f"centre-{n}")
    kind = OrganisationKind.COUNSELLING_CENTRE
    country_id = "IQ"
    city = "Erbil"


class UserFactory(ValidatedFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(ValidatedFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.COUNSELLOR.value


def staff(organisation: Organisation, role: Role, **kwargs: Any) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=role.value)
    return user
