// @vitest-environment node
import { describe, expect, it } from "vitest";
import { executionLink, zonedTime } from "./triggersApi";

describe("triggers helpers", () => {
  it("links Standard executions to their page and leaves Express ones unlinked", () => {
    expect(executionLink("arn:aws:states:us-east-1:000000000000:execution:nightly:run-1")).toBe("/machines/nightly/executions/run-1/");
    expect(executionLink("arn:aws:states:us-east-1:000000000000:express:quick:run-1:abc")).toBeNull();
  });
  it("writes a fire time in the schedule's own offset", () => {
    expect(zonedTime("2026-12-07T07:00:00-05:00")).toBe("Mon 2026-12-07 07:00 (-05:00)");
    expect(zonedTime("2026-12-07T07:00:00+00:00")).toBe("Mon 2026-12-07 07:00 (UTC)");
  });
});
