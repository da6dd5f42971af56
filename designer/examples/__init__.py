"""The example workflows shipped with Statecraft: real ASL files (`<name>.asl.json`) with a sample input.

`make run` loads them as state machines of the local admin (`manage.py load_examples`), and the
designer's template gallery lists them. The Lambda functions they call are in `functions.py`.
This module reads files only, so it imports nothing from Django.
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    name: str  # the state machine name, from the file name: order-processing.asl.json → order-processing
    title: str
    description: str  # the definition's top-level Comment
    definition_text: str  # the file as written, so a loaded machine shows the same text
    sample_input: dict
    # The example's own workflow test cases (`<name>.tests.json`): name, input, mocks, expect.
    test_cases: tuple = ()

    @property
    def definition(self) -> dict:
        return json.loads(self.definition_text)


@cache
def examples() -> tuple[Example, ...]:
    """Every example workflow, the order-processing one first."""
    found = []
    for path in sorted(EXAMPLES_DIR.glob("*.asl.json")):
        name = path.name.removesuffix(".asl.json")
        text = path.read_text()
        input_path = path.with_name(f"{name}.input.json")
        tests_path = path.with_name(f"{name}.tests.json")
        found.append(
            Example(
                name=name,
                title=name.replace("-", " ").capitalize(),
                description=json.loads(text).get("Comment", ""),
                definition_text=text,
                sample_input=json.loads(input_path.read_text()) if input_path.exists() else {},
                test_cases=tuple(json.loads(tests_path.read_text())) if tests_path.exists() else (),
            )
        )
    found.sort(key=lambda example: example.name != "order-processing")
    return tuple(found)


def example(name: str) -> Example:
    """The example called `name`; KeyError when there is none."""
    for candidate in examples():
        if candidate.name == name:
            return candidate
    raise KeyError(name)
