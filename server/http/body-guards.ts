import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./app-env";
import { ApiError, BareError } from "./errors";

/** The live API's request body limit. */
export const MAX_BODY_BYTES = 512 * 1024;

/** Past this, an oversized body is not read to the end: the connection is dropped instead. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

const tooLarge = () => new ApiError(413, `Request body is larger than ${MAX_BODY_BYTES / 1024} KiB`);

const streamingLimit = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw tooLarge();
  },
});

/**
 * 413 with the standard error body above 512 KiB. A declared Content-Length over the limit is
 * answered without buffering, after reading the rest of the upload so the client, still sending,
 * sees the 413 rather than a reset connection; chunked bodies are counted while streaming.
 */
export const limitBody: MiddlewareHandler<AppEnv> = async (c, next) => {
  const declared = Number(c.req.header("content-length") ?? Number.NaN);
  if (declared > MAX_BODY_BYTES) {
    if (declared <= DRAIN_LIMIT_BYTES) await drain(c.req.raw.body);
    throw tooLarge();
  }
  return streamingLimit(c, next);
};

async function drain(body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  try {
    while (!(await reader.read()).done) {
      // Discarding: only reaching the end matters.
    }
  } catch {
    // The client gave up; nothing to answer it anyway.
  }
}

/** Routes with a JSON body require `Content-Type: application/json` (live API: `{error}` only body). */
export const requireJsonContentType: MiddlewareHandler<AppEnv> = async (c, next) => {
  const contentType = c.req.header("content-type");
  if (!contentType) throw new BareError(400, "Content-Type header is required");
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") throw new BareError(400, "Unsupported Content-Type");
  await next();
};
