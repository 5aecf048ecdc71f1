"""The errors of the budgets app: one base class, a subclass where callers tell them apart."""

from core.errors import DomainError


class BudgetsError(DomainError):
    """A budget, ledger, interest or SEPA rule refused; ``message`` is German."""


class InterestError(BudgetsError):
    """Interest cannot be computed (for example: the Basiszinssatz of a day is not known)."""


class SepaError(BudgetsError):
    """A SEPA file could not be written or does not match the schema."""
