"""Benchmarks and the harness they share with the tests: not part of the `cppcc` package.

Run a benchmark as a file, from the repository root: `python scripts/bench/scale.py ...`,
`python scripts/bench/search.py ...`. The tests import these modules as `bench.*` (pytest puts
`scripts/` on `sys.path`: `pythonpath` in pyproject.toml).
"""
