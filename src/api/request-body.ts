/**
 * The control API takes no request body: every parameter is in the path or the query. A body
 * is refused from its headers alone and never read, so a huge one costs no memory (Bun drops
 * the unread rest once the answer is sent), and the refusal is the API's own JSON error.
 */
import { CanopyError } from "../errors.ts";

/** A declared body longer than this is `payload_too_large` (413); a shorter one `bad_request` (400). */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/**
 * The control servers' `maxRequestBodySize`: no limit, so Bun never answers a bare 413 before
 * the handler runs; `refuseRequestBody` answers every body instead, without reading it.
 */
export const SERVER_MAX_REQUEST_BODY_SIZE = Number.POSITIVE_INFINITY;

/** Throws when the request carries a body: 413 when its declared length is over the limit, else 400. */
export function refuseRequestBody(req: Request): void {
  const length = req.headers.get("content-length")?.trim();
  const chunked = req.headers.has("transfer-encoding");
  if (!chunked && (length === undefined || length === "0")) return;
  if (length !== undefined && /^\d+$/.test(length) && Number(length) > MAX_REQUEST_BODY_BYTES) {
    throw new CanopyError("payload_too_large", `request body of ${length} bytes refused unread: the control API takes no body (limit ${MAX_REQUEST_BODY_BYTES} bytes)`);
  }
  throw new CanopyError("bad_request", "the control API takes no request body; parameters go in the path and query string");
}
