// Hash routing: the console is one static page, so routes live after '#' and the server needs no
// knowledge of them. Never put secrets in a route: it ends up in the browser history.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "deployments"; skip: number; state: "active" | "closed" }
  | { page: "deployment"; dseq: string }
  | { page: "keys" }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "") || "/deployments";
  const [pathname = "", query = ""] = path.split("?");
  if (pathname === "/deployments" || pathname === "/") {
    const params = new URLSearchParams(query);
    const skip = Number(params.get("skip") ?? "0");
    const state = params.get("state") === "closed" ? "closed" : "active";
    return { page: "deployments", skip: Number.isInteger(skip) && skip > 0 ? skip : 0, state };
  }
  if (pathname === "/keys") return { page: "keys" };
  const detail = /^\/deployments\/(\d+)$/.exec(pathname);
  if (detail?.[1]) return { page: "deployment", dseq: detail[1] };
  return { page: "not-found", path: pathname };
}

export const href = {
  deployments: (skip = 0, state: "active" | "closed" = "active") => {
    const query = [state === "closed" ? "state=closed" : "", skip > 0 ? `skip=${skip}` : ""].filter(Boolean);
    return query.length > 0 ? `#/deployments?${query.join("&")}` : "#/deployments";
  },
  deployment: (dseq: string) => `#/deployments/${dseq}`,
  keys: () => "#/keys",
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
