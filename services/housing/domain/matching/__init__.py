"""The matching engine: hard constraints filter a sparse candidate graph, a MIP solver (HiGHS) picks the
best set of proposals over the whole waiting list, and incremental and dynamic variants build on it."""
