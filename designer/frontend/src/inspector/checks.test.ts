// @vitest-environment node
import { describe, expect, it } from "vitest";
import { localErrors } from "./checks";

describe("inspector checks", () => {
  const doc = { StartAt: "A", States: { A: { Type: "Task", Next: "Gone", InputPath: "order", ResultPath: null }, B: { Type: "Choice", Choices: [{ Variable: "$.x", IsNull: true }] } } };

  it("flags a missing Resource, a dangling Next and a path without $", () => {
    expect(localErrors(doc, [], "A", doc.States.A)).toEqual({ Resource: "Resource is required", Next: 'No state named "Gone"', InputPath: "A path starts with $ (for example $.order)" });
  });

  it("asks each Choice rule for its target", () => {
    expect(localErrors(doc, [], "B", doc.States.B)).toEqual({ "Choices/0/Next": "Choose the state this rule goes to" });
  });

  it("leaves JSONata states' fields alone", () => {
    const state = { Type: "Pass", QueryLanguage: "JSONata", OutputPath: "nope", End: true };
    expect(localErrors({ States: { P: state } }, [], "P", state)).toEqual({});
  });
});
