/**
 * A budget item of the stage table, as DynamoDB holds it (one per consumer and period): `c` is
 * used plus reserved in all, `u` used in all, `c:<model>` and `u:<model>` the same per model, and
 * each open reservation an `r:<id>` map of its tokens (n), model (m) and lease end (until, epoch
 * seconds). Read by the functions and by `npm run usage`.
 */
export type AttributeValue = {
  readonly N?: string;
  readonly S?: string;
  readonly M?: Readonly<Record<string, AttributeValue>>;
};
export type Item = Readonly<Record<string, AttributeValue>>;

/** The attribute names of a request's scopes and of its reservation. */
export function budgetNames(model: string, reservationId: string) {
  return {
    committed: "c",
    used: "u",
    modelCommitted: `c:${model}`,
    modelUsed: `u:${model}`,
    reservation: `r:${reservationId}`,
  };
}

export interface Tally {
  readonly used: number;
  /** Reserved by answers still running (leases not run out). */
  readonly reserved: number;
  /** Used plus live reservations: what a new request is measured against. */
  readonly committed: number;
}

export interface StoredReservation {
  readonly name: string;
  readonly model: string;
  readonly tokens: number;
  readonly until: number;
}

/** The reservations in an item: live ones, and those whose lease ran out (their answers stopped unsettled). */
export function reservationsOf(item: Item): StoredReservation[] {
  return Object.entries(item)
    .filter(([name]) => name.startsWith("r:"))
    .map(([name, v]) => ({
      name,
      model: v.M?.m?.S ?? "",
      tokens: Number(v.M?.n?.N ?? 0),
      until: Number(v.M?.until?.N ?? 0),
    }));
}

/** Used and live reserved tokens, in all and per model; reservations whose lease ran out count as released. */
export function liveTally(
  item: Item,
  nowSeconds: number,
): Tally & { readonly models: Readonly<Record<string, Tally>> } {
  const live = reservationsOf(item).filter((r) => r.until > nowSeconds);
  const num = (name: string) => Number(item[name]?.N ?? 0);
  const tally = (used: number, reserved: number): Tally => ({ used, reserved, committed: used + reserved });
  const models = Object.keys(item)
    .filter((name) => name.startsWith("u:") || name.startsWith("c:"))
    .map((name) => name.slice(2));
  const sum = (rs: typeof live) => rs.reduce((s, r) => s + r.tokens, 0);
  return {
    ...tally(num("u"), sum(live)),
    models: Object.fromEntries(
      [...new Set(models)].map((m) => [m, tally(num(`u:${m}`), sum(live.filter((r) => r.model === m)))]),
    ),
  };
}
