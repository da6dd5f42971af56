// Succeed: stops the execution (or branch) successfully.
import { defineNode } from "./defineNode";

export const succeedNode = defineNode({
  type: "Succeed",
  title: "Succeed",
  description: "Stop and succeed",
  color: "#1f8a4c",
  icon: "Succeed",
  defaults: () => ({ Type: "Succeed" }),
  subtitle: () => "Succeed",
  io: { InputPath: true, OutputPath: true, Output: true },
});
