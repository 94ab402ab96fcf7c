

def test_an_input_error_crosses_a_process_boundary_whole():
    """The briefs are made in a process of their own: their error comes back with its
    problems, not as a string read letter by letter."""
    import pickle

    from batteryreport.build.briefs.spec import BriefError
    from batteryreport.core.errors import DataError, Problem

    problems = [Problem("alpha.pdf", "brief-chart", "figure 'x' could not be drawn", row=3)]
    for error in (BriefError(problems), DataError(problems)):
        back = pickle.loads(pickle.dumps(error))
        assert type(back) is type(error) and back.problems == problems
        assert str(back) == str(error) and "1 problem(s)" in str(back)
