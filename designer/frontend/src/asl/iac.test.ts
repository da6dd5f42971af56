// @vitest-environment node
// CloudFormation and SAM export and import: the round trip must give the same definition.
import { describe, expect, it } from "vitest";
import { exportTemplate, substitutionName, templateMachines, withDefinitionFile, withSubstitutions } from "./iac";
import { parseText } from "./io";
import type { Machine } from "./types";

const ORDER: Machine = {
  Comment: "orders",
  StartAt: "Validate",
  States: {
    Validate: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:order-validate", Next: "Notify" },
    Notify: { Type: "Task", Resource: "arn:aws:states:::sns:publish", Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:orders", "Message.$": "$" }, Next: "Again" },
    Again: { Type: "Task", Resource: "arn:aws:lambda:us-east-1:123456789012:function:order-validate", End: true },
  },
};

describe("CloudFormation and SAM templates", () => {
  it("names substitutions after the resource they stand for", () => {
    expect(substitutionName("arn:aws:lambda:us-east-1:1:function:order-validate")).toBe("OrderValidateFunctionArn");
    expect(substitutionName("arn:aws:sns:us-east-1:1:orders")).toBe("OrdersSnsArn");
    const { definition, substitutions } = withSubstitutions(ORDER);
    expect(definition.States.Validate.Resource).toBe("${OrderValidateFunctionArn}");
    expect(definition.States.Again.Resource).toBe("${OrderValidateFunctionArn}");
    expect(definition.States.Notify.Resource).toBe("arn:aws:states:::sns:publish");
    expect(Object.keys(substitutions).sort()).toEqual(["OrderValidateFunctionArn", "OrdersSnsArn"]);
  });

  for (const kind of ["cloudformation", "sam"] as const) {
    it(`round-trips a definition through a ${kind} template`, () => {
      const text = exportTemplate("order-processing", ORDER, kind, { type: "STANDARD" });
      expect(text).toContain("DefinitionSubstitutions");
      expect(text).toContain(kind === "sam" ? "AWS::Serverless::StateMachine" : "AWS::StepFunctions::StateMachine");
      const [machine] = templateMachines(parseText(text, "yaml"));
      expect(machine.name).toBe("order-processing");
      expect(machine.unresolved).toEqual([]);
      expect(machine.definition).toEqual(ORDER);
    });
  }

  it("lists several machines, reads a DefinitionUri file and applies Fn::Sub variables", () => {
    const template = `
Resources:
  First:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: statemachine/first.asl.json
      DefinitionSubstitutions:
        WorkerArn: arn:aws:lambda:us-east-1:1:function:worker
  Second:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: !Sub
        - '{"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "\${Fn}", "End": true}}}'
        - Fn: arn:aws:lambda:us-east-1:1:function:second
  Unrelated:
    Type: AWS::SNS::Topic
`;
    const machines = templateMachines(parseText(template, "yaml"));
    expect(machines.map((m) => m.logicalId)).toEqual(["First", "Second"]);
    expect(machines[0].definitionUri).toBe("statemachine/first.asl.json");
    const read = withDefinitionFile(machines[0], "first.asl.json", '{"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "${WorkerArn}", "End": true}}}');
    expect(read.definition?.States.W.Resource).toBe("arn:aws:lambda:us-east-1:1:function:worker");
    expect(machines[1].definition?.States.A.Resource).toBe("arn:aws:lambda:us-east-1:1:function:second");
  });

  it("reports substitutions whose value is not plain text", () => {
    const template = { Resources: { M: { Type: "AWS::StepFunctions::StateMachine", Properties: { Definition: { StartAt: "A", States: { A: { Type: "Task", Resource: "${Fn}", End: true } } }, DefinitionSubstitutions: { Fn: { "Fn::GetAtt": ["Fn", "Arn"] } } } } } };
    expect(templateMachines(template)[0].unresolved).toEqual(["Fn"]);
  });
});
