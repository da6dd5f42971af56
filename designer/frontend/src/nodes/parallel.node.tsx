// Parallel: runs each branch (its own StartAt/States block) on the same input, at once.
import { Section } from "../inspector/fields";
import { useEditor } from "../editor/store";
import { addBranch, removeBranch } from "../asl/ops";
import { defineNode } from "./defineNode";

export const parallelNode = defineNode({
  type: "Parallel",
  title: "Parallel",
  description: "Run branches at the same time",
  color: "#0f8a8a",
  icon: "Parallel",
  defaults: () => ({ Type: "Parallel", Branches: [
    { StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
    { StartAt: "Pass", States: { Pass: { Type: "Pass", End: true } } },
  ], End: true }),
  subtitle: (s) => `${(s.Branches ?? []).length} branches`,
  io: { InputPath: true, Parameters: "Parameters", ResultSelector: true, ResultPath: true, OutputPath: true, Arguments: true, Output: true, Assign: true },
  Section: ({ state, name, path }) => {
    const apply = useEditor((s) => s.apply);
    return (
      <Section title="Branches" actions={<button type="button" data-field="AddBranch" onClick={() => apply((d) => addBranch(d, path, name))}>Add branch</button>}>
        <ol className="branch-list">
          {(state.Branches ?? []).map((b: any, i: number) => (
            <li key={i}>
              <span>Branch {i + 1}: {Object.keys(b.States ?? {}).length} states, starts at {b.StartAt ?? "—"}</span>
              <button type="button" className="link danger" onClick={() => apply((d) => removeBranch(d, path, name, i))}>Remove</button>
            </li>
          ))}
        </ol>
      </Section>
    );
  },
});
