import type { components } from "@runfleet/sdk/generated";
import type { Principal } from "../../auth/principal.js";
import { ControlPlaneError } from "../../errors/control-plane-error.js";
import type { ExecActor, ExecService } from "../../exec/exec-service.js";
import type { SshGateway } from "../../exec/ssh-gateway.js";
import type { EndpointService } from "../../management/endpoint-service.js";
import type { SshKeyService } from "../../management/ssh-key-service.js";
import type { Store } from "../../store/store.js";
import { toIso } from "../../util/clock.js";
import type { OperationHandlers } from "../operation-types.js";
import { presentAuditEvent, presentSshKey } from "../presenters.js";

type ExecEvent = components["schemas"]["ExecEvent"];

/** Sessions inside workers, their audit log, and the SSH keys of the gateway. */
export type ExecHandlers = Pick<
  OperationHandlers,
  | "execInWorker"
  | "openWorkerShell"
  | "listAuditEvents"
  | "listSshKeys"
  | "createSshKey"
  | "getSshKey"
  | "deleteSshKey"
  | "getSshGateway"
>;

/** The actor an API key is recorded as. Only admin keys get this far (`x-runfleet-admin-only`). */
export function actorOf(principal: Principal | null): ExecActor {
  if (principal?.kind !== "apiKey") {
    throw new ControlPlaneError("forbidden", "sessions inside workers take an admin API key");
  }
  return { type: "apiKey", id: principal.key.id, name: principal.key.name };
}

/** Binds exec, the audit log and SSH keys to their services. */
export function execHandlers(deps: {
  store: Store;
  endpoints: EndpointService;
  exec: ExecService;
  sshKeys: SshKeyService;
  /** Where the SSH gateway listens, once it does; undefined while it is off. */
  sshGateway: () => Pick<SshGateway, "port" | "hostKeyFingerprint"> | undefined;
}): ExecHandlers {
  return {
    execInWorker: async ({ input, principal, signal, remoteAddress }) => {
      const actor = actorOf(principal);
      await deps.endpoints.get(input.path.endpointId);
      const events = new EventQueue<ExecEvent>();
      const session = await deps.exec.start({
        actor,
        endpointId: input.path.endpointId,
        workerId: input.path.workerId,
        command: input.body.command,
        tty: null,
        transport: "http",
        remoteAddress,
        timeoutMs: input.body.timeoutSeconds !== undefined ? input.body.timeoutSeconds * 1000 : undefined,
        onOutput: (stream, data) => events.push({ type: stream, data: data.toString("base64") }),
      });
      // Output that came before this line waits behind it: `started` is always first.
      events.pushFront({
        type: "started",
        sessionId: session.id,
        workerId: input.path.workerId,
        startedAt: toIso(session.startedAt),
      });
      if (input.body.stdin !== undefined && input.body.stdin.length > 0) {
        session.write(Buffer.from(input.body.stdin, "utf8"));
      }
      session.closeInput();
      // A client that hangs up ends the command, whichever way the server hears of it.
      const hangUp = () => session.cancel();
      signal.addEventListener("abort", hangUp, { once: true });
      session.ended.then(
        (end) => {
          signal.removeEventListener("abort", hangUp);
          events.push({ type: "exit", exitCode: end.exitCode, signal: end.signal, endedAt: toIso(end.endedAt) });
          events.end();
        },
        (error: unknown) => {
          signal.removeEventListener("abort", hangUp);
          events.push({ type: "error", message: (error as Error).message });
          events.end();
        },
      );
      events.onAbandoned(() => {
        signal.removeEventListener("abort", hangUp);
        hangUp();
      });
      return { status: 200, body: events };
    },
    openWorkerShell: async () => {
      throw new ControlPlaneError(
        "upgrade_required",
        "this path opens a WebSocket: send `Connection: Upgrade` and `Upgrade: websocket` (runfleet workers shell does)",
        { headers: { upgrade: "websocket", connection: "Upgrade" } },
      );
    },
    listAuditEvents: async ({ input }) => {
      const events = await deps.store.listAuditEvents({
        endpointId: input.query.endpointId,
        workerId: input.query.workerId,
        limit: input.query.limit,
      });
      return { status: 200, body: events.map(presentAuditEvent) };
    },
    getSshGateway: async () => {
      const gateway = deps.sshGateway();
      return {
        status: 200,
        body:
          gateway === undefined
            ? { enabled: false, port: null, hostKeyFingerprint: null }
            : { enabled: true, port: gateway.port, hostKeyFingerprint: gateway.hostKeyFingerprint },
      };
    },
    listSshKeys: async () => ({ status: 200, body: (await deps.sshKeys.list()).map(presentSshKey) }),
    createSshKey: async ({ input, principal }) => ({
      status: 201,
      body: presentSshKey(await deps.sshKeys.create(input.body, actorOf(principal).id)),
    }),
    getSshKey: async ({ input }) => ({ status: 200, body: presentSshKey(await deps.sshKeys.get(input.path.sshKeyId)) }),
    deleteSshKey: async ({ input }) => {
      await deps.sshKeys.delete(input.path.sshKeyId);
      return { status: 204, body: undefined };
    },
  };
}

/**
 * A queue read as an async iterable, fed by callbacks: what an NDJSON answer streams. Its `return` (the
 * client hung up) settles at once, even while a `next` waits, and tells {@link onAbandoned}'s listener.
 */
export class EventQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private abandoned: (() => void) | undefined;

  /** Adds an item at the end. */
  push(item: T): void {
    if (this.ended) {
      return;
    }
    if (this.waiting) {
      const wake = this.waiting;
      this.waiting = undefined;
      wake({ done: false, value: item });
    } else {
      this.items.push(item);
    }
  }

  /** Adds an item before those waiting. */
  pushFront(item: T): void {
    if (this.waiting) {
      this.push(item);
    } else {
      this.items.unshift(item);
    }
  }

  /** No item comes after those queued. */
  end(): void {
    this.ended = true;
    if (this.waiting && this.items.length === 0) {
      const wake = this.waiting;
      this.waiting = undefined;
      wake({ done: true, value: undefined });
    }
  }

  /** Calls `listener` if the reader stops before the end. */
  onAbandoned(listener: () => void): void {
    this.abandoned = listener;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const item = this.items.shift();
        if (item !== undefined) {
          return Promise.resolve({ done: false, value: item });
        }
        if (this.ended) {
          return Promise.resolve({ done: true, value: undefined });
        }
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
      return: async () => {
        const finishedEarly = !this.ended;
        this.ended = true;
        this.items.length = 0;
        const wake = this.waiting;
        this.waiting = undefined;
        wake?.({ done: true, value: undefined });
        if (finishedEarly) {
          this.abandoned?.();
        }
        return { done: true, value: undefined };
      },
    };
  }
}
