// Choice rules: the operator table (JSONPath mode) and a short human label for each rule.
// ASL: Choice Rules — data-test expressions, And/Or/Not, and JSONata `Condition`.

export type OperandKind = "string" | "number" | "boolean" | "timestamp" | "path" | "pattern";

export interface Operator {
  name: string;
  symbol: string;
  operand: OperandKind;
}

const COMPARISONS: Array<[string, string]> = [
  ["Equals", "=="],
  ["LessThan", "<"],
  ["GreaterThan", ">"],
  ["LessThanEquals", "<="],
  ["GreaterThanEquals", ">="],
];
const FAMILIES: Array<[string, OperandKind]> = [
  ["String", "string"],
  ["Numeric", "number"],
  ["Timestamp", "timestamp"],
];

/** Every data-test operator, the `*Path` variants derived from the literal ones. */
export const OPERATORS: Operator[] = (() => {
  const ops: Operator[] = [];
  for (const [family, operand] of FAMILIES) {
    for (const [cmp, symbol] of COMPARISONS) {
      ops.push({ name: `${family}${cmp}`, symbol, operand });
      ops.push({ name: `${family}${cmp}Path`, symbol, operand: "path" });
    }
  }
  ops.push({ name: "BooleanEquals", symbol: "==", operand: "boolean" });
  ops.push({ name: "BooleanEqualsPath", symbol: "==", operand: "path" });
  ops.push({ name: "StringMatches", symbol: "matches", operand: "pattern" });
  for (const test of ["IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"]) {
    ops.push({ name: test, symbol: "is", operand: "boolean" });
  }
  return ops;
})();

export const OPERATOR_NAMES = new Set(OPERATORS.map((o) => o.name));

/** The operator field of a data-test rule, if any. */
export function ruleOperator(rule: any): string | undefined {
  return Object.keys(rule ?? {}).find((k) => OPERATOR_NAMES.has(k));
}

function short(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value ?? null);
  return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

/** A short label: `$.x == "a"`, `not($.y > 3)`, `(… and …)`, or the JSONata condition. */
export function describeRule(rule: any): string {
  if (!rule || typeof rule !== "object") return "?";
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (Array.isArray(rule.And)) return `(${rule.And.map(describeRule).join(" and ")})`;
  if (Array.isArray(rule.Or)) return `(${rule.Or.map(describeRule).join(" or ")})`;
  if (rule.Not) return `not ${describeRule(rule.Not)}`;
  const op = ruleOperator(rule);
  if (!op) return "?";
  const variable = rule.Variable ?? "$";
  if (op.startsWith("Is")) return `${variable} is ${rule[op] ? "" : "not "}${op.slice(2).toLowerCase()}`;
  const spec = OPERATORS.find((o) => o.name === op)!;
  const value = op.endsWith("Path") ? String(rule[op]) : short(rule[op]);
  return `${variable} ${spec.symbol} ${value}`;
}
