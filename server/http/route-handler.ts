import type { Context } from "hono";
import type { z } from "zod";
import type { OperationId, RouteDefinition, Routes } from "../../sdk/contract";
import type { AppEnv } from "./app-env";
import type { JsonBody } from "./json-body";

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a handler receives: the validated request parts and the Hono context. */
export interface HandlerInput<R extends RouteDefinition> {
  params: Output<R["params"]>;
  query: Output<R["query"]>;
  body: Output<R["body"]>;
  c: Context<AppEnv>;
}

/**
 * Returns the success body (sent with the route's success status): a value or one already
 * serialized; nothing for 204 routes.
 */
export type RouteHandler<R extends RouteDefinition> = (
  input: HandlerInput<R>,
) => Promise<z.input<NonNullable<R["response"]>> | JsonBody<z.input<NonNullable<R["response"]>>> | void>;

/** One handler per operation of the contract's route table; the compiler insists on all of them. */
export type Handlers = { [K in OperationId]: RouteHandler<Routes[K]> };

/** Handlers of one endpoint group. */
export type HandlerGroup<K extends OperationId> = { [P in K]: RouteHandler<Routes[P]> };
