// The Choice rule builder: rules in order, each a data test (Variable + operator + value),
// a JSONata Condition, or And/Or/Not of nested tests; plus Next per rule and the Default.
import { OPERATORS, ruleOperator } from "../asl/choiceRules";
import { getBlock } from "../asl/scope";
import type { SectionProps } from "../nodes/defineNode";
import { Section, SelectField, TextField, withField } from "./fields";

type Rule = Record<string, any>;

function parseOperand(op: string, text: string): unknown {
  const spec = OPERATORS.find((o) => o.name === op);
  if (!spec) return text;
  if (spec.operand === "number") return text === "" || !Number.isFinite(Number(text)) ? text : Number(text);
  if (spec.operand === "boolean") return text === "true";
  return text;
}

function Test({ rule, onChange, field }: { rule: Rule; onChange: (r: Rule) => void; field: string }) {
  const combinator = rule.And ? "And" : rule.Or ? "Or" : rule.Not ? "Not" : rule.Condition !== undefined ? "Condition" : "Test";
  const setKind = (kind: string) => {
    const keep = rule.Next ? { Next: rule.Next } : {};
    if (kind === "And" || kind === "Or") onChange({ [kind]: [{ Variable: "$.", StringEquals: "" }], ...keep });
    else if (kind === "Not") onChange({ Not: { Variable: "$.", StringEquals: "" }, ...keep });
    else if (kind === "Condition") onChange({ Condition: "{% true %}", ...keep });
    else onChange({ Variable: "$.", StringEquals: "", ...keep });
  };
  const op = ruleOperator(rule) ?? "StringEquals";
  const spec = OPERATORS.find((o) => o.name === op)!;
  return (
    <div className="rule-test">
      <select aria-label="Rule kind" data-field={`${field}/Kind`} value={combinator} onChange={(e) => setKind(e.target.value)}>
        <option value="Test">Test</option>
        <option value="And">And</option>
        <option value="Or">Or</option>
        <option value="Not">Not</option>
        <option value="Condition">JSONata condition</option>
      </select>
      {combinator === "Test" && (
        <div className="rule-row">
          <input aria-label="Variable" data-field={`${field}/Variable`} value={rule.Variable ?? ""} placeholder="$.value" onChange={(e) => onChange({ ...rule, Variable: e.target.value })} />
          <select aria-label="Operator" data-field={`${field}/Operator`} value={op} onChange={(e) => {
            const next: Rule = { ...rule };
            delete next[op];
            const nextSpec = OPERATORS.find((o) => o.name === e.target.value)!;
            next[e.target.value] = nextSpec.operand === "boolean" ? true : nextSpec.operand === "number" ? 0 : nextSpec.operand === "path" ? "$." : "";
            onChange(next);
          }}>
            {OPERATORS.map((o) => <option key={o.name} value={o.name}>{o.name}</option>)}
          </select>
          {spec.operand === "boolean" ? (
            <select aria-label="Value" data-field={`${field}/${op}`} value={String(rule[op])} onChange={(e) => onChange({ ...rule, [op]: e.target.value === "true" })}>
              <option value="true">true</option><option value="false">false</option>
            </select>
          ) : (
            <input aria-label="Value" data-field={`${field}/${op}`} value={rule[op] === undefined ? "" : String(rule[op])} onChange={(e) => onChange({ ...rule, [op]: parseOperand(op, e.target.value) })} />
          )}
        </div>
      )}
      {combinator === "Condition" && (
        <input aria-label="Condition" data-field={`${field}/Condition`} value={rule.Condition ?? ""} onChange={(e) => onChange({ ...rule, Condition: e.target.value })} />
      )}
      {(combinator === "And" || combinator === "Or") && (
        <div className="rule-nested">
          {(rule[combinator] as Rule[]).map((inner, i) => (
            <div key={i} className="rule-nested-item">
              <Test rule={inner} field={`${field}/${combinator}/${i}`} onChange={(r) => { const list = [...rule[combinator]]; list[i] = r; onChange({ ...rule, [combinator]: list }); }} />
              <button type="button" className="link danger" onClick={() => onChange({ ...rule, [combinator]: rule[combinator].filter((_: Rule, j: number) => j !== i) })}>Remove</button>
            </div>
          ))}
          <button type="button" className="link" onClick={() => onChange({ ...rule, [combinator]: [...rule[combinator], { Variable: "$.", StringEquals: "" }] })}>+ Add condition</button>
        </div>
      )}
      {combinator === "Not" && (
        <div className="rule-nested"><Test rule={rule.Not} field={`${field}/Not`} onChange={(r) => onChange({ ...rule, Not: r })} /></div>
      )}
    </div>
  );
}

export function ChoiceRulesEditor({ state, change, doc, path, name, errors }: SectionProps) {
  const block = getBlock(doc, path);
  const targets = Object.keys(block?.States ?? {}).filter((n) => n !== name);
  const options: Array<[string, string]> = [["", "— choose a state —"], ...targets.map((t): [string, string] => [t, t])];
  const rules: Rule[] = state.Choices ?? [];
  const setRules = (list: Rule[]) => change({ ...state, Choices: list });
  const move = (i: number, d: number) => {
    const list = [...rules];
    const [r] = list.splice(i, 1);
    list.splice(i + d, 0, r);
    setRules(list);
  };
  return (
    <Section title="Choice rules" actions={<button type="button" data-field="AddRule" onClick={() => setRules([...rules, { Variable: "$.", StringEquals: "", Next: targets[0] ?? "" }])}>Add rule</button>}>
      {rules.length === 0 && <p className="muted">No rules yet. A Choice needs at least one rule.</p>}
      {rules.map((rule, i) => (
        <div className="rule" key={i}>
          <div className="rule-head">
            <strong>Rule #{i + 1}</strong>
            <span className="spacer" />
            <button type="button" className="link" disabled={i === 0} onClick={() => move(i, -1)} title="Move up">↑</button>
            <button type="button" className="link" disabled={i === rules.length - 1} onClick={() => move(i, 1)} title="Move down">↓</button>
            <button type="button" className="link danger" onClick={() => setRules(rules.filter((_, j) => j !== i))}>Delete</button>
          </div>
          <Test rule={rule} field={`Choices/${i}`} onChange={(r) => setRules(rules.map((x, j) => (j === i ? r : x)))} />
          <SelectField label="Then go to" field={`Choices/${i}/Next`} value={rule.Next ?? ""} options={options} error={errors[`Choices/${i}/Next`]} onChange={(v) => setRules(rules.map((x, j) => (j === i ? { ...x, Next: v } : x)))} />
          <TextField label="Comment" field={`Choices/${i}/Comment`} value={rule.Comment} onChange={(v) => setRules(rules.map((x, j) => (j === i ? withField(x, "Comment", v) : x)))} />
        </div>
      ))}
      <SelectField label="Default" field="Default" value={state.Default ?? ""} options={[["", "— none —"], ...targets.map((t): [string, string] => [t, t])]} onChange={(v) => change(withField(state, "Default", v))} />
    </Section>
  );
}
