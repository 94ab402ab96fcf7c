"""The site's PNG images (favicons, social preview) are drawn again only when what they are
drawn from changed; a missing one is drawn again."""

from types import SimpleNamespace

import vl_convert

from batteryreport.build import sphinxext

ICON = ('<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">'
        '<rect width="32" height="32" fill="#1f5a96"/></svg>')


def test_an_image_is_drawn_again_only_when_its_source_changed(tmp_path, monkeypatch):
    drawn = []
    real = vl_convert.svg_to_png
    monkeypatch.setattr(vl_convert, "svg_to_png",
                        lambda svg, scale: drawn.append(scale) or real(svg, scale=scale))
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "favicon.svg").write_text(ICON, encoding="utf-8")
    (tmp_path / "doctrees").mkdir()
    config = SimpleNamespace(html_favicon="favicon.svg", html_title="A report", project="p",
                             batteryreport_tagline="What was promised and built.",
                             batteryreport_preview_footer="example.org")
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path / "out"),
                          confdir=str(tmp_path / "conf"), doctreedir=str(tmp_path / "doctrees"),
                          config=config)
    static = tmp_path / "out" / "_static"

    sphinxext.write_images(app, None)
    names = ["apple-touch-icon.png", "br-preview.png", "favicon-32.png"]
    assert sorted(p.name for p in static.iterdir()) == names and len(drawn) == 3
    first = {name: (static / name).read_bytes() for name in names}
    assert first["favicon-32.png"].startswith(b"\x89PNG")

    sphinxext.write_images(app, None)  # nothing changed: nothing drawn
    assert len(drawn) == 3
    config.batteryreport_tagline = "Another line."  # the preview only
    sphinxext.write_images(app, None)
    assert drawn[3:] == [1.0] and (static / "br-preview.png").read_bytes() != \
        first["br-preview.png"]
    (static / "favicon-32.png").unlink()  # a missing one is drawn again, the same
    sphinxext.write_images(app, None)
    assert len(drawn) == 5 and (static / "favicon-32.png").read_bytes() == \
        first["favicon-32.png"]
    (tmp_path / "doctrees" / sphinxext.IMAGES_DRAWN).write_text("{bad", encoding="utf-8")
    sphinxext.write_images(app, None)  # a damaged record: all drawn again, the same bytes
    assert len(drawn) == 8
    assert {name: (static / name).read_bytes() for name in names}["favicon-32.png"] == \
        first["favicon-32.png"]
