"""The accessibility gate is not vacuous: a page with known faults fails it."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_page_with_unlabelled_controls_fails_the_gate(web):
    web.page.set_content('<html lang="ja"><head><title>t</title></head><body><main>'
                         '<img src="/static/x.png"><input type="text"><button></button></main></body></html>')

    with pytest.raises(AssertionError) as failure:
        web.audit()

    assert "image-alt" in str(failure.value) and "button-name" in str(failure.value)
