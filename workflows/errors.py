from core.errors import DomainError


class WorkflowError(DomainError):
    """A workflow service refused an action; ``message`` is German and shown as it is."""
