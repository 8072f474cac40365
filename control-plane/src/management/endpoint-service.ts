import type { components } from "@runfleet/sdk/generated";
import { compileEndpointSettings, ENDPOINT_DEFAULTS, withResetSettings } from "../domain/endpoint-settings.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { EndpointRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";

type Schemas = components["schemas"];

/** What happened to an endpoint, for the parts that react (queues, autoscaler, workers). */
export type EndpointChange =
  | { kind: "created"; endpoint: EndpointRecord }
  | { kind: "updated"; endpoint: EndpointRecord; previous: EndpointRecord }
  | { kind: "deleted"; endpoint: EndpointRecord };

/** Endpoints: a template plus autoscaling settings. */
export class EndpointService {
  private readonly listeners: ((change: EndpointChange) => void)[] = [];
  /** Endpoints are read on every job request; they change rarely, so they are cached here. */
  private readonly cache = new Map<string, EndpointRecord>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Drivers this control plane can run workers with; an endpoint may only ask for one of these. */
    private readonly availableDrivers: readonly string[] = ["process"],
  ) {}

  /** Calls `listener` after every create, update and delete. */
  onChange(listener: (change: EndpointChange) => void): void {
    this.listeners.push(listener);
  }

  /** Creates an endpoint after checking its template exists and its settings hold together. */
  async create(input: Schemas["EndpointCreate"]): Promise<EndpointRecord> {
    this.requireDriver(input.driver);
    await this.requireTemplate(input.templateId, "templateId");
    const now = this.clock.now();
    const endpoint: EndpointRecord = {
      id: newId("ep"),
      name: input.name,
      templateId: input.templateId,
      ...compileEndpointSettings(input),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.store.insertEndpoint(endpoint);
    this.cache.set(endpoint.id, endpoint);
    this.emit({ kind: "created", endpoint });
    return endpoint;
  }

  /** An endpoint, or 404. */
  async get(id: string): Promise<EndpointRecord> {
    const cached = this.cache.get(id);
    if (cached) {
      return cached;
    }
    const endpoint = await this.store.getEndpoint(id);
    if (!endpoint) {
      throw new ControlPlaneError("endpoint_not_found", `no endpoint with id ${id}`);
    }
    this.cache.set(id, endpoint);
    return endpoint;
  }

  /** All endpoints. */
  list(): Promise<EndpointRecord[]> {
    return this.store.listEndpoints();
  }

  /**
   * Applies a patch: the settings named in `reset` return to their defaults, then the given ones apply.
   * A new template or env bumps `version`, which tells workers of the old version to roll over;
   * scaling-only changes apply in place. (A null `driver`, the old way to drop an override, still works.)
   */
  async update(id: string, { reset, ...patch }: Schemas["EndpointUpdate"]): Promise<EndpointRecord> {
    const current = await this.get(id);
    this.requireDriver(patch.driver);
    if (patch.templateId !== undefined && patch.templateId !== current.templateId) {
      await this.requireTemplate(patch.templateId, "templateId");
    }
    const settings = compileEndpointSettings(
      patch,
      withResetSettings(current, { ...current, ...ENDPOINT_DEFAULTS }, patch, reset),
    );
    const next: EndpointRecord = {
      ...current,
      ...settings,
      name: patch.name ?? current.name,
      templateId: patch.templateId ?? current.templateId,
      updatedAt: this.clock.now(),
    };
    // A new type changes what the workers must be (handlers or HTTP servers): they roll over too.
    const rolls =
      next.templateId !== current.templateId ||
      next.type !== current.type ||
      JSON.stringify(next.env) !== JSON.stringify(current.env) ||
      JSON.stringify(next.secretEnv) !== JSON.stringify(current.secretEnv ?? {});
    if (rolls) {
      next.version = current.version + 1;
    }
    if (!(await this.store.replaceEndpoint(next))) {
      this.cache.delete(id);
      throw new ControlPlaneError("endpoint_not_found", `no endpoint with id ${id}`);
    }
    this.cache.set(id, next);
    this.emit({ kind: "updated", endpoint: next, previous: current });
    return next;
  }

  /** Bumps the version of every endpoint using a template that changed. */
  async rollTemplate(templateId: string): Promise<void> {
    for (const endpoint of await this.store.listEndpointsByTemplate(templateId)) {
      const next = { ...endpoint, version: endpoint.version + 1, updatedAt: this.clock.now() };
      await this.store.replaceEndpoint(next);
      this.cache.set(next.id, next);
      this.emit({ kind: "updated", endpoint: next, previous: endpoint });
    }
  }

  /** Deletes an endpoint, or 404. */
  async delete(id: string): Promise<void> {
    const endpoint = await this.get(id);
    await this.store.deleteEndpoint(id);
    this.cache.delete(id);
    this.emit({ kind: "deleted", endpoint });
  }

  private requireDriver(driver: string | null | undefined): void {
    if (driver !== undefined && driver !== null && !this.availableDrivers.includes(driver)) {
      throw new ControlPlaneError("validation_failed", `driver ${driver} is not available on this control plane`, {
        fields: [
          { field: "driver", message: `must be one of ${this.availableDrivers.join(", ")} (or null for the default)` },
        ],
      });
    }
  }

  private async requireTemplate(templateId: string, field: string): Promise<void> {
    if (!(await this.store.getTemplate(templateId))) {
      throw new ControlPlaneError("template_not_found", `no template with id ${templateId}`, {
        fields: [{ field, message: `template ${templateId} does not exist` }],
      });
    }
  }

  private emit(change: EndpointChange): void {
    for (const listener of this.listeners) {
      listener(change);
    }
  }
}
