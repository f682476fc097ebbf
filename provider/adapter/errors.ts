// How a handler's failure reaches the engine, whichever adapter carries it: the key scrubbed from
// the text, and a PartialCreateError as the engine's init failure (id and properties kept in state,
// so the next up or destroy handles the half-made object instead of leaking it).
import { PartialCreateError, type CheckFailure } from "../resources/handler";

export interface InitFailure {
  message: string;
  id: string;
  properties: object;
  reasons: string[];
}

export type EngineError = { kind: "init"; failure: InitFailure } | { kind: "error"; message: string };

export function engineError(err: unknown, what: string, scrub: (text: string) => string): EngineError {
  const message = scrub(err instanceof Error ? err.message : String(err));
  if (err instanceof PartialCreateError) {
    return {
      kind: "init",
      failure: { message, id: err.id, properties: err.properties, reasons: err.reasons.map(scrub) },
    };
  }
  return { kind: "error", message: `${what}: ${message}` };
}

/**
 * The engine prints a failing property's whole value before the reason ("property sdl value {...}
 * has a problem"): for a document such as an SDL that buries the one sentence that matters. Such a
 * failure is reported without the property, its reason naming it instead.
 */
export function withoutEcho(failure: CheckFailure, inputs: Record<string, unknown>): CheckFailure {
  const value = inputs[failure.property];
  if (typeof value !== "string" || (value.length <= 80 && !value.includes("\n"))) return failure;
  const named = failure.reason.toLowerCase().includes(failure.property.toLowerCase());
  return { property: "", reason: named ? failure.reason : `${failure.property}: ${failure.reason}` };
}
