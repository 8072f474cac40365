import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.js";

describe("SecretBox", () => {
  it.each(["", "hf_abc123", "ünïcødé 🔑", "x".repeat(32768)])("round-trips %#", (plain) => {
    const box = new SecretBox(randomBytes(32));
    const sealed = box.seal(plain);
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(box.open(sealed)).toBe(plain);
  });

  it("never shows the value, and seals it differently each time", () => {
    const box = new SecretBox("a passphrase of thirty-two characters!");
    const a = box.seal("hf_abc123");
    const b = box.seal("hf_abc123");
    expect(a).not.toContain("hf_abc123");
    expect(a).not.toBe(b);
  });

  it("refuses a value sealed with another key, or tampered with, naming the key", () => {
    const sealed = new SecretBox("the first key, thirty-two chars long").seal("secret");
    expect(() => new SecretBox("the other key, thirty-two chars long").open(sealed)).toThrow(/secret key/);
    const box = new SecretBox("the first key, thirty-two chars long");
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    expect(() => box.open(tampered)).toThrow(/cannot be decrypted/);
  });

  it("passes values that were never sealed through (records written before encryption)", () => {
    expect(SecretBox.ephemeral().open("plain")).toBe("plain");
  });

  it("takes a 32-byte key as it is and refuses other lengths", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
