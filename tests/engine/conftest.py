"""Shared pytest hooks for the engine tests."""

from __future__ import annotations


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the conformance pass rate when the conformance test ran."""
    import sys

    results = None
    for name, module in list(sys.modules.items()):
        if name.endswith("test_conformance") and getattr(module, "RESULTS", None):
            results = module.RESULTS
    if not results:
        return
    passed = sum(results.values())
    terminalreporter.write_sep("=", "AWS conformance")
    terminalreporter.write_line(f"conformance: {passed}/{len(results)} recorded executions behave like AWS "
                                f"({100.0 * passed / len(results):.1f}%)")
    failing = sorted(k for k, ok in results.items() if not ok)
    for case_id in failing:
        terminalreporter.write_line(f"  failing: {case_id}")
