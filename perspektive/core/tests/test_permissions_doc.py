from __future__ import annotations

from pathlib import Path

from django.conf import settings

from perspektive.core.authz import MATRIX, Role, render_markdown
from perspektive.settings import env


def test_permissions_doc_shows_the_matrix_in_code() -> None:
    doc = (Path(settings.BASE_DIR) / "docs" / "permissions.md").read_text()
    assert render_markdown() in doc, "docs/permissions.md is out of date: regenerate the table"


def test_every_role_has_a_row_in_the_matrix() -> None:
    assert set(MATRIX) == set(Role)


def test_programme_managers_and_operators_have_no_right_on_person_data() -> None:
    for role in (Role.PROGRAMME_MANAGER, Role.ADMIN, Role.PARTNER_STAFF, Role.EMPLOYER):
        person_rights = [
            key
            for key in MATRIX[role]
            if key[0].value in {"client", "client_special", "case", "consent"}
        ]
        assert person_rights == [], role


def test_readme_configuration_table_lists_every_variable() -> None:
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    assert env.render_table() in readme, "README configuration table is out of date"
