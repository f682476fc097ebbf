// The deployment's secrets, by name only: the API never answers a value, and neither does this page.
import { secretNames } from "../format";
import type { ShownDeployment } from "../types";

export function SecretsPanel({ deployment }: { deployment: ShownDeployment }) {
  const names = secretNames(deployment.consoleSettings?.sdl);
  return (
    <section class="panel" aria-labelledby="secrets-title">
      <h2 id="secrets-title">Secrets</h2>
      {names.length === 0 ? (
        <p class="muted">
          No secrets. An SDL references one as <code>ac-secret://NAME</code>; its value travels sealed and is
          never shown again.
        </p>
      ) : (
        <>
          <p class="hint">Names only: values are sealed, stored encrypted and never shown.</p>
          <ul class="secret-names" data-testid="secret-names">
            {names.map((name) => (
              <li key={name}>
                <code>{name}</code> <span class="muted">(value hidden)</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
