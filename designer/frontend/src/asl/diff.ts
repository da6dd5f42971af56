// A line diff (longest common subsequence) for comparing two revisions' definitions.

export interface DiffLine {
  op: " " | "+" | "-";
  text: string;
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Trim the common head and tail so the quadratic table covers only what changed.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const lcs: number[][] = Array.from({ length: am.length + 1 }, () => new Array(bm.length + 1).fill(0));
  for (let i = am.length - 1; i >= 0; i--) for (let j = bm.length - 1; j >= 0; j--) lcs[i][j] = am[i] === bm[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = a.slice(0, head).map((text) => ({ op: " ", text }));
  let i = 0;
  let j = 0;
  while (i < am.length || j < bm.length) {
    if (i < am.length && j < bm.length && am[i] === bm[j]) { out.push({ op: " ", text: am[i] }); i++; j++; }
    // A changed line reads as diffs print it: the old line (-) first, then the new one (+).
    else if (i < am.length && (j === bm.length || lcs[i + 1][j] >= lcs[i][j + 1])) { out.push({ op: "-", text: am[i] }); i++; }
    else { out.push({ op: "+", text: bm[j] }); j++; }
  }
  return out.concat(a.slice(a.length - tail).map((text) => ({ op: " " as const, text })));
}
