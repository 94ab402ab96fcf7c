"""Which broken links stop `make publish` (batteryreport.build.public)."""

from batteryreport.build.public import split_link_problems


def test_a_broken_link_stops_publishing_unless_it_is_in_an_editions_frozen_copy():
    problems = [
        "book/index.html: x.html: no such file",  # the top: the current build
        "editions/1/book/index.html: x.html: no such file",  # frozen when first built
        "editions/12/book/a.html: y.html#z: no such anchor",
        "_static/x.css: y.woff: no such file",
        "editions.html: editions/3/index.html: no such file",  # a page at the top
    ]
    stop, frozen = split_link_problems(problems)
    assert frozen == [problems[1], problems[2]]
    assert stop == [problems[0], problems[3], problems[4]]
