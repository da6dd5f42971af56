"""Workflow test cases: run a machine in the engine with mocked Tasks and no side effects, check
what it did against expectations, and measure which states, Choice rules, retriers and catchers
a set of cases exercised.

- `cases`: `TestCase` (input, mocks per state by call number, expectations) and `run_case`;
- `mocks`: mocked responses in the shape of AWS's MockConfigFile, and the invoker that serves them;
- `coverage`: what a definition offers to cover, and the hooks that record what a run covered;
- `formats`: MockConfigFile import and export, and export as TestState calls.
"""

from engine.testcases.cases import CaseResult, TestCase, run_case, run_cases
from engine.testcases.coverage import coverage_report, coverage_targets

__all__ = ["CaseResult", "TestCase", "coverage_report", "coverage_targets", "run_case", "run_cases"]
