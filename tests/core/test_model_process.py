"""The model process after quit: closing it fails what is pending and never starts it again."""

from __future__ import annotations

import pytest

from tagline.core import nlp

pytestmark = [pytest.mark.e2e, pytest.mark.model]


def test_a_submit_after_close_fails_at_once_and_starts_no_process():
    model = nlp.resolve_model("en_core_web_sm")
    service = nlp.EntityService(model)
    first = service.submit(["Angela Merkel spoke in Berlin on Monday."])
    assert [label for _, _, label in first.result(timeout=120)[0]] == ["PERSON", "GPE", "DATE"]
    process = service._process
    service.close()
    assert process.wait(timeout=30) is not None
    late = service.submit(["A thread still streaming when the app quit."])
    with pytest.raises(nlp.ModelError):
        late.result(timeout=1)  # fails at once: no model loaded again for it
    assert service._process is None
