// @vitest-environment node
import { describe, expect, it } from "vitest";
import { childExecutions } from "./ChildExecutions";

describe("child executions of .sync tasks", () => {
  it("finds each execution ARN once, in JSON text as the history carries it", () => {
    const output = JSON.stringify({ ExecutionArn: "arn:aws:states:us-east-1:000000000000:execution:child-flow:run-7", StartDate: 1 });
    const again = JSON.stringify({ Output: "{}", ExecutionArn: "arn:aws:states:us-east-1:000000000000:execution:child-flow:run-7" });
    expect(childExecutions([output, again, undefined, "no arn here"])).toEqual([{ machine: "child-flow", name: "run-7" }]);
  });
});
