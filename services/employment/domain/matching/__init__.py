"""The matching engine: who may go where (hard requirements), how well (a score with its parts),
and the best assignment of people to seats over all openings at once (a transportation problem
solved by HiGHS; see engine.py)."""
