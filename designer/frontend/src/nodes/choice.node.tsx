// Choice: picks the next state by the first matching rule, else Default.
import { ChoiceRulesEditor } from "../inspector/ChoiceRulesEditor";
import { defineNode } from "./defineNode";

export const choiceNode = defineNode({
  type: "Choice",
  title: "Choice",
  description: "Branch on conditions",
  color: "#7b4fc9",
  icon: "Choice",
  defaults: () => ({ Type: "Choice", Choices: [] }),
  subtitle: (s) => `${(s.Choices ?? []).length} rule${(s.Choices ?? []).length === 1 ? "" : "s"}${s.Default ? " + default" : ""}`,
  io: { InputPath: true, OutputPath: true, Output: true, Assign: true },
  Section: ChoiceRulesEditor,
});
