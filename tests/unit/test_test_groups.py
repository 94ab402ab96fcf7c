"""The suite's ``xdist_group`` marks work: the tests of one group run on one worker, so a
module's shared build is made once (``make test`` runs ``--dist loadgroup``). pytest 9.2
with pytest-xdist 3.8 silently ignores the marks; requirements.txt pins pytest 8."""

import subprocess
import sys
import textwrap


def test_the_tests_of_one_group_run_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(textwrap.dedent('''
        import os

        import pytest

        pytestmark = pytest.mark.xdist_group("one")


        @pytest.mark.parametrize("i", range(8))
        def test_note_the_worker(i):
            with open(os.path.join(os.path.dirname(__file__), "workers.txt"), "a") as fh:
                fh.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
    '''))
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist",
                          "loadgroup", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    workers = (tmp_path / "workers.txt").read_text().split()
    assert len(workers) == 8
    assert len(set(workers)) == 1, f"one group ran on workers {sorted(set(workers))}"
