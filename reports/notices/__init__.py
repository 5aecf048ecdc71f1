"""PDF notices, one module per notice type.

Each module declares ``KIND``, ``TITLE``, the legal text blocks it prints
(``LEGAL_KINDS``), the extra values it needs (``EXTRA_FIELDS``) and a pure
``render(snapshot) -> bytes``. Renderers never query the database.
"""

from __future__ import annotations

from types import ModuleType

from reports.notices import approval, early_start, payout_advice, proof_of_use_reminder, refund_claim, rejection

MODULES: dict[str, ModuleType] = {
    module.KIND: module
    for module in (approval, rejection, payout_advice, proof_of_use_reminder, refund_claim, early_start)
}


def notice_module(kind: str) -> ModuleType:
    try:
        return MODULES[kind]
    except KeyError:
        raise ValueError(f"Unknown notice kind {kind!r}.") from None


def render_notice(snapshot: dict) -> bytes:
    """The PDF of a frozen snapshot."""
    return notice_module(snapshot["kind"]).render(snapshot)
