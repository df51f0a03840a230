import pytest

from icsplan.errors import InputError
from icsplan.publishing import Renderer, available_formats, get_renderer, render

ALL = ["docx", "html", "iati", "json", "md", "pdf", "xlsx"]


def test_every_format_is_registered():
    assert available_formats() == ALL


@pytest.mark.parametrize("fmt", ALL)
def test_renderer_interface(fmt):
    renderer = get_renderer(fmt)
    assert isinstance(renderer, Renderer)
    assert renderer.format == fmt
    assert renderer.media_type and renderer.extension


def test_lookup_is_forgiving_about_case_and_dot():
    assert get_renderer(".PDF").format == "pdf"


def test_unknown_format_names_the_known_ones():
    with pytest.raises(InputError) as caught:
        get_renderer("odt")
    assert caught.value.code == "unknown-format"
    for fmt in ALL:
        assert fmt in str(caught.value)


def test_render_shortcut_and_filename(public_strategy):
    assert render(public_strategy, "md").startswith(b"# Integrated Country Strategy")
    assert get_renderer("pdf").filename(public_strategy, public=True) == "ICS-Mali-2018-public.pdf"
