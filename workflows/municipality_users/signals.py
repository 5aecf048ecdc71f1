"""After a newcomer confirms their e-mail address, the municipality they named at
registration gets their request: only confirmed addresses reach a main contact."""

from __future__ import annotations

import logging

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts.services import registration_wish_take
from grants import affiliations
from grants.errors import GrantsError
from grants.models import Municipality

logger = logging.getLogger(__name__)


@receiver(email_confirmed, dispatch_uid="workflows.registration_request")
def request_the_municipality_named_at_registration(sender, request, email_address, **kwargs) -> None:
    user = email_address.user
    wish = registration_wish_take(user=user)
    if wish is None:
        return
    ags, join_network, function = wish
    municipality = Municipality.objects.filter(ags=ags).first()
    if municipality is None:
        return
    try:
        affiliations.affiliation_request_create(
            user=user, municipality=municipality, function=function, join_network=join_network
        )
    except GrantsError as error:
        # The request page shows the person what is open; nothing to undo here.
        logger.info("registration request for %s not made: %s", ags, error.message)
