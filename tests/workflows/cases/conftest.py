"""A small world of files for the list of all applications."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from budgets.models import Payout
from grants.models import Application
from reports.models import Notice
from tests import factories
from tests.builders import request as payout_request


@dataclass
class Files:
    approved: Application
    in_review: Application
    recommended: Application
    draft: Application
    notice: Notice
    payout: Payout


@pytest.fixture
def files(approved, applicant, foreign_applicant, gardelegen, bindlach, programme_year, clerk, structural_c) -> Files:
    """Gardelegen (GRW C): approved with notice and payout, recommended by the clerk, a draft;
    Bindlach (no GRW status): in review, its task held by the clerk."""
    payout = payout_request(approved, applicant)
    in_review = factories.in_review(
        applicant=foreign_applicant,
        municipality=bindlach,
        programme_year=programme_year,
        clerk=clerk,
        title="Seniorenbeirat vernetzen",
        contact_name="Fritz Fremd",
        purpose=Application.Purpose.CONSULTING,
    )
    recommended = factories.recommended(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        clerk=clerk,
        title="Reisekosten Partnerstadt",
        contact_name="Bert Berater",
        purpose=Application.Purpose.TRAVEL,
    )
    draft = factories.draft(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, title="Geheimer Entwurf"
    )
    return Files(
        approved=approved,
        in_review=in_review,
        recommended=recommended,
        draft=draft,
        notice=Notice.objects.get(application=approved),
        payout=payout,
    )


ROW_RE = re.compile(r'<th scope="row" class="kern-table__cell"><a class="kern-link" href="[^"]+">([^<]+)</a>')


def file_numbers(response) -> list[str]:
    assert response.status_code == 200
    return ROW_RE.findall(response.content.decode())
