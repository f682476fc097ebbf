// How the Pulumi engine hands values to a provider, as far as the handlers must know: during a
// preview, an input computed by another resource that is not created yet arrives as this
// placeholder string (the Node dynamic provider passes it through unchanged). Handlers test for it
// with `isUnknown` and leave such values to be judged when `up` knows them.

/** The engine's placeholder for a value not known yet (during preview), as dynamic providers see it. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const isUnknown = (value: unknown) => value === UNKNOWN;
