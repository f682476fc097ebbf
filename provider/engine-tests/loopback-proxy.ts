// A proxy on loopback between the engine and the reference API, for faults a real network has and
// a test cannot otherwise time: an answer held back after the server acted on the request (so a
// kill lands after the server created a deployment but before the engine heard of it), or dropped
// altogether (the connection cut after the server committed).
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after } from "node:test";

export interface ProxyRules {
  /** Milliseconds to hold the answer to this request before passing it on (0: none). */
  holdMs?: (method: string, path: string) => number;
  /** True: the server handles the request, and its answer is thrown away with the connection. */
  dropAnswer?: (method: string, path: string) => boolean;
  /** An answer given here without asking the server (an API that lacks a route answers 404). */
  answer?: (method: string, path: string) => { status: number; body: string } | undefined;
  /** Told of each answer passed on, with when its request came (for timing what a client waited). */
  answered?: (method: string, path: string, receivedAt: number) => void;
}

export interface LoopbackProxy {
  url: string;
  rules: ProxyRules;
  /** Answers dropped so far. */
  dropped: number;
  close(): Promise<void>;
}

const open = new Set<Server>();
after(() => Promise.all([...open].map((s) => new Promise((r) => s.close(r)))));

export async function loopbackProxy(target: string, rules: ProxyRules = {}): Promise<LoopbackProxy> {
  const upstream = new URL(target);
  const proxy: LoopbackProxy = { url: "", rules, dropped: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const receivedAt = Date.now();
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const own = proxy.rules.answer?.(method, path);
    if (own) {
      req.resume();
      res.writeHead(own.status, { "content-type": "text/plain" });
      res.end(own.body);
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path: upstream.pathname.replace(/\/$/, "") + path,
        headers: req.headers,
      },
      (answer: IncomingMessage) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          if (proxy.rules.dropAnswer?.(method, path)) {
            proxy.dropped++;
            req.socket.destroy();
            return;
          }
          const send = () => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
            proxy.rules.answered?.(method, path, receivedAt);
          };
          const hold = proxy.rules.holdMs?.(method, path) ?? 0;
          if (hold > 0) setTimeout(send, hold);
          else send();
        });
      },
    );
    // The API being down (a test killed it) reads as a refused connection, as it would directly.
    forward.on("error", () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.add(server);
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = async () => {
    open.delete(server);
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return proxy;
}
