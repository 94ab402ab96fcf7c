"""Which broken links stop `make publish` (batteryreport.build.public)."""

from batteryreport.build.public import split_link_problems


def test_a_broken_link_stops_publishing_unless_it_is_in_a_past_frozen_edition():
    problems = [
        "book/index.html: x.html: no such file",  # the latest edition, at the top
        "editions/3/book/index.html: x.html: no such file",  # the latest, at its address
        "editions/1/book/index.html: x.html: no such file",  # frozen when first published
        "editions/12/book/a.html: y.html#z: no such anchor",  # not editions/1/
        "_static/x.css: y.woff: no such file",
    ]
    stop, frozen = split_link_problems(problems, latest=3)
    assert frozen == [problems[2], problems[3]]
    assert stop == [problems[0], problems[1], problems[4]]
    stop, frozen = split_link_problems(problems, latest=12)
    assert frozen == [problems[1], problems[2]]
