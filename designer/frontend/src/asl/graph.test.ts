// @vitest-environment node
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { describeRule, OPERATORS } from "./choiceRules";
import { aslToGraph, mergePositions } from "./graph";
import { importFile, stringify } from "./io";
import { layoutMachine, structureKey } from "./layout";
import type { Machine } from "./types";

const order: Machine = {
  StartAt: "Validate",
  States: {
    Validate: { Type: "Task", Resource: "arn:aws:states:::lambda:invoke", Next: "Route", Catch: [{ ErrorEquals: ["ValidationError", "States.Timeout"], Next: "Reject" }] },
    Route: {
      Type: "Choice",
      Choices: [
        { Variable: "$.total", NumericGreaterThan: 100, Next: "Review" },
        { And: [{ Variable: "$.vip", BooleanEquals: true }, { Variable: "$.country", StringEquals: "FR" }], Next: "Ship" },
      ],
      Default: "Ship",
    },
    Review: { Type: "Wait", Seconds: 10, Next: "Ship" },
    Ship: { Type: "Parallel", End: true, Branches: [
      { StartAt: "Pack", States: { Pack: { Type: "Pass", End: true } } },
      { StartAt: "Notify", States: { Notify: { Type: "Pass", Next: "Each" }, Each: { Type: "Map", End: true, ItemProcessor: { StartAt: "Mail", States: { Mail: { Type: "Pass", End: true } } } } } },
    ] },
    Reject: { Type: "Fail", Error: "Rejected" },
  },
};

describe("aslToGraph", () => {
  const graph = aslToGraph(order, {});
  const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
  const edgesFrom = (id: string) => graph.edges.filter((e) => e.source === id);

  it("gives each state a node typed by its ASL Type", () => {
    expect(node("Validate").type).toBe("Task");
    expect(node("Route").type).toBe("Choice");
    expect(node("Ship[1]/Each").type).toBe("Map");
    expect(node("Ship[1]/Each[0]/Mail").parentId).toBe("Ship[1]/Each[0]");
  });

  it("labels each Choice rule with its condition, in order, and the Default", () => {
    const route = edgesFrom("Route");
    expect(route.map((e) => e.sourceHandle)).toEqual(["choice:0", "choice:1", "default"]);
    expect(route[0].label).toBe("$.total > 100");
    expect(route[1].label).toBe('($.vip == true and $.country == "FR")');
    expect(route[2].label).toBe("Default");
  });

  it("draws Catchers as labelled catch edges", () => {
    const catchEdge = edgesFrom("Validate").find((e) => e.sourceHandle === "catch:0")!;
    expect(catchEdge.target).toBe("Reject");
    expect(catchEdge.label).toBe("Catch ValidationError, States.Timeout");
    expect(catchEdge.data.kind).toBe("catch");
  });

  it("adds start and end markers per block", () => {
    expect(edgesFrom("__start").map((e) => e.target)).toEqual(["Validate"]);
    expect(graph.edges.filter((e) => e.target === "__end").map((e) => e.source).sort()).toEqual(["Reject", "Ship"]);
    expect(edgesFrom("Ship[0]/__start").map((e) => e.target)).toEqual(["Ship[0]/Pack"]);
    expect(graph.edges.some((e) => e.source === "Ship[1]/Each[0]/Mail" && e.target === "Ship[1]/Each[0]/__end")).toBe(true);
  });

  it("nests branches as groups inside the container, sized around their children", () => {
    const ship = node("Ship");
    const groups = graph.nodes.filter((n) => n.parentId === "Ship");
    expect(groups.map((g) => g.id)).toEqual(["Ship[0]", "Ship[1]"]);
    for (const g of groups) expect(g.position.x + g.width).toBeLessThanOrEqual(ship.width);
    const ids = graph.nodes.map((n) => n.id);
    for (const n of graph.nodes) if (n.parentId) expect(ids.indexOf(n.parentId)).toBeLessThan(ids.indexOf(n.id));
  });

  it("uses stored positions and never writes them into the document", () => {
    const before = JSON.stringify(order);
    const moved = aslToGraph(order, { Review: { x: 500, y: 40 } });
    expect(moved.nodes.find((n) => n.id === "Review")!.position).toEqual({ x: 500, y: 40 });
    expect(JSON.stringify(order)).toBe(before);
  });
});

