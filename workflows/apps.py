from importlib import import_module

from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Receivers connect once the models are loaded (Django's documented place for it);
        # the module lies in the same layer, so no arrow of the layer graph is hidden.
        import_module("workflows.municipality_users.signals")
