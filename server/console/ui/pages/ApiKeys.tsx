// API keys page (AEP-63's sketch): list, create (the full key shown once), rename and delete.
import { useEffect, useRef, useState } from "preact/hooks";
import type { Api } from "../api";
import { ErrorText, StatusText } from "../components/Alert";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { CreateKeyForm } from "../components/CreateKeyForm";
import { NewKeyPanel } from "../components/NewKeyPanel";
import { RenameKeyForm } from "../components/RenameKeyForm";
import { describeError } from "../errors";
import { formatDate } from "../format";
import { obfuscate } from "../session";
import type { ApiKey, CreatedApiKey } from "../types";
import { useLoad } from "../use-load";

export function ApiKeysPage({ api, currentKey }: { api: Api; currentKey: string }) {
  const keys = useLoad(() => api.listKeys(), "load your API keys", [api]);
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);
  const [renaming, setRenaming] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState<ApiKey | undefined>(undefined);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [createdDone, setCreatedDone] = useState(false);
  const listTitle = useRef<HTMLHeadingElement>(null);
  // Where keyboard focus goes once an inline rename closes: back to that key's Rename button.
  const focusRenameOf = useRef<string | undefined>(undefined);
  const mine = obfuscate(currentKey);

  useEffect(() => {
    if (renaming !== undefined || !focusRenameOf.current) return;
    document
      .querySelector<HTMLButtonElement>(`[data-key-id="${focusRenameOf.current}"] .row-actions button`)
      ?.focus();
    focusRenameOf.current = undefined;
  });

  async function confirmDelete() {
    if (!deleting) return;
    setDeleteBusy(true);
    try {
      await api.deleteKey(deleting.id);
      setStatus(`Deleted the key “${deleting.name}”. Programs using it can no longer sign in.`);
      setDeleting(undefined);
      setDeleteError(undefined);
      keys.reload();
      listTitle.current?.focus();
    } catch (e) {
      setDeleteError(describeError(e, `delete the key “${deleting.name}”`));
      setDeleting(undefined);
    } finally {
      setDeleteBusy(false);
    }
  }

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <p class="lead">
        API keys let scripts and Pulumi programs use this account. Anyone holding a key can spend your credit,
        so keep keys secret and delete the ones you no longer use.
      </p>

      {created ? (
        <NewKeyPanel
          created={created}
          onDone={() => {
            setCreated(undefined);
            setCreatedDone(true);
          }}
        />
      ) : (
        <CreateKeyForm
          api={api}
          focusOnMount={createdDone}
          onCreated={(k) => {
            setCreated(k);
            setStatus(undefined);
            keys.reload();
          }}
        />
      )}

      <h2 id="key-list-title" ref={listTitle} tabIndex={-1}>
        Your keys
      </h2>
      <StatusText message={status} />
      <ErrorText message={deleteError ?? keys.error} />
      {keys.data === undefined ? (
        keys.loading ? (
          <p>Loading keys…</p>
        ) : null
      ) : keys.data.length === 0 ? (
        <p>You have no API keys yet.</p>
      ) : (
        <table class="cards" aria-labelledby="key-list-title">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <th scope="row" data-label="Name">
                  {renaming === k.id ? (
                    <RenameKeyForm
                      api={api}
                      apiKey={k}
                      onDone={(renamed) => {
                        focusRenameOf.current = k.id;
                        setRenaming(undefined);
                        if (renamed) {
                          setStatus(`Renamed the key to “${renamed.name}”.`);
                          keys.reload();
                        }
                      }}
                    />
                  ) : (
                    <>
                      {k.name || <em>(no name)</em>}
                      {k.keyFormat === mine ? <span class="badge">this session</span> : null}
                    </>
                  )}
                </th>
                <td data-label="Key">
                  <code>{k.keyFormat}</code>
                </td>
                <td data-label="Created">{formatDate(k.createdAt)}</td>
                <td data-label="Last used">{k.lastUsedAt ? formatDate(k.lastUsedAt) : "not yet"}</td>
                <td data-label="Expires">
                  {k.expiresAt ? (
                    <>
                      {formatDate(k.expiresAt)}
                      {new Date(k.expiresAt).getTime() <= Date.now() ? (
                        <span class="badge warn">expired</span>
                      ) : null}
                    </>
                  ) : (
                    "never"
                  )}
                </td>
                <td class="row-actions">
                  {renaming === k.id ? null : (
                    <>
                      <button
                        type="button"
                        aria-label={`Rename ${k.name || "unnamed key"}`}
                        onClick={() => setRenaming(k.id)}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete ${k.name || "unnamed key"}`}
                        onClick={() => {
                          setDeleteError(undefined);
                          setDeleting(k);
                        }}
                      >
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ConfirmDialog
        open={deleting !== undefined}
        title={`Delete the key “${deleting?.name ?? ""}”?`}
        confirmLabel="Delete key"
        busy={deleteBusy}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(undefined)}
      >
        <p>Programs and pipelines using this key stop working immediately. This cannot be undone.</p>
        {deleting?.keyFormat === mine ? (
          <p class="warn-text">This is the key you signed in with: you will be signed out.</p>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
