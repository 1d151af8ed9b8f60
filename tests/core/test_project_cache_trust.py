"""The team's project cache (``<annotations>/.cache``) decides every teammate's entities and
suggestions, so it is read only when nobody but its owner could have written it.

From the team audit: ``prepare`` run under the team's ``umask 002`` left the folder and file
group-writable, and readers never asked who owned them: a member of the group replaced the file
with one suggesting "statistic" everywhere, and every new session offered it for ``a`` to accept."""

from __future__ import annotations

import os

import pytest

from tagline.core.nlp.cache import FILE_NAME, ParseCache, untrusted


@pytest.fixture
def published(tmp_path):
    annotations = tmp_path / "annotations"
    annotations.mkdir()
    shared = annotations / ".cache"
    old = os.umask(0o002)  # the team's umask
    try:
        cache = ParseCache(shared, publishing=True)
        cache.put_many({"k": ["from the project cache"]}, table="suggestions")
        cache.publish()
    finally:
        os.umask(old)
    return shared


def read(tmp_path, shared) -> dict:
    return ParseCache(tmp_path / "mine", shared=shared).get_many(["k"], table="suggestions")


def test_published_under_the_teams_umask_it_is_writable_by_its_owner_alone(tmp_path, published):
    for item in (published, published / FILE_NAME):
        assert item.stat().st_mode & 0o022 == 0 and item.stat().st_mode & 0o044 == 0o044, item
    assert untrusted(published) is None
    assert read(tmp_path, published) == {"k": ["from the project cache"]}


def test_a_cache_others_can_change_is_not_read_and_said(tmp_path, published):
    (published / FILE_NAME).chmod(0o664)
    assert untrusted(published) == (f"the project cache {published / FILE_NAME} can be changed by others than its owner; "
                                    "not read (its owner: tagline prepare again, or chmod go-w)")
    assert read(tmp_path, published) == {}


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cache_of_someone_else_is_not_read_and_said(tmp_path, published):
    os.chown(published / FILE_NAME, 54321, -1)  # a member of the group, not the annotations' owner
    assert untrusted(published).endswith("belongs to uid 54321, not to the owner of " f"{published.parent}; not read")
    assert read(tmp_path, published) == {}
