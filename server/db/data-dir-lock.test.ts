import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openServices, startServer } from "../index";
import { resolveConfig } from "../config";
import { lockDataDir } from "./data-dir-lock";

describe("one server per SQLite data dir", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "akash-ref-lock-"));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test("a second server on the same data dir fails to start and says what to do; the CLI's store access still works", async () => {
    const dir = tempDir();
    const first = await startServer({ logLevel: "silent", dataDir: dir });
    try {
      await assert.rejects(
        startServer({ logLevel: "silent", dataDir: dir }),
        (error: Error) =>
          error.message.includes(`already serving the data dir ${dir}`) &&
          error.message.includes("--database-url"),
      );
      // `users create/credit` open the store without claiming it, beside the running server.
      const { services, store } = await openServices(resolveConfig({ dataDir: dir, logLevel: "silent" }));
      try {
        const created = await services.users.create("side@example.com", 3);
        assert.ok(created.apiKey);
      } finally {
        await store.close();
      }
    } finally {
      await first.close();
    }
    const next = await startServer({ logLevel: "silent", dataDir: dir });
    await next.close();
  });

  test("the claim dies with its process, even on SIGKILL", async () => {
    const dir = tempDir();
    const holder = spawn(
      process.execPath,
      [
        "-e",
        `require(${JSON.stringify(require.resolve("./data-dir-lock"))}).lockDataDir(${JSON.stringify(dir)}); console.log("locked"); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    assert.throws(() => lockDataDir(dir), /already serving/);
    const exited = new Promise((resolve) => holder.once("exit", resolve));
    holder.kill("SIGKILL");
    await exited;
    lockDataDir(dir).release();
  });
});
