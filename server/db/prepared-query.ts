import { createQueryId, type CompiledQuery, type Compilable, type Kysely } from "kysely";

/** Marks where a named parameter lands in the compiled SQL; never reaches the database. */
const PLACEHOLDER = "\u0000prepared-query-parameter:";

type Slot<P> = { name: keyof P } | { value: unknown };

interface Compiled<P, R> {
  query: CompiledQuery<R>;
  slots: Slot<P>[];
}

/**
 * A query of fixed shape whose SQL is built and compiled once per database handle, then run with
 * fresh parameters. On the hot read paths, building and compiling a Kysely query costs about as much
 * as running the small indexed SELECT itself. The builder receives placeholders instead of the
 * parameters, so it must use each parameter as a plain value (no `in` lists, no branching on it).
 */
export class PreparedQuery<DB, P extends Record<string, string | number>, R> {
  readonly #build: (db: Kysely<DB>, params: P) => Compilable<R>;
  readonly #compiled = new WeakMap<Kysely<DB>, Compiled<P, R>>();

  constructor(build: (db: Kysely<DB>, params: P) => Compilable<R>) {
    this.#build = build;
  }

  async execute(db: Kysely<DB>, params: P): Promise<R[]> {
    const { query, slots } = this.#compile(db);
    const parameters = slots.map((slot) => ("name" in slot ? params[slot.name] : slot.value));
    const result = await db.executeQuery<R>({ ...query, parameters, queryId: createQueryId() });
    return result.rows;
  }

  async executeTakeFirst(db: Kysely<DB>, params: P): Promise<R | undefined> {
    return (await this.execute(db, params))[0];
  }

  #compile(db: Kysely<DB>): Compiled<P, R> {
    const cached = this.#compiled.get(db);
    if (cached) return cached;
    const placeholders = new Proxy({} as P, { get: (_, name) => `${PLACEHOLDER}${String(name)}` });
    const query = this.#build(db, placeholders).compile();
    const slots = query.parameters.map((value): Slot<P> =>
      typeof value === "string" && value.startsWith(PLACEHOLDER)
        ? { name: value.slice(PLACEHOLDER.length) as keyof P }
        : { value },
    );
    const compiled = { query, slots };
    this.#compiled.set(db, compiled);
    return compiled;
  }
}
