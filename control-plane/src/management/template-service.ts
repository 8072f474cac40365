import type { components } from "@runfleet/sdk/generated";
import { compileTemplateSettings, TEMPLATE_DEFAULTS, withResetSettings } from "../domain/endpoint-settings.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { TemplateRecord } from "../store/records.js";
import { type Store, StoreConflictError } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/** Listens for template changes (endpoints roll their workers when their template changes). */
export type TemplateChangeListener = (template: TemplateRecord) => void;

/** Templates: what a worker runs (image and/or command, env, ports, limits). */
export class TemplateService {
  private readonly listeners: TemplateChangeListener[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Calls `listener` after every template update. */
  onChange(listener: TemplateChangeListener): void {
    this.listeners.push(listener);
  }

  /** Creates a template; a taken name is a 409. */
  async create(input: Schemas["TemplateCreate"]): Promise<TemplateRecord> {
    await this.requireRegistryAuth(input.containerRegistryAuthId);
    const now = this.clock.now();
    const template: TemplateRecord = {
      id: newId("tpl"),
      name: input.name,
      ...compileTemplateSettings(input),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.withNameCheck(template.name, () => this.store.insertTemplate(template));
    return template;
  }

  /** A template, or 404. */
  async get(id: string): Promise<TemplateRecord> {
    const template = await this.store.getTemplate(id);
    if (!template) {
      throw new ControlPlaneError("template_not_found", `no template with id ${id}`);
    }
    return template;
  }

  /** All templates. */
  list(): Promise<TemplateRecord[]> {
    return this.store.listTemplates();
  }

  /** Applies a patch (after returning the settings named in `reset` to their defaults); bumps the version when something a worker sees changed. */
  async update(id: string, { reset, ...patch }: Schemas["TemplateUpdate"]): Promise<TemplateRecord> {
    const current = await this.get(id);
    await this.requireRegistryAuth(patch.containerRegistryAuthId);
    const settings = compileTemplateSettings(
      patch,
      withResetSettings(current, { ...current, ...TEMPLATE_DEFAULTS }, patch, reset),
    );
    const next: TemplateRecord = { ...current, ...settings, name: patch.name ?? current.name };
    const workerVisible = JSON.stringify(settings) !== JSON.stringify(compileTemplateSettings({}, current));
    if (workerVisible) {
      next.version = current.version + 1;
    }
    next.updatedAt = this.clock.now();
    await this.withNameCheck(next.name, () => this.store.replaceTemplate(next));
    if (workerVisible) {
      for (const listener of this.listeners) {
        listener(next);
      }
    }
    return next;
  }

  /** Deletes a template unless an endpoint uses it (409 naming them). */
  async delete(id: string): Promise<void> {
    await this.get(id);
    const users = await this.store.listEndpointsByTemplate(id);
    if (users.length > 0) {
      throw new ControlPlaneError(
        "template_in_use",
        `template ${id} is used by endpoint(s) ${users.map((e) => e.id).join(", ")}; delete or repoint them first`,
      );
    }
    await this.store.deleteTemplate(id);
  }

  /** The registry credentials a template names must exist (404 naming the field). */
  private async requireRegistryAuth(id: string | undefined): Promise<void> {
    if (id !== undefined && !(await this.store.getRegistryAuth(id))) {
      throw new ControlPlaneError("registry_auth_not_found", `no registry credentials with id ${id}`, {
        fields: [{ field: "containerRegistryAuthId", message: `registry credentials ${id} do not exist` }],
      });
    }
  }

  private async withNameCheck<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw new ControlPlaneError("name_taken", `a template named "${name}" already exists`, {
          fields: [{ field: "name", message: "is already taken" }],
          cause: error,
        });
      }
      throw error;
    }
  }
}
