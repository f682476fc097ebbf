// The plugin's counterpart of the Node classes' StackIdentity: a random scope for the creation keys
// of a stack's deployments, made by CheckConfig and kept in the stack's own state as an input of
// its akash provider (the default one, or each explicit one). The engine gives CheckConfig the
// recorded inputs as olds, so later runs keep the scope, a re-run after a killed `up` included (a
// provider is checkpointed before any resource that uses it); another stack, even one with the same
// project, stack and resource names on another backend, makes its own. A scope recorded for the
// first time (state written before scopes) is a change of the provider's configuration: the engine
// configures a provider it deems unchanged with the inputs it loaded from state, so only an update
// hands the scope to the provider serving the stack's resources. (A default provider made by
// `pulumi import` has none either: the importer records the stack config, not CheckConfig's answer.)
import { randomBytes } from "node:crypto";
import type { CheckFailure } from "../resources/handler";
import { PACKAGE } from "../schema/describe";

export const STACK_SCOPE = "stackScope";

/** The provider's scope: the one recorded in state, else a new one. Configuration cannot set it. */
export function checkedScope(
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): { scope: string; failures: CheckFailure[] } {
  const recorded = olds[STACK_SCOPE];
  const scope =
    typeof recorded === "string" && recorded ? recorded : `stack-${randomBytes(16).toString("hex")}`;
  const given = news[STACK_SCOPE];
  const failures =
    given === undefined || given === scope
      ? []
      : [
          {
            property: STACK_SCOPE,
            reason: `${PACKAGE}:${STACK_SCOPE} is made by the provider and kept in the stack's state; remove it from the configuration`,
          },
        ];
  return { scope, failures };
}

/** DiffConfig's part for the scope: it changes only when state had none (it is never replaced). */
export const scopeChanges = (olds: Record<string, unknown>, news: Record<string, unknown>): string[] =>
  olds[STACK_SCOPE] === news[STACK_SCOPE] ? [] : [STACK_SCOPE];
