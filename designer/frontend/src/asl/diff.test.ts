// @vitest-environment node
import { describe, expect, it } from "vitest";
import { diffLines } from "./diff";

describe("diffLines", () => {
  it("marks added and removed lines and keeps the rest", () => {
    const d = diffLines("a\nb\nc", "a\nx\nc\nd");
    expect(d.map((l) => `${l.op}${l.text}`)).toEqual([" a", "-b", "+x", " c", "+d"]);
  });
  it("is empty of changes for equal text", () => {
    expect(diffLines("a\nb", "a\nb").every((l) => l.op === " ")).toBe(true);
  });
});
