import type { components } from "@runfleet/sdk/generated";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { RegistryAuthRecord } from "../store/records.js";
import { type Store, StoreConflictError } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/**
 * Container registry credentials that templates name in `containerRegistryAuthId` (RunPod's container
 * registry auth): the docker driver pulls a template's image with them. The password is sealed at rest by
 * the store and never leaves the control plane except towards the registry.
 */
export class RegistryAuthService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Stores new credentials; a taken name is a 409. */
  async create(input: Schemas["RegistryAuthCreate"]): Promise<RegistryAuthRecord> {
    const now = this.clock.now();
    const auth: RegistryAuthRecord = { id: newId("ra"), ...input, createdAt: now, updatedAt: now };
    await this.withNameCheck(auth.name, () => this.store.insertRegistryAuth(auth));
    return auth;
  }

  /** Credentials by id, or 404. */
  async get(id: string): Promise<RegistryAuthRecord> {
    const auth = await this.store.getRegistryAuth(id);
    if (!auth) {
      throw new ControlPlaneError("registry_auth_not_found", `no registry credentials with id ${id}`);
    }
    return auth;
  }

  /** All credentials, oldest first. */
  list(): Promise<RegistryAuthRecord[]> {
    return this.store.listRegistryAuths();
  }

  /** Changes the given fields. */
  async update(id: string, patch: Schemas["RegistryAuthUpdate"]): Promise<RegistryAuthRecord> {
    const current = await this.get(id);
    const next: RegistryAuthRecord = { ...current, ...patch, updatedAt: this.clock.now() };
    const replaced = await this.withNameCheck(next.name, () => this.store.replaceRegistryAuth(next));
    if (!replaced) {
      throw new ControlPlaneError("registry_auth_not_found", `no registry credentials with id ${id}`);
    }
    return next;
  }

  /** Deletes credentials unless a template names them (409 naming the templates). */
  async delete(id: string): Promise<void> {
    await this.get(id);
    const users = (await this.store.listTemplates()).filter((t) => t.containerRegistryAuthId === id);
    if (users.length > 0) {
      throw new ControlPlaneError(
        "registry_auth_in_use",
        `registry credentials ${id} are named by template(s) ${users.map((t) => t.id).join(", ")}; change them first`,
      );
    }
    await this.store.deleteRegistryAuth(id);
  }

  private async withNameCheck<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw new ControlPlaneError("name_taken", `registry credentials named "${name}" already exist`, {
          fields: [{ field: "name", message: "is already taken" }],
          cause: error,
        });
      }
      throw error;
    }
  }
}
