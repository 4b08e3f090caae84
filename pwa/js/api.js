// The one HTTP client of the app: JSON in and out, the bearer token, timeouts and error kinds.

const TIMEOUT_MS = 30000;
let bearerToken = null;
let lastServerTime = null;

/** The server answered with an error (a problem document when it could). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = (problem && problem.code) || "http_" + status;
    this.problem = problem;
    this.retryAfter = retryAfter; // ms the server asked to wait before trying again (Retry-After), or null
  }
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`, or null. */
export function parseRetryAfter(header, now = Date.now()) {
  if (!header) return null;
  const text = String(header).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The server could not be reached (no network, timeout, server down behind a proxy). */
export class NetworkError extends Error {}

/** Use this token for the following requests (null after signing out). */
export function setToken(token) {
  bearerToken = token;
}

/**
 * The server's time by the Date header of its last reply, and ours when it came: {server, local}
 * in ms, or null. It tells whether this phone's date is right.
 */
export function serverTime() {
  return lastServerTime;
}

function noteServerTime(response) {
  const server = Date.parse(response.headers.get("Date") || "");
  if (!Number.isNaN(server)) lastServerTime = { server, local: Date.now() };
}

const GZIP_MIN_BYTES = 1024;

// The JSON text of a body, gzip-compressed when it is worth it and the browser can: a day's push
// shrinks to a fifth on a slow rural connection. The server inflates it (Content-Encoding: gzip).
async function encoded(body, headers) {
  const text = JSON.stringify(body);
  if (text.length < GZIP_MIN_BYTES || typeof CompressionStream === "undefined") return text;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  headers["Content-Encoding"] = "gzip";
  return new Response(stream).arrayBuffer();
}

/** Send a request to the server; resolves with the decoded JSON body (null for 204). */
export async function request(method, path, body) {
  const headers = { Accept: "application/json" };
  if (bearerToken) headers.Authorization = "Bearer " + bearerToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const sent = body === undefined ? undefined : await encoded(body, headers);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: sent,
      signal: controller.signal,
      credentials: "omit",
      cache: "no-store",
    });
  } catch (error) {
    throw new NetworkError(error.message);
  } finally {
    clearTimeout(timer);
  }
  noteServerTime(response);
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, payload, parseRetryAfter(response.headers.get("Retry-After")));
  return payload;
}

/** GET a JSON resource. */
export function get(path) {
  return request("GET", path);
}

/** POST a JSON body. */
export function post(path, body) {
  return request("POST", path, body);
}
