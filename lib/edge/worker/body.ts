/**
 * What the Worker does with a client's request body, decided before any of
 * it is read: refuse it (413) when its declared length is over the limit;
 * buffer it, bounded by the limit, only when the request may be retried on
 * another origin (an idempotent method); otherwise stream it to the one
 * origin, counted on the way so an undeclared length cannot exceed the limit
 * either. Memory per request is therefore at most the limit.
 */

export type RequestBody =
  | { readonly kind: "none" }
  /** Over the limit: answer 413, forward nothing. */
  | { readonly kind: "too large" }
  /** Read whole (at most the limit), resent to each origin tried. */
  | { readonly kind: "buffered"; readonly bytes: ArrayBuffer }
  /**
   * Sent once. `cut` aborts the send when the limit is passed (an errored
   * stream alone would let the runtime end the upload as if it were complete);
   * `exceeded()` then tells why the send failed.
   */
  | {
      readonly kind: "streamed";
      readonly stream: ReadableStream<Uint8Array>;
      readonly cut: AbortSignal;
      readonly exceeded: () => boolean;
    };

/** Thrown when the overall deadline passes while the client is still sending its body. */
export class DeadlineExceeded extends Error {
  override readonly name = "DeadlineExceeded";
}

export async function requestBody(
  request: Request,
  retryable: boolean,
  maxBytes: number,
  deadline: AbortSignal,
): Promise<RequestBody> {
  if (request.method === "GET" || request.method === "HEAD" || request.body === null) return { kind: "none" };
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared > maxBytes) return { kind: "too large" };
  if (retryable) return readBounded(request.body, maxBytes, deadline);
  // A declared length is enforced by HTTP framing itself: the body cannot run past it.
  const cut = new AbortController();
  if (declared !== undefined) {
    return { kind: "streamed", stream: request.body, cut: cut.signal, exceeded: () => false };
  }
  let seen = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          // Abort the send first, so the origin never sees a cut body end cleanly.
          cut.abort();
          controller.error(new Error("request body over the limit"));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  return { kind: "streamed", stream: counted, cut: cut.signal, exceeded: () => cut.signal.aborted };
}

/** `Content-Length` as a number, or undefined when absent or not a plain number (chunked bodies). */
function declaredLength(headers: Headers): number | undefined {
  const raw = headers.get("content-length");
  return raw !== null && /^[0-9]+$/.test(raw) ? Number(raw) : undefined;
}

async function readBounded(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  deadline: AbortSignal,
): Promise<RequestBody> {
  const reader = stream.getReader();
  const stop = new Promise<never>((_, fail) => {
    const abort = () => fail(new DeadlineExceeded("the client was still sending its body at the deadline"));
    if (deadline.aborted) abort();
    else deadline.addEventListener("abort", abort, { once: true });
  });
  // Never unhandled: a late abort after the body arrived rejects into nothing.
  stop.catch(() => undefined);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stop]);
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return { kind: "too large" };
      chunks.push(value);
    }
  } finally {
    // Frees the rest of an oversize or abandoned body without reading it.
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { kind: "buffered", bytes: bytes.buffer };
}
