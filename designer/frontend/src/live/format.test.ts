// @vitest-environment node
import { describe, expect, it } from "vitest";
import { expressNote } from "./format";

describe("expressNote", () => {
  it("explains that Express executions keep no history, and says nothing for Standard", () => {
    expect(expressNote("EXPRESS")).toMatch(/no execution history/);
    expect(expressNote("STANDARD")).toBeNull();
  });
});
