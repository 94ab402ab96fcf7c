"""The nothing-changed check: a build stops after validation only when nothing it reads has
changed; whatever the build itself writes into book/ does not count."""

import pytest

from batteryreport.build.pipeline import Layout, inputs_key
from batteryreport.data.params import load_params


@pytest.fixture
def book(tmp_path):
    for rel, text in {"_config.yml": "title: x\n", "_toc.yml": "root: book/index\n",
                      "requirements.txt": "pandas==2\n", "book/index.md": "# Home\n",
                      "book/_static/batteryreport.css": "a {}\n",
                      "notebooks/alpha.md": "# Alpha\n", "data/capacity.csv": "a,b\n1,2\n",
                      "data/datapackage.json": "{}\n"}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def key(root, **params):
    return inputs_key(Layout(root), load_params().model_copy(update=params), root / "data")


@pytest.mark.parametrize("rel", ["_config.yml", "_toc.yml", "requirements.txt",
                                 "book/index.md", "book/_static/batteryreport.css",
                                 "notebooks/alpha.md", "data/capacity.csv",
                                 "data/datapackage.json"])
def test_any_input_changes_the_key(book, rel):
    before = key(book)
    path = book / rel
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert key(book) != before


def test_a_new_file_or_another_parameter_changes_the_key(book):
    before = key(book)
    assert key(book, pack_kg_per_kwh=load_params().pack_kg_per_kwh + 1) != before
    (book / "data" / "extra.csv").write_text("x\n1\n", encoding="utf-8")
    assert key(book) != before


def test_what_the_build_writes_into_book_does_not(book):
    before = key(book)
    for rel in ["book/_generated/alpha.ipynb", "book/_static/vega-bundle.js",
                "book/_static/br-icons.css"]:
        (book / rel).parent.mkdir(parents=True, exist_ok=True)
        (book / rel).write_text("written by the build\n", encoding="utf-8")
    assert key(book) == before


def test_what_the_analyses_read_is_the_code_the_parameters_and_the_data(book):
    # start.analysis_inputs decides whether a standby runner is taken to analyse ahead.
    from batteryreport.build.start import analysis_inputs

    (book / "params").mkdir()
    (book / "params" / "default.yml").write_text("pack_kg_per_kwh: 6.8\n", encoding="utf-8")
    layout, data = Layout(book), book / "data"

    def digest(params=None, code="code-1"):
        return analysis_inputs(layout, data, params, code)

    before = digest()
    assert digest() == before
    (book / "book" / "index.md").write_text("# Home, edited\n", encoding="utf-8")
    (book / "notebooks" / "alpha.md").write_text("# Alpha, edited\n", encoding="utf-8")
    assert digest() == before  # the prose is not what the analyses read
    assert digest(code="code-2") != before
    override = book / "scenario.yml"
    override.write_text("pack_kg_per_kwh: 7.0\n", encoding="utf-8")
    assert digest(str(override)) != before
    (book / "params" / "default.yml").write_text("pack_kg_per_kwh: 6.9\n", encoding="utf-8")
    changed = digest()
    assert changed != before
    (data / "capacity.csv").write_text("a,b\n1,3\n", encoding="utf-8")
    assert digest() != changed
    (data / "capacity.csv").unlink()
    assert digest() not in (before, changed)


class _Standby:
    """A runner whose standby waits (start.analyse_as_begun takes it, or not)."""

    standing_by = True

    def __init__(self) -> None:
        self.sent: list[tuple] = []

    def send_ahead(self, fn, *args) -> bool:
        self.sent.append((fn.__name__, *args))
        return True


def test_the_runner_is_taken_to_analyse_only_when_what_the_analyses_read_changed(book):
    import json

    from batteryreport.build.start import LAST_BUILD, analyse_as_begun, analysis_inputs

    (book / "params").mkdir()
    (book / "params" / "default.yml").write_text("pack_kg_per_kwh: 6.8\n", encoding="utf-8")
    layout, data = Layout(book), book / "data"
    record = book / ".cache" / LAST_BUILD
    record.parent.mkdir()

    def sent(params=None, code="code-1", standing=True) -> bool:
        runner = _Standby()
        runner.standing_by = standing
        analyse_as_begun(runner, layout, data, params, code)
        assert all(s[0] == "analyse_ahead" for s in runner.sent)
        return bool(runner.sent)

    assert sent()  # no record of a build: analyse
    record.write_text("{not json", encoding="utf-8")
    assert sent()  # a damaged one: likewise
    record.write_text(json.dumps({"analysis_inputs": analysis_inputs(layout, data, None,
                                                                      "code-1")}))
    assert not sent()  # nothing the analyses read changed
    assert not sent(standing=False) and not sent(code="")
    (data / "capacity.csv").write_text("a,b\n1,5\n", encoding="utf-8")
    assert sent() and not sent(standing=False) and not sent(code="")
    record.write_text(json.dumps({"analysis_inputs": analysis_inputs(layout, data, None,
                                                                      "code-1")}))
    assert not sent()
    override = book / "scenario.yml"
    override.write_text("pack_kg_per_kwh: 7.0\n", encoding="utf-8")
    assert sent(str(override))


def test_a_build_with_nothing_changed_records_what_the_analyses_read(book):
    # A comment added to a parameters' file changes the start's hash, not the build's
    # inputs: the up-to-date build records the new hash, so the next build's start does
    # not take the runner again and again.
    import json

    from batteryreport.build.pipeline import BuildReport, _up_to_date, published_site_key

    layout = Layout(book)
    record = book / ".cache" / "last-build.json"
    record.parent.mkdir()
    record.write_text(json.dumps({"inputs": "k", "analysis_inputs": "old",
                                  "site_key": published_site_key(layout.build)}))
    assert _up_to_date(layout, "k", BuildReport(), "new")
    assert json.loads(record.read_text())["analysis_inputs"] == "new"
    assert not _up_to_date(layout, "other", BuildReport(), "newer")
    assert json.loads(record.read_text())["analysis_inputs"] == "new"
