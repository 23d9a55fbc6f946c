"""Self-check drafts could be created without limit (issue 10 §6): saving is now
limited per client address, through the real page, with the answers kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jiuye.selfcheck.models import SelfCheckDraft
from tests.security.ratelimit_clock import ratelimit_clock  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ratelimit_clock")]

ANSWERS = {"a.is_college_graduate": "true", "a.graduation_date": "2018-07-01"}


def save(client, address: str = "127.0.0.1", **headers):
    return client.post(
        "/selfcheck/person/", {**ANSWERS, "action": "save"}, REMOTE_ADDR=address, **headers
    )


def test_drafts_are_limited_per_address_and_the_answers_are_kept(client, settings):
    # given 3 drafts an hour per address
    settings.RATE_DRAFTS_PER_ADDRESS = "3/h"
    saved = [save(client).status_code for _ in range(3)]
    # when a fourth is asked for
    refused = save(client)
    # then
    page = refused.content.decode()
    assert saved == [303, 303, 303]
    assert refused.status_code == 429
    assert "操作过于频繁：同一网络地址每小时最多保存测评草稿 3 次。" in page
    assert 'name="a.graduation_date" value="2018-07-01"' in page  # nothing typed is lost
    assert SelfCheckDraft.objects.count() == 3
    # and another address still saves
    assert save(client, address="10.7.7.7").status_code == 303


def test_htmx_gets_the_message_in_the_panel(client, settings):
    # given
    settings.RATE_DRAFTS_PER_ADDRESS = "1/h"
    save(client)
    # when
    refused = save(client, HTTP_HX_REQUEST="true")
    # then (htmx swaps only 2xx answers: the panel comes back with the message)
    assert refused.status_code == 200
    assert "最多保存测评草稿 1 次" in refused.content.decode()
    assert SelfCheckDraft.objects.count() == 1


def test_the_next_window_saves_again(client, settings, clock):
    # given
    settings.RATE_DRAFTS_PER_ADDRESS = "1/h"
    save(client)
    assert save(client).status_code == 429
    # when
    clock.advance(timedelta(hours=1))
    # then
    assert save(client).status_code == 303
