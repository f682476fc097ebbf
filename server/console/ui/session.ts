// The API key lives in sessionStorage only: it is gone when the tab closes and never enters a URL,
// a cookie or localStorage.
const STORAGE_KEY = "akash-console.api-key";

export function loadKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

/** The obfuscated form the API lists keys in (`ac.sk.env.abcdef***uvwxyz`), to recognise this session's key. */
export function obfuscate(key: string): string {
  const dot = key.lastIndexOf(".");
  const secret = key.slice(dot + 1);
  return `${key.slice(0, dot + 1)}${secret.slice(0, 6)}***${secret.slice(-6)}`;
}
