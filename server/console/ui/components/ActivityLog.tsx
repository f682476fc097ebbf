// The provider's logs and Kubernetes-style events for a deployment (AEP-63 draft: /v1/logs, /v1/events).
import type { ComponentChildren } from "preact";
import type { Api } from "../api";
import { formatDate } from "../format";
import { useLoad, type Loaded } from "../use-load";
import { ErrorText } from "./Alert";

/** A titled panel over a list that loads on its own and can be refreshed. */
function RefreshingPanel<T>(props: {
  id: string;
  title: string;
  loaded: Loaded<T[]>;
  empty: string;
  children: (items: T[]) => ComponentChildren;
}) {
  const { id, title, loaded, empty } = props;
  return (
    <section class="panel" aria-labelledby={id}>
      <div class="title-row">
        <h2 id={id}>{title}</h2>
        <button
          type="button"
          onClick={loaded.reload}
          disabled={loaded.loading}
          aria-label={`Refresh ${title.toLowerCase()}`}
        >
          Refresh
        </button>
      </div>
      <ErrorText message={loaded.error} />
      {loaded.data === undefined ? null : loaded.data.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        props.children(loaded.data)
      )}
    </section>
  );
}

export function LogsPanel({ api, dseq }: { api: Api; dseq: string }) {
  const logs = useLoad(() => api.logs(dseq), "load the logs", [api, dseq]);
  return (
    <RefreshingPanel id="logs-title" title="Logs" loaded={logs} empty="No log lines yet.">
      {(lines) => (
        <pre class="log" tabIndex={0} aria-label="Log lines">
          {lines.map((l) => `${formatDate(l.timestamp)}  ${l.service}  ${l.message}`).join("\n")}
        </pre>
      )}
    </RefreshingPanel>
  );
}

export function EventsPanel({ api, dseq }: { api: Api; dseq: string }) {
  const events = useLoad(() => api.events(dseq), "load the events", [api, dseq]);
  return (
    <RefreshingPanel id="events-title" title="Events" loaded={events} empty="No events yet.">
      {(list) => (
        <ol class="events">
          {list.map((ev, i) => (
            <li key={i}>
              <time dateTime={ev.timestamp}>{formatDate(ev.timestamp)}</time>{" "}
              <span class={`badge ${ev.type === "Warning" ? "warn" : ""}`}>{ev.reason}</span> {ev.message}
            </li>
          ))}
        </ol>
      )}
    </RefreshingPanel>
  );
}
