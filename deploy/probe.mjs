/**
 * The container's health check: `node deploy/probe.mjs URL` exits 0 when URL answers 200 within 2 s,
 * 1 otherwise. Plain JavaScript and Node's own fetch, so it starts fast and needs no tsx: the images
 * have no curl or wget (node:20-bookworm-slim).
 */
const url = process.argv[2];
if (!url) {
  console.error('usage: node deploy/probe.mjs http://127.0.0.1:8080/livez');
  process.exit(2);
}
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (response.status !== 200) console.error(`${url}: ${response.status}`);
  process.exit(response.status === 200 ? 0 : 1);
} catch (error) {
  console.error(`${url}: ${error.message}`);
  process.exit(1);
}
