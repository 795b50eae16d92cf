"""The variant bench/booking.py measures as (d).

It was a faster copy of the slot listing (a sorted booking index with one bisect per slot,
a lower bound on the bookings query, bookings only of the counsellors whose hours fit);
``perspektive.appointments`` adopted all of it on 2026-11-22 (docs/benchmarks.md, "After
the fix"). The copy is gone: (d) now runs the product's own code again, which leaves it as
a control for the machine's noise (it should equal (a) within a few per cent).
"""

from __future__ import annotations

from perspektive.appointments.selectors import slots_for_centre
from perspektive.appointments.slots import free_slots

__all__ = ["free_slots", "slots_for_centre"]
