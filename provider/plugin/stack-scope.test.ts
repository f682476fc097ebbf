import assert from "node:assert/strict";
import { test } from "node:test";
import { checkedScope, STACK_SCOPE } from "./stack-scope";

test("a provider without a recorded scope gets a new random one; a recorded one is kept", () => {
  const first = checkedScope({}, {});
  const second = checkedScope({}, {});
  assert.match(first.scope, /^stack-[0-9a-f]{32}$/);
  assert.notEqual(first.scope, second.scope, "two stacks never make the same scope");
  assert.deepEqual(checkedScope({ [STACK_SCOPE]: first.scope }, { apiKey: "k" }), {
    scope: first.scope,
    failures: [],
  });
});

test("configuration cannot set the scope; the recorded value itself is accepted", () => {
  const set = checkedScope({}, { [STACK_SCOPE]: "mine" });
  assert.deepEqual(
    set.failures.map((f) => f.property),
    [STACK_SCOPE],
  );
  assert.match(set.failures[0]!.reason, /akash:stackScope is made by the provider/);
  assert.deepEqual(checkedScope({ [STACK_SCOPE]: "s" }, { [STACK_SCOPE]: "s" }).failures, []);
});
