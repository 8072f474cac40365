import { randomBytes, randomUUID } from "node:crypto";

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A short random id with a kind prefix, e.g. `ep_k3x9m2q7d1` (10 base-36 characters, ~51 bits). */
export function newId(
  prefix: "ep" | "tpl" | "key" | "wk" | "evt" | "whd" | "cp" | "ses" | "ssh" | "ra" | "rep",
): string {
  const bytes = randomBytes(10);
  let id = "";
  for (const byte of bytes) {
    id += ALPHABET[byte % ALPHABET.length];
  }
  return `${prefix}_${id}`;
}

/** A job id in RunPod's style: a UUID with a suffix (`-u1`), or `sync-` first for `runsync` jobs. */
export function newJobId(kind: "async" | "sync"): string {
  return kind === "sync" ? `sync-${randomUUID()}-u1` : `${randomUUID()}-u1`;
}
