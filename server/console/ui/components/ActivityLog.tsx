// The provider's logs and Kubernetes-style events for a deployment (AEP-63 draft: /v1/logs, /v1/events).
import type { Api } from "../api";
import { formatDate } from "../format";
import { useLoad } from "../use-load";
import { ErrorText } from "./Alert";

export function LogsPanel({ api, dseq }: { api: Api; dseq: string }) {
  const logs = useLoad(() => api.logs(dseq), "load the logs", [api, dseq]);
  return (
    <section class="panel" aria-labelledby="logs-title">
      <div class="title-row">
        <h2 id="logs-title">Logs</h2>
        <button type="button" onClick={logs.reload} disabled={logs.loading} aria-label="Refresh logs">
          Refresh
        </button>
      </div>
      <ErrorText message={logs.error} />
      {logs.data === undefined ? null : logs.data.length === 0 ? (
        <p class="muted">No log lines yet.</p>
      ) : (
        <pre class="log" tabIndex={0} aria-label="Log lines">
          {logs.data.map((l) => `${formatDate(l.timestamp)}  ${l.service}  ${l.message}`).join("\n")}
        </pre>
      )}
    </section>
  );
}

export function EventsPanel({ api, dseq }: { api: Api; dseq: string }) {
  const events = useLoad(() => api.events(dseq), "load the events", [api, dseq]);
  return (
    <section class="panel" aria-labelledby="events-title">
      <div class="title-row">
        <h2 id="events-title">Events</h2>
        <button type="button" onClick={events.reload} disabled={events.loading} aria-label="Refresh events">
          Refresh
        </button>
      </div>
      <ErrorText message={events.error} />
      {events.data === undefined ? null : events.data.length === 0 ? (
        <p class="muted">No events yet.</p>
      ) : (
        <ol class="events">
          {events.data.map((ev, i) => (
            <li key={i}>
              <time dateTime={ev.timestamp}>{formatDate(ev.timestamp)}</time>{" "}
              <span class={`badge ${ev.type === "Warning" ? "warn" : ""}`}>{ev.reason}</span> {ev.message}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
