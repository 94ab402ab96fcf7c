"""The interface icons' stylesheet (batteryreport.build.icons)."""

import pytest

from batteryreport.build import icons


def test_every_icon_the_pages_use_is_drawn_from_the_theme_script():
    css = icons.icons_css()
    for name in icons.ICONS:
        assert f".fa-{name}{{" in css
    assert "data:image/svg+xml," in css


def test_an_unknown_icon_is_an_error_naming_it():
    with pytest.raises(RuntimeError, match="no-such-icon"):
        icons.icons_css(("bars", "no-such-icon"))


def test_the_stylesheet_is_written_once_and_again_when_the_list_changes(tmp_path, monkeypatch):
    first = icons.write_icons(tmp_path).read_text(encoding="utf-8")
    real = icons.icons_css

    def must_not_run(*args, **kwargs):
        raise AssertionError("the script was read again although nothing changed")

    monkeypatch.setattr(icons, "icons_css", must_not_run)
    assert icons.write_icons(tmp_path).read_text(encoding="utf-8") == first

    monkeypatch.setattr(icons, "icons_css", lambda script: real(("bars",), script))
    monkeypatch.setattr(icons, "ICONS", ("bars",))
    second = icons.write_icons(tmp_path).read_text(encoding="utf-8")
    assert second != first and ".fa-sun{" not in second


def test_the_themes_icon_font_glyphs_in_pseudo_elements_become_masks():
    css = icons.icons_css()
    for selector in icons.PSEUDO:
        rule = css[css.index(selector + "{"):].split("}", 1)[0]
        assert "content:''!important" in rule and "font:inherit!important" in rule
        assert "mask:url(\"data:image/svg+xml," in rule
