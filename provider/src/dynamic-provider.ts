import type { dynamic } from "@pulumi/pulumi";
import type { ResourceKind } from "./runtime/types.js";

/** The provider methods every resource kind shares, with inputs and outputs as plain objects. */
type Provider = dynamic.ResourceProvider<object, object>;

/**
 * The provider Pulumi serializes into each resource's state. It holds nothing but the resource kind:
 * every method imports `@runfleet/pulumi/runtime` by name when it is called (from the project's
 * node_modules) and delegates to it. So no credentials, URLs or clients are captured, state stays small,
 * and `pulumi destroy` (which runs the code stored in state) runs today's implementation.
 */
class DelegatingProvider implements Provider {
  constructor(private readonly kind: ResourceKind) {}

  async configure(request: dynamic.ConfigureRequest): Promise<void> {
    const runtime = await import("@runfleet/pulumi/runtime");
    runtime.providers.configure(request);
  }

  async check(olds: object, news: object): Promise<dynamic.CheckResult<object>> {
    const runtime = await import("@runfleet/pulumi/runtime");
    return (runtime.providers[this.kind] as Provider).check?.(olds, news) ?? { inputs: news };
  }

  async diff(id: string, olds: object, news: object): Promise<dynamic.DiffResult> {
    const runtime = await import("@runfleet/pulumi/runtime");
    return (runtime.providers[this.kind] as Provider).diff?.(id, olds, news) ?? { changes: false };
  }

  async create(inputs: object): Promise<dynamic.CreateResult<object>> {
    const runtime = await import("@runfleet/pulumi/runtime");
    return (runtime.providers[this.kind] as Provider).create(inputs);
  }

  async read(id: string, props?: object): Promise<dynamic.ReadResult<object>> {
    const runtime = await import("@runfleet/pulumi/runtime");
    return (runtime.providers[this.kind] as Provider).read?.(id, props) ?? { id, props };
  }

  async update(id: string, olds: object, news: object): Promise<dynamic.UpdateResult<object>> {
    const runtime = await import("@runfleet/pulumi/runtime");
    return (runtime.providers[this.kind] as Provider).update?.(id, olds, news) ?? {};
  }

  async delete(id: string, props: object): Promise<void> {
    const runtime = await import("@runfleet/pulumi/runtime");
    await (runtime.providers[this.kind] as Provider).delete?.(id, props);
  }
}

/**
 * One provider object per kind for all resources: Pulumi caches a provider's serialized text per object,
 * so sharing one serializes once and every resource stores the same text.
 */
export const delegatingProviders: Readonly<Record<ResourceKind, dynamic.ResourceProvider>> = {
  endpoint: new DelegatingProvider("endpoint"),
  template: new DelegatingProvider("template"),
  apiKey: new DelegatingProvider("apiKey"),
  registryAuth: new DelegatingProvider("registryAuth"),
  sshKey: new DelegatingProvider("sshKey"),
};
