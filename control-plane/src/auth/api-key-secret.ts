import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Every Runfleet API key starts with this, so leaked keys are recognisable by scanners. */
export const API_KEY_PREFIX = "rf_";

/** A freshly generated secret with what the store keeps of it. */
export interface GeneratedSecret {
  /** The secret itself: shown once, never stored. */
  secret: string;
  /** The first characters, stored to let people recognise the key. */
  prefix: string;
  /** SHA-256 of the secret, hex: what the store keeps. */
  hash: string;
}

/** Generates a key secret of 32 random bytes (base64url), prefixed with `rf_`. */
export function generateSecret(prefix: string = API_KEY_PREFIX): GeneratedSecret {
  const secret = `${prefix}${randomBytes(32).toString("base64url")}`;
  return { secret, prefix: secret.slice(0, prefix.length + 6), hash: hashSecret(secret) };
}

/**
 * Hashes a secret for storage and lookup. A fast hash is right here: the secrets are 256-bit random
 * values, so there is nothing to brute-force, and the hash is computed on every request.
 */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares two hex hashes in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Extracts the credential from an `Authorization` header: `Bearer <key>` as RunPod clients send it, or
 * the raw key as RunPod's curl examples and its worker SDK send it.
 */
export function credentialFromHeader(header: string | null | undefined): string | undefined {
  if (!header) {
    return undefined;
  }
  const trimmed = header.trim();
  const match = /^bearer\s+(.+)$/i.exec(trimmed);
  const credential = (match ? match[1] : trimmed)?.trim();
  return credential ? credential : undefined;
}
