from core.errors import DomainError


class ReportsError(DomainError):
    """A document or export could not be made; ``message`` is German and shown as it is."""
