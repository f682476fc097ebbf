// A deployment's runtime limit: how long it may run and how much of that is left.
import { formatDate, formatRelative } from "../format";
import type { ShownDeployment } from "../types";

export function RuntimeFact({ deployment }: { deployment: ShownDeployment }) {
  const settings = deployment.settings;
  if (!settings || settings.runtimeLimitHours === null) return null;
  const hours = `${settings.runtimeLimitHours} h`;
  const endsAt = settings.runtimeEndsAt ? new Date(settings.runtimeEndsAt) : null;
  return (
    <div>
      <dt>Runtime limit</dt>
      <dd data-testid="runtime">
        {endsAt === null ? (
          <>{hours}, counted from the first lease</>
        ) : settings.closed ? (
          <>
            {hours}, ended {formatDate(endsAt)}
          </>
        ) : (
          <>
            {hours}: <strong>{formatRelative(endsAt).replace(/^in /, "")} left</strong>{" "}
            <span class="muted">(closes {formatDate(endsAt)})</span>
          </>
        )}
      </dd>
    </div>
  );
}
