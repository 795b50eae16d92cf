"""Compile the gettext catalogs in ``locale/`` to ``.mo`` files with polib.

Fresh machines have no ``msgfmt``, so the compiled catalogs are committed; this module
rebuilds them (``python -m perspektive.core.i18n_compile``, also run by ``make messages``).
Fuzzy, obsolete and untranslated entries are left out, as ``msgfmt`` does by default.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Every ``locale/<lang>/LC_MESSAGES/django.po``, sorted by language code."""
    return sorted(locale_dir.glob("*/LC_MESSAGES/django.po"))


def compile_po(po_path: Path) -> bytes:
    """The binary ``.mo`` content for one ``.po`` file, without fuzzy entries."""
    po = polib.pofile(str(po_path))
    # to_binary() writes the header plus po.translated_entries(), which leaves out fuzzy,
    # obsolete and untranslated entries.
    content: bytes = po.to_binary()
    return content


def compile_all(paths: Iterable[Path]) -> list[Path]:
    """Write ``django.mo`` next to each ``django.po``; return the files that changed."""
    changed: list[Path] = []
    for po_path in paths:
        mo_path = po_path.with_suffix(".mo")
        content = compile_po(po_path)
        if not mo_path.exists() or mo_path.read_bytes() != content:
            mo_path.write_bytes(content)
            changed.append(mo_path)
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    paths = [Path(arg) for arg in args] if args else catalogs()
    if not paths:
        sys.stderr.write(f"No catalogs found under {LOCALE_DIR}\n")
        return 1
    changed = compile_all(paths)
    for mo_path in changed:
        sys.stdout.write(f"compiled {mo_path}\n")
    sys.stdout.write(f"{len(paths)} catalogs, {len(changed)} .mo files updated\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
