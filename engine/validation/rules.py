"""Checks of a Choice state and its rules ("Choice Rules" in the ASL specification): one
comparison operator with Variable, or And / Or / Not, with operands of the operator's type; in
JSONata, a Condition."""

from __future__ import annotations

from typing import Any

from engine.choice_rules import CHOICE_OPERATORS, PATH_OPERATORS, is_timestamp
from engine.validation.checks import Checks
from engine.validation.diagnostics import ptr
from engine.validation.fields import JSONATA, JSONPATH
from engine.validation.syntax import is_expression


class ChoiceRuleChecks(Checks):
    def state_choice(self, state: dict, path: str, language: str) -> None:
        if "Default" in state:
            self.expect_type(state["Default"], ptr(path, "Default"), str)
        found = self.required_list(state, "Choices", path)
        if found is None:
            return
        choices, choices_path = found
        for i, rule in enumerate(choices):
            self.choice_rule(rule, ptr(choices_path, i), language, top=True)

    def choice_rule(self, rule: Any, path: str, language: str, *, top: bool) -> None:
        if not self.expect_type(rule, path, dict):
            return
        if top:
            if self.require(rule, path, "Next"):
                self.expect_type(rule["Next"], ptr(path, "Next"), str)
            self.assign(rule, path, language)
        extra = {"Next", "Assign", "Comment"} if top else {"Comment"}
        if language == JSONATA:
            self.jsonata_rule(rule, path, extra | {"Output"} if top else extra)
            return

        combinators = [k for k in ("And", "Or", "Not") if k in rule]
        operators = [k for k in rule if k in CHOICE_OPERATORS or k in PATH_OPERATORS]
        for key in rule:
            if key == "Condition" or (key == "Output" and top):
                self.wrong_language(path, JSONPATH, key)
            elif key not in extra and key not in ("Variable", "And", "Or", "Not") and key not in operators:
                self.error(path, f"Field '{key}' is not supported")
        if combinators:
            if len(combinators) > 1 or operators or "Variable" in rule:
                self.error(path, "A Choice rule must have exactly one of: a comparison operator with "
                                 "'Variable', 'And', 'Or' or 'Not'")
            for key in combinators:
                value = rule[key]
                key_path = ptr(path, key)
                if key == "Not":
                    self.choice_rule(value, key_path, language, top=False)
                elif self.expect_type(value, key_path, list):
                    if not value:
                        self.error(key_path, "Value cannot be empty")
                    for i, child in enumerate(value):
                        self.choice_rule(child, ptr(key_path, i), language, top=False)
            return
        if "Variable" not in rule:
            self.require(rule, path, "Variable")
        else:
            self.expect_path(rule, "Variable", path)
        if len(operators) != 1:
            self.error(path, "A Choice rule must have exactly one comparison operator"
                       if operators else "A Choice rule must have a comparison operator, 'And', 'Or' or 'Not'")
        for name in operators:
            self.choice_operand(rule, name, path)

    def choice_operand(self, rule: dict, name: str, path: str) -> None:
        value = rule[name]
        where = ptr(path, name)
        if name in PATH_OPERATORS:
            self.expect_path(rule, name, path)
            return
        op = CHOICE_OPERATORS[name]
        if op.operand_type == "timestamp":
            if not isinstance(value, str):
                self.error(where, "Expected value of type [STRING]")
            elif not is_timestamp(value):
                self.error(where, f"The value for the field '{name}' must be a valid timestamp "
                                  "(ISO-8601 extended offset date-time)")
        elif not op.accepts(value):
            expected = {"string": "STRING", "number": "NUMBER", "boolean": "BOOLEAN"}[op.operand_type]
            self.error(where, f"Expected value of type [{expected}]")

    def jsonata_rule(self, rule: dict, path: str, extra: set[str]) -> None:
        for key in rule:
            if key == "Variable" or key in CHOICE_OPERATORS or key in PATH_OPERATORS or key in ("And", "Or", "Not"):
                self.wrong_language(path, JSONATA, key)
            elif key != "Condition" and key not in extra:
                self.error(path, f"Field '{key}' is not supported")
        if self.require(rule, path, "Condition"):
            condition = rule["Condition"]
            if not isinstance(condition, bool) and not is_expression(condition):
                self.error(ptr(path, "Condition"),
                           "The value for the field 'Condition' must be a boolean or a JSONata expression")
