/**
 * A response body serialized ahead of time, sent as is with `Content-Type: application/json`.
 * `T` is the shape it was serialized from, so handlers stay checked against their route.
 */
export class JsonBody<T> {
  declare readonly shape?: T;

  constructor(readonly text: string) {}
}

const serialized = new WeakMap<object, string>();

/**
 * The `{ data }` body of a shared, immutable value (a cached read), serialized once per value: a
 * read answered from cache then costs no serialization either.
 */
export function dataBody<T extends object>(value: T): JsonBody<{ data: T }> {
  let text = serialized.get(value);
  if (text === undefined) {
    text = JSON.stringify({ data: value });
    serialized.set(value, text);
  }
  return new JsonBody(text);
}
