import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** What marks a sealed value: the scheme and its version, so that another scheme can follow. */
const SEALED_PREFIX = "rfenc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts secrets kept at rest (secret env values, `s3Config.accessSecret`) with AES-256-GCM: a random
 * 96-bit IV per value, and the GCM tag, which makes a tampered or wrongly keyed value fail loudly rather
 * than decrypt to garbage. A sealed value is text: `rfenc:v1:` then base64url of IV, tag and ciphertext.
 */
export class SecretBox {
  private readonly key: Buffer;

  /** `key` is 32 bytes, or any passphrase, which is hashed with SHA-256 into 32 bytes. */
  constructor(key: Buffer | string) {
    this.key = typeof key === "string" ? createHash("sha256").update(key, "utf8").digest() : key;
    if (this.key.length !== 32) {
      throw new Error(`an AES-256 key is 32 bytes, not ${this.key.length}`);
    }
  }

  /** A box with a random key: for throw-away stores, whose secrets need not outlive the process. */
  static ephemeral(): SecretBox {
    return new SecretBox(randomBytes(32));
  }

  /** Encrypts one value. */
  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
  }

  /** Decrypts a value sealed with this key; a value that is not sealed is returned as it is. */
  open(value: string): string {
    if (!SecretBox.isSealed(value)) {
      return value;
    }
    const raw = Buffer.from(value.slice(SEALED_PREFIX.length), "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch (error) {
      throw new Error(
        "a secret stored in the data directory cannot be decrypted: the secret key (RUNFLEET_SECRET_KEY or <dataDir>/secret-key) is not the one it was written with",
        { cause: error },
      );
    }
  }

  /** Seals every value of a map. */
  sealAll(values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, this.seal(value)]));
  }

  /** Opens every value of a map. */
  openAll(values: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, this.open(value)]));
  }

  /** True when `value` is a sealed value. */
  static isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }
}
