"""JSONata benchmark: JSONata versions of pass_chain_1000 and choice_loop_10000, beside JSONPath.

Usage: .venv/bin/python bench/engine_jsonata.py [--repeat N] [--profile NAME]

The JSONata definitions are generated from the shared JSONPath workloads when the bench starts
(`to_jsonata`): `key.$` paths become `{% $states.input… %}`, States.MathAdd becomes `+`, a
`ResultPath: $.k` merge becomes an Output object that rebuilds the input's other top-level
keys, and Choice rules become Conditions.  Both versions run through `engine.run` with a
virtual clock; the figures are printed side by side with the ratio.  Goal (issue #4): JSONata
at least a third of JSONPath's transitions per second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

import engine  # noqa: E402
from engine.ports import VirtualClock  # noqa: E402

# The shared workloads sit beside the checkout (../shared); a git worktree one level deeper
# (../../shared) finds them too, and STATECRAFT_WORKLOADS overrides both.
WORKLOADS = Path(os.environ.get("STATECRAFT_WORKLOADS") or next(
    (p for p in (REPO_ROOT.parent / "shared" / "bench" / "workloads",
                 REPO_ROOT.parent.parent / "shared" / "bench" / "workloads") if p.exists()),
    REPO_ROOT.parent / "shared" / "bench" / "workloads"))
NAMES = ("pass_chain_1000", "choice_loop_10000")
GOAL_RATIO = 1 / 3

_MATH_ADD = re.compile(r"States\.MathAdd\((.+?),\s*(.+?)\)$")
_OPERATORS = {"NumericLessThan": "<", "NumericLessThanEquals": "<=", "NumericGreaterThan": ">",
              "NumericGreaterThanEquals": ">=", "NumericEquals": "=", "StringEquals": "=",
              "BooleanEquals": "="}


def _operand(text: str) -> str:
    text = text.strip()
    if text == "$":
        return "$states.input"
    if text.startswith("$."):
        return "$states.input" + text[1:]
    return text


def _expression(value: str) -> str:
    m = _MATH_ADD.match(value)
    if m:
        return f"{_operand(m.group(1))} + {_operand(m.group(2))}"
    return _operand(value)


def _template(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if key.endswith(".$"):
            out[key[:-2]] = "{% " + _expression(value) + " %}"
        elif isinstance(value, dict):
            out[key] = _template(value)
        else:
            out[key] = value
    return out


def _condition(rule: dict) -> str:
    for name, op in _OPERATORS.items():
        if name in rule:
            return "{% " + f"{_operand(rule['Variable'])} {op} {json.dumps(rule[name])}" + " %}"
    raise ValueError(f"no JSONata translation for rule {rule}")


def to_jsonata(definition: dict, input_value: dict) -> dict:
    """The JSONata twin of a JSONPath workload made of Pass, Choice and Succeed states."""
    keys = list(input_value) if isinstance(input_value, dict) else []
    states = {}
    for name, state in definition["States"].items():
        new = {k: v for k, v in state.items() if k not in ("Parameters", "ResultPath", "Choices")}
        if state["Type"] == "Pass" and "Parameters" in state:
            output = _template(state["Parameters"])
            result_path = state.get("ResultPath", "$")
            if result_path != "$":
                target = result_path[2:]
                output = {**{k: "{% $states.input." + k + " %}" for k in keys if k != target}, target: output}
            new["Output"] = output
        if state["Type"] == "Choice":
            new["Choices"] = [{"Condition": _condition(rule), "Next": rule["Next"]} for rule in state["Choices"]]
        states[name] = new
    return {**{k: v for k, v in definition.items() if k != "States"}, "QueryLanguage": "JSONata",
            "States": states}


def _best(definition: dict, input_text: str, repeat: int) -> tuple[float, float, engine.ExecutionResult]:
    best = best_cpu = float("inf")
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = engine.run(definition, input_text=input_text, clock=VirtualClock(), history_limit=10**9)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu, result


def bench(repeat: int = 5) -> int:
    """Run both versions of each workload and print their figures; non-zero when a check fails."""
    manifest = json.loads((WORKLOADS / "manifest.json").read_text())
    print(f"{'workload':<20} {'mode':<9} {'status':<10} {'transitions':>11} {'wall ms':>9} {'cpu ms':>8} "
          f"{'trans/s':>10} {'cpu t/s':>10}  check")
    failures = 0
    for name in NAMES:
        jsonpath = json.loads((WORKLOADS / f"{name}.asl.json").read_text())
        input_text = (WORKLOADS / f"{name}.input.json").read_text()
        jsonata = to_jsonata(jsonpath, json.loads(input_text))
        rates = {}
        outputs = {}
        for mode, definition in (("JSONPath", jsonpath), ("JSONata", jsonata)):
            wall, cpu, result = _best(definition, input_text, repeat)
            # The ratio uses CPU time: on a shared machine wall time mostly measures the neighbours.
            rates[mode] = result.transitions / cpu if cpu else float("inf")
            outputs[mode] = result.output
            checks = []
            if result.transitions != manifest[name]["expected_transitions"]:
                checks.append(f"transitions {result.transitions} != {manifest[name]['expected_transitions']}")
            if result.status != "SUCCEEDED":
                checks.append(f"{result.error}: {result.cause}")
            if mode == "JSONata":
                ratio = rates["JSONata"] / rates["JSONPath"]
                checks.append(f"{ratio:.2f}x JSONPath (CPU)")
                if ratio < GOAL_RATIO:
                    checks.append(f"below {GOAL_RATIO:.2f}x")
                    failures += 1
                if json.loads(outputs["JSONata"] or "null") != json.loads(outputs["JSONPath"] or "null"):
                    checks.append("output differs from JSONPath")
                    failures += 1
            print(f"{name:<20} {mode:<9} {result.status:<10} {result.transitions:>11} {wall * 1000:>9.1f} "
                  f"{cpu * 1000:>8.1f} {result.transitions / wall:>10.0f} {rates[mode]:>10.0f}  "
                  f"{'; '.join(checks) or 'ok'}")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", choices=NAMES, help="profile the JSONata version of one workload")
    args = parser.parse_args()
    if not WORKLOADS.exists():
        print(f"workloads not found at {WORKLOADS}")
        return 1
    if args.profile:
        import cProfile
        import pstats

        input_text = (WORKLOADS / f"{args.profile}.input.json").read_text()
        definition = to_jsonata(json.loads((WORKLOADS / f"{args.profile}.asl.json").read_text()),
                                json.loads(input_text))
        cProfile.runctx("engine.run(definition, input_text=input_text, clock=VirtualClock(), history_limit=10**9)",
                        globals(), locals(), "/tmp/engine_jsonata.prof")
        pstats.Stats("/tmp/engine_jsonata.prof").sort_stats("tottime").print_stats(25)
        return 0
    return bench(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
