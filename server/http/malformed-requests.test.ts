import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../index";

interface LogLine {
  level: number;
  msg: string;
  status?: number;
  code?: string;
  reason?: string;
  path?: string;
}

/** Writes `raw` on a new connection and answers the status line of what came back. */
function sendRaw(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(answer.split("\r\n")[0] ?? ""));
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe("requests Node's HTTP parser rejects are logged as what the client got", () => {
  let server: RunningServer;
  let apiKey: string;
  const lines: LogLine[] = [];

  before(async () => {
    server = await startServer({
      logLevel: "info",
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
    });
    apiKey = (await server.createUser("raw@example.com", 10)).apiKey;
  });
  after(() => server.close());

  const cases: [string, () => string, number, string][] = [
    ["a malformed request line", () => "GARBAGE\r\n\r\n", 400, "HPE_INVALID_METHOD"],
    [
      "a control character in a header name",
      () => "GET /status HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: y\r\n\r\n",
      400,
      "HPE_INVALID_HEADER_TOKEN",
    ],
    [
      "invalid chunked encoding in a create's body",
      () =>
        "POST /v1/deployments HTTP/1.1\r\nHost: x\r\n" +
        `x-api-key: ${apiKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n` +
        '5\r\n{"dat\r\nzz\r\n',
      400,
      "HPE_INVALID_CHUNK_SIZE",
    ],
    [
      "headers above Node's limit",
      () => `GET /status HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      "HPE_HEADER_OVERFLOW",
    ],
  ];

  for (const [what, raw, status, code] of cases) {
    test(`${what}: the client gets ${status}, and the log says ${status} with the parser's reason, never an unhandled error`, async () => {
      const from = lines.length;
      assert.match(await sendRaw(server.port, raw()), new RegExp(`^HTTP/1.1 ${status} `));
      // The app's side of an aborted request is logged after the connection closes.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const logged = lines.slice(from);
      const rejected = logged.find((line) => line.code === code);
      assert.ok(rejected, `a line naming ${code}: ${JSON.stringify(logged)}`);
      assert.equal(rejected.status, status);
      assert.equal(rejected.level, 40, "warn");
      assert.ok(rejected.reason, "the parser's reason");
      assert.match(rejected.msg, new RegExp(`malformed request: answered ${status}`));
      for (const line of logged) {
        assert.notEqual(line.msg, "unhandled error", JSON.stringify(line));
        assert.ok(line.level < 50, `nothing logged at error: ${JSON.stringify(line)}`);
        if (line.status !== undefined) assert.equal(line.status, status, JSON.stringify(line));
      }
    });
  }

  test("a client that goes away mid-body: an aborted request at info, no error, nothing created", async () => {
    const from = lines.length;
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => {
        socket.write(
          "POST /v1/deployments HTTP/1.1\r\nHost: x\r\n" +
            `x-api-key: ${apiKey}\r\nContent-Type: application/json\r\nIdempotency-Key: gone-1\r\n` +
            'Content-Length: 100\r\n\r\n{"data":',
          () => setTimeout(() => socket.destroy(), 50),
        );
      });
      socket.on("close", () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const logged = lines.slice(from);
    assert.ok(
      logged.some((line) => line.level === 30 && /request aborted/.test(line.msg)),
      JSON.stringify(logged),
    );
    for (const line of logged) {
      assert.notEqual(line.msg, "unhandled error", JSON.stringify(line));
      assert.ok(line.level < 50, JSON.stringify(line));
    }
    const listing = await fetch(`${server.url}/v1/deployments`, { headers: { "x-api-key": apiKey } });
    assert.equal(
      ((await listing.json()) as { data: { pagination: { total: number } } }).data.pagination.total,
      0,
    );
  });
});