describe("layoutMachine", () => {
  it("lays out top-down with Choice rules left to right in rule order", async () => {
    const positions = await layoutMachine(order);
    expect(positions.Validate.y).toBeLessThan(positions.Route.y);
    expect(positions.Route.y).toBeLessThan(positions.Ship.y);
    expect(positions["Ship[0]"].x).toBeLessThan(positions["Ship[1]"].x);
    expect(positions["Ship[1]/Each[0]/Mail"]).toBeDefined();
  });

  it("keeps rule order when rules are reordered", async () => {
    const two: Machine = { StartAt: "C", States: { C: { Type: "Choice", Choices: [{ Variable: "$.a", IsPresent: true, Next: "L" }, { Variable: "$.b", IsPresent: true, Next: "R" }] }, L: { Type: "Succeed" }, R: { Type: "Succeed" } } };
    const p = await layoutMachine(two);
    expect(p.L.x).toBeLessThan(p.R.x);
    const swapped = structuredClone(two);
    swapped.States.C.Choices.reverse();
    const q = await layoutMachine(swapped);
    expect(q.R.x).toBeLessThan(q.L.x);
  });

  it("lays out 500 states", async () => {
    const big: Machine = { StartAt: "S0", States: {} };
    for (let i = 0; i < 500; i++) big.States[`S${i}`] = i < 499 ? { Type: "Pass", Next: `S${i + 1}` } : { Type: "Succeed" };
    const p = await layoutMachine(big);
    expect(Object.keys(p).length).toBe(502);
    // Speed is bench/designer.py's job; the generous bound only keeps a loaded machine from failing it.
  }, 60_000);

  it("changes its structure key only for structural edits", () => {
    const renamedComment = structuredClone(order);
    renamedComment.States.Validate.Comment = "hello";
    expect(structureKey(renamedComment)).toBe(structureKey(order));
    const rewired = structuredClone(order);
    rewired.States.Review.Next = "Reject";
    expect(structureKey(rewired)).not.toBe(structureKey(order));
  });
});

describe("choice rule labels and operators", () => {
  it("covers every data-test operator and its Path twin", () => {
    expect(OPERATORS).toHaveLength(39);
    expect(describeRule({ Not: { Variable: "$.x", IsNull: true } })).toBe("not $.x is null");
    expect(describeRule({ Condition: "{% $states.input.ok %}" })).toBe("$states.input.ok");
    expect(describeRule({ Variable: "$.a", StringEqualsPath: "$.b" })).toBe("$.a == $.b");
  });
});

describe("import and export", () => {
  it("reads a SAM template's Definition and a CloudFormation DefinitionString", () => {
    const sam = `Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A: { Type: Pass, End: true }\n`;
    expect(importFile("template.yaml", sam)[0].definition.StartAt).toBe("A");
    const cfn = JSON.stringify({ Resources: { M: { Type: "AWS::StepFunctions::StateMachine", Properties: { DefinitionString: { "Fn::Sub": JSON.stringify(order) } } } } });
    expect(importFile("stack.json", cfn)[0]).toMatchObject({ source: "M", definition: order });
    const short = `Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}\n`;
    expect(importFile("t.yml", short)[0].definition.States.A.Type).toBe("Succeed");
  });

  it("round-trips every conformance definition through JSON and YAML", () => {
    const cases = resolve(__dirname, "../../../../../shared/conformance/cases.jsonl");
    if (!existsSync(cases)) return;
    const lines = readFileSync(cases, "utf8").split("\n").filter(Boolean);
    let count = 0;
    for (const line of lines) {
      const definition = JSON.parse(line).definition;
      if (!definition || typeof definition !== "object" || typeof definition.States !== "object") continue;
      for (const format of ["json", "yaml"] as const) {
        const name = format === "json" ? "m.asl.json" : "m.asl.yaml";
        expect(importFile(name, stringify(definition, format))[0].definition).toEqual(definition);
      }
      aslToGraph(definition, {});
      count++;
    }
    expect(count).toBeGreaterThan(0);
  });
});

describe("mergePositions", () => {
  const doc: Machine = { StartAt: "A", States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Succeed" } } };
  const auto = { __start: { x: 64, y: 0 }, A: { x: 0, y: 84 }, B: { x: 0, y: 188 }, __end: { x: 64, y: 292 } };

  it("keeps ELK's markers when the user placed nothing", () => {
    expect(mergePositions(doc, auto, {})).toEqual(auto);
  });

  it("puts the Start marker above a start state the user placed, and End below the ending state", () => {
    const merged = mergePositions(doc, auto, { A: { x: 400, y: 500 }, B: { x: 700, y: 900 } });
    expect(merged.__start.y).toBeLessThan(500);
    expect(merged.__start.x + 36).toBe(400 + 100);
    expect(merged.__end.y).toBeGreaterThan(900 + 48);
    expect(merged.__end.x + 36).toBe(700 + 100);
  });

  it("leaves markers the user moved where they are", () => {
    const merged = mergePositions(doc, auto, { A: { x: 400, y: 500 }, __start: { x: 1, y: 2 } });
    expect(merged.__start).toEqual({ x: 1, y: 2 });
  });
});
