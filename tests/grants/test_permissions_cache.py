"""A page asks "may this user act for the municipality?" for every button; the store answers once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.permissions import can_act_for


def test_the_object_permission_is_read_once_per_user_and_municipality(applicant, gardelegen, bindlach):
    with CaptureQueriesContext(connection) as first:
        assert can_act_for(user=applicant, municipality=gardelegen) == (True, "")
    with CaptureQueriesContext(connection) as again:
        for _ in range(4):
            assert can_act_for(user=applicant, municipality=gardelegen) == (True, "")
    assert len(first.captured_queries) >= 1
    assert len(again.captured_queries) == 0
    # Another municipality is its own question (and here the answer is no).
    assert can_act_for(user=applicant, municipality=bindlach) == (False, "Sie handeln nicht für diese Kommune.")
