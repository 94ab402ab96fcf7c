"""Numbers in prose are computed and glued, never typed: a digit in the prose of a chapter
or of the front page must sit inside a role ({num}, {download}, ...) or be part of a name."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PAGES = sorted((REPO / "notebooks").glob("*.md")) + [REPO / "book" / "index.md"]

# Digits that are names or labels, not reported figures.
ALLOWED = [
    r"Round-\d",                      # the scheme's bidding rounds
    r"^\s*\d+\.\s",                   # list numbering
    r"\*\*\d\.",                      # numbered questions
    r"Recommendation \d+",            # numbered recommendations
    r"2022 (rules|battery)",          # the Battery Waste Management Rules, 2022 (a title)
    r"projections for 2030",          # the chapter's comparison horizon
    r":gutter: \d",                   # layout options
    r"\{grid\}[ \d]*",
    r"^\s*:if:.*$",                    # a claim's condition: its thresholds are the claim's
]


def prose(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---", 2)[2]
    text = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    text = re.sub(r"```\{include\}.*?```", "", text, flags=re.S)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", "", text)
    for pattern in ALLOWED:
        text = re.sub(pattern, "", text, flags=re.M)
    return text


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_no_number_is_typed_into_prose(path):
    typed = [m.group(0).strip() for m in re.finditer(r".{0,25}\d.{0,25}", prose(path))]
    assert not typed, f"{path.name}: numbers typed into prose: {typed}"
