import { MANAGED_POLICY_MAX_CHARS } from "../../reference/aws-limits";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./iam-policies";

/** One statement, or its `index`th part, over resources [from, to). */
interface Part {
  readonly statement: number;
  readonly index: number;
  readonly from: number;
  readonly to: number;
}

/** Which parts of which statements each managed policy holds. */
export type PageLayout = readonly (readonly Part[])[];

const resourcesOf = (st: PolicyStatement): readonly string[] => [st.Resource].flat();

function cut(statements: readonly PolicyStatement[], part: Part): PolicyStatement {
  const st = statements[part.statement];
  const whole = part.from === 0 && part.to === resourcesOf(st).length;
  if (whole) return st;
  return {
    ...st,
    Sid: part.index === 0 ? st.Sid : `${st.Sid}${part.index + 1}`,
    Resource: resourcesOf(st).slice(part.from, part.to),
  };
}

const sizeOf = (statements: readonly PolicyStatement[]) => JSON.stringify(policyDocument(statements)).length;

/**
 * Statements laid out as managed policies of at most `max` characters each: a statement too long
 * for one page is cut into statements over consecutive parts of its resources (Sid, Sid2, ...), and
 * each goes, in order, to the first page with room for it. The same statements give the same layout.
 */
export function pageLayout(statements: readonly PolicyStatement[], max = MANAGED_POLICY_MAX_CHARS): PageLayout {
  const pages: { statements: PolicyStatement[]; parts: Part[] }[] = [];
  statements.forEach((_, i) => {
    for (const part of partsOf(statements, i, max)) {
      const statement = cut(statements, part);
      // The first page with room: a long statement leaves room that later short ones fill.
      let page = pages.find((p) => sizeOf([...p.statements, statement]) <= max);
      if (!page) pages.push((page = { statements: [], parts: [] }));
      page.statements.push(statement);
      page.parts.push(part);
    }
  });
  return pages.map((p) => p.parts);
}

/** A statement as parts that each fit a page alone. */
function partsOf(statements: readonly PolicyStatement[], i: number, max: number): Part[] {
  const count = resourcesOf(statements[i]).length;
  const parts: Part[] = [];
  let from = 0;
  for (let to = 1; to <= count; to++) {
    const longer = { statement: i, index: parts.length, from, to };
    if (to - from > 1 && sizeOf([cut(statements, longer)]) > max) {
      parts.push({ ...longer, to: to - 1 });
      from = to - 1;
    }
  }
  parts.push({ statement: i, index: parts.length, from, to: count });
  if (parts.some((p) => sizeOf([cut(statements, p)]) > max))
    throw new Error(`IAM statement ${statements[i].Sid} does not fit a managed policy of ${max} characters`);
  return parts;
}

/**
 * The statements as the pages of a layout. The layout may come from other statements of the same
 * shape (the same Sids and resource counts), measured with values at least as long as these: the
 * CI stack's ARNs hold Terraform references, whose length says nothing of the values at apply.
 */
export function laidOut(statements: readonly PolicyStatement[], layout: PageLayout): PolicyDocument[] {
  const parts = layout.flat();
  const covers = (st: PolicyStatement, i: number) =>
    parts
      .filter((p) => p.statement === i)
      .sort((a, b) => a.index - b.index)
      .reduce((end, p) => (p.from === end ? p.to : -1), 0) === resourcesOf(st).length;
  if (parts.some((p) => p.statement >= statements.length) || !statements.every(covers))
    throw new Error("the policy layout is of other statements: other Sids or resource counts");
  return layout.map((page) => policyDocument(page.map((part) => cut(statements, part))));
}
