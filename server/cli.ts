#!/usr/bin/env node
// The `akash-ref-api` binary. It loads nothing heavy itself: it checks the Node version first (an
// older Node would fail later on node:sqlite; ../sdk/node-guard.ts), then `serve` starts itself again with the server's V8
// flags and environment, so the bin, `node dist/server/cli.js serve` and `make server` all run with
// the same memory behaviour. The flags cannot sit in the shebang: a Node that does not know one of
// them (Node 22 has no --memory-saver-mode) refuses to start before any check could explain why.
//
// Why these flags, measured in bench/results/server.md: a small young generation and a capped old
// space keep the heap near its live set (about 40 MB) instead of growing to hundreds of MB under
// load; optimizing on the main thread instead of a background one keeps the compiler's scratch
// memory out of RSS (about 25 MB less after load), and glibc returns freed blocks of 64 KiB and more
// at once; memory-saver mode makes the collector size the heap to its live set and compact instead
// of keeping the free room a load burst left (about 35 MB less RSS after load). Its idle-time
// "memory reducer" collections are off: after each idle spell they left the next seconds of reads
// ~12% slower, and the heap is kept small without them. --optimize-for-size would save RSS too, but
// slows all JavaScript: it costs a fifth of the read throughput.
import "../sdk/node-guard";

/** V8 flags the server runs with (`serve` adds them to its own command line, see relaunch). */
export const SERVER_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=2",
  "--max-old-space-size=128",
  "--no-concurrent-recompilation",
  // V8 12 (Node 22) does not know this flag and node refuses to start with it.
  ...(Number(process.versions.node.split(".")[0]) >= 24 ? ["--memory-saver-mode"] : []),
  "--no-memory-reducer",
];

/** Environment the server runs with: glibc's malloc tuning, read at process start. */
export const SERVER_ENV = { MALLOC_MMAP_THRESHOLD_: "65536" } as const;

/** Set in the relaunched server's environment, so that it does not relaunch again. */
const RELAUNCHED_ENV = "AKASH_REF_RELAUNCHED";

/**
 * Starts this command again with SERVER_NODE_FLAGS (before the caller's own node flags, which win)
 * and SERVER_ENV, in the same process (execve, in every Node that package.json's engines allow):
 * same pid, stdio and signals, so whoever started it sees one server and its exit code.
 */
function relaunch(): never {
  const args = [...SERVER_NODE_FLAGS, ...process.execArgv, __filename, ...process.argv.slice(2)];
  const env = { ...process.env, ...SERVER_ENV, [RELAUNCHED_ENV]: "1" };
  return process.execve!(process.execPath, [process.execPath, ...args], env);
}

if (require.main === module) {
  if (process.argv[2] === "serve" && !process.env[RELAUNCHED_ENV]) relaunch();
  else void import("./cli-commands.js").then((commands) => commands.main());
}
