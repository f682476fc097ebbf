// The profile menu AEP-63 sketches: a disclosure button with the API keys page and sign-out.
// A disclosure (not an ARIA menu) so Tab, Enter and Escape behave as everywhere else on the page.
import { useEffect, useRef, useState } from "preact/hooks";
import { href } from "../router";

export function ProfileMenu({ onSignOut }: { onSignOut: () => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: Event) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onFocus = (e: FocusEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("focusin", onFocus);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("focusin", onFocus);
    };
  }, [open]);

  return (
    <div
      class="profile"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === "Escape" && open) {
          setOpen(false);
          button.current?.focus();
        }
      }}
    >
      <button
        type="button"
        ref={button}
        class="profile-button"
        aria-expanded={open}
        aria-controls="profile-menu"
        onClick={() => setOpen(!open)}
      >
        Account
      </button>
      <ul id="profile-menu" class="profile-menu" hidden={!open}>
        <li>
          <a href={href.keys()} onClick={() => setOpen(false)}>
            API keys
          </a>
        </li>
        <li>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </li>
      </ul>
    </div>
  );
}
