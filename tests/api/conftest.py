"""API clients with their tokens, and a cache that starts empty (the rate limit counts there)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from api.models import ApiClient
from api.services import api_client_create


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def read_client(admin_user):
    return api_client_create(actor=admin_user, name="Netzwerkplattform (lesen)", scope=ApiClient.Scope.READ)


@pytest.fixture
def write_client(admin_user):
    return api_client_create(actor=admin_user, name="Netzwerkplattform", scope=ApiClient.Scope.WRITE)


def bearer(created) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {created.token}"}
