import { createHash } from "node:crypto";
import type { components } from "@runfleet/sdk/generated";
import ssh2 from "ssh2";
import { ControlPlaneError, invalidField } from "../errors/control-plane-error.js";
import type { SshKeyRecord } from "../store/records.js";
import { type Store, StoreConflictError } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/** A public key read from its OpenSSH line: its algorithm, wire form and fingerprint. */
export interface ParsedPublicKey {
  type: string;
  /** The key's wire form (what a client offers during authentication). */
  blob: Buffer;
  /** `SHA256:` and the unpadded base64 of the SHA-256 of the wire form, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

/**
 * Reads one OpenSSH public key line (`ssh-ed25519 AAAA… comment`); throws a 400 naming `publicKey` when
 * it is not one (a private key is refused as such, so that it is not stored by mistake).
 */
export function parsePublicKey(line: string): ParsedPublicKey {
  const parsed = ssh2.utils.parseKey(line.trim());
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    throw invalidField("publicKey", `is not an OpenSSH public key (${key?.message ?? "empty"})`);
  }
  if (key.isPrivateKey()) {
    throw invalidField("publicKey", "is a private key: register the public one (the .pub file)");
  }
  return fingerprintOf(key.type, key.getPublicSSH());
}

/** The fingerprint of a key's wire form. */
export function fingerprintOf(type: string, blob: Buffer): ParsedPublicKey {
  const digest = createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  return { type, blob, fingerprint: `SHA256:${digest}` };
}

/** SSH public keys for the gateway: registered by admins, looked up by fingerprint when a client offers one. */
export class SshKeyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Registers a key; one registered already is a 409 naming the existing id. */
  async create(input: Schemas["SshKeyCreate"], createdBy: string): Promise<SshKeyRecord> {
    const parsed = parsePublicKey(input.publicKey);
    const record: SshKeyRecord = {
      id: newId("ssh"),
      name: input.name,
      type: parsed.type,
      fingerprint: parsed.fingerprint,
      publicKey: `${parsed.type} ${parsed.blob.toString("base64")}`,
      createdBy,
      createdAt: this.clock.now(),
      lastUsedAt: null,
    };
    try {
      await this.store.insertSshKey(record);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        const existing = await this.store.findSshKeyByFingerprint(parsed.fingerprint);
        throw new ControlPlaneError(
          "ssh_key_exists",
          `this key (${parsed.fingerprint}) is registered already as ${existing?.id ?? "another key"}`,
          { cause: error },
        );
      }
      throw error;
    }
    return record;
  }

  /** Every key, oldest first. */
  list(): Promise<SshKeyRecord[]> {
    return this.store.listSshKeys();
  }

  /** One key, or a 404. */
  async get(id: string): Promise<SshKeyRecord> {
    const key = await this.store.getSshKey(id);
    if (!key) {
      throw new ControlPlaneError("ssh_key_not_found", `no SSH key with id ${id}`);
    }
    return key;
  }

  /** Removes a key, or a 404. */
  async delete(id: string): Promise<void> {
    if (!(await this.store.deleteSshKey(id))) {
      throw new ControlPlaneError("ssh_key_not_found", `no SSH key with id ${id}`);
    }
  }

  /**
   * The registered key whose wire form is `blob`, if any (the gateway's check: the fingerprint finds it,
   * then the whole key is compared, so that a hash collision could not pass).
   */
  async match(type: string, blob: Buffer): Promise<SshKeyRecord | undefined> {
    const { fingerprint } = fingerprintOf(type, blob);
    const key = await this.store.findSshKeyByFingerprint(fingerprint);
    if (key === undefined || key.publicKey !== `${key.type} ${blob.toString("base64")}`) {
      return undefined;
    }
    await this.store.touchSshKey(key.id, this.clock.now());
    return key;
  }
}
