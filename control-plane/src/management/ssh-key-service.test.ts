import { generateKeyPairSync } from "node:crypto";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import { fingerprintOf, parsePublicKey } from "./ssh-key-service.js";

describe("parsePublicKey", () => {
  const pair = ssh2.utils.generateKeyPairSync("ed25519", { comment: "alice@laptop" });

  it("reads an OpenSSH public key line, comment and surrounding space included", () => {
    const parsed = parsePublicKey(`  ${pair.public}\n`);
    expect(parsed.type).toBe("ssh-ed25519");
    expect(parsed.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const blob = Buffer.from(pair.public.split(" ")[1] ?? "", "base64");
    expect(parsed.blob.equals(blob)).toBe(true);
    expect(fingerprintOf("ssh-ed25519", blob).fingerprint).toBe(parsed.fingerprint);
  });

  it.each([
    ["junk", "ssh-ed25519 not-a-key"],
    ["a PEM public key", generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString()],
  ])("refuses %s, naming publicKey", (_name, text) => {
    try {
      parsePublicKey(text);
      expect.unreachable();
    } catch (error) {
      expect(ControlPlaneError.is(error) && error.fields[0]?.field).toBe("publicKey");
    }
  });

  it("refuses a private key, saying to register the public one", () => {
    expect(() => parsePublicKey(pair.private)).toThrow(/private key/);
  });
});
