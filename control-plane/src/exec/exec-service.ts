import type { ExecExit, ExecSession, TerminalSize, WorkerDriver } from "../drivers/worker-driver.js";
import { ControlPlaneError } from "../errors/control-plane-error.js";
import type { Logger } from "../logging/logger.js";
import type { AuditEventRecord } from "../store/records.js";
import type { Store } from "../store/store.js";
import type { Clock } from "../util/clock.js";
import { newId } from "../util/ids.js";
import type { WorkerRegistry } from "../workers/worker-registry.js";

/**
 * The argv of an interactive session: `command` through `/bin/sh -c`, as sshd runs a remote command, or
 * the worker's shell (`bash` where it has one, else `sh`).
 */
export function shellCommand(command: string | undefined): string[] {
  if (command !== undefined) {
    return ["/bin/sh", "-c", command];
  }
  return ["/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi"];
}

/** Who opens a session: an admin API key, or a key registered for the SSH gateway. */
export type ExecActor = AuditEventRecord["actor"];

/** A session to open inside a worker. */
export interface ExecSessionRequest {
  actor: ExecActor;
  endpointId: string;
  workerId: string;
  /** The program and its arguments. */
  command: string[];
  /** A pseudo-terminal of this size, or none. */
  tty: TerminalSize | null;
  /** How the session was asked for, for the audit log. */
  transport: AuditEventRecord["transport"];
  /** The client's address, when known. */
  remoteAddress: string | null;
  /** Ends the command after this long (as a cancellation). @defaultValue no limit */
  timeoutMs?: number | undefined;
  /** Receives the command's output as it is written. */
  onOutput: (stream: "stdout" | "stderr", data: Buffer) => void;
}

/** How a session ended, as the audit log records it. */
export interface SessionEnd extends ExecExit {
  outcome: "exited" | "cancelled" | "failed";
  endedAt: number;
}

/** A session running inside a worker, recorded in the audit log from its start to its end. */
export interface AuditedSession {
  /** The audit event's id. */
  readonly id: string;
  readonly startedAt: number;
  /** Sends bytes to the command's stdin. */
  write(data: Buffer): void;
  /** Closes the command's stdin. */
  closeInput(): void;
  /** Changes the terminal's size. */
  resize(size: TerminalSize): void;
  /** Ends the command because the client left (recorded as `cancelled`). */
  cancel(): void;
  /** Stops reading the command's output for a slow client (see {@link ExecSession.pause}). */
  pause(): void;
  /** Reads the command's output again. */
  resume(): void;
  /** Settles when the command has ended and its audit event is written. */
  readonly ended: Promise<SessionEnd>;
}

/** What the exec service needs. */
export interface ExecServiceDependencies {
  store: Store;
  clock: Clock;
  logger: Logger;
  workers: WorkerRegistry;
  /** The driver that runs a worker, or undefined for external workers. */
  driverOf: (workerId: string) => WorkerDriver | undefined;
  /** Longest a session may run, in ms (0: no limit). */
  maxDurationMs: number;
}

/**
 * Opens sessions inside running workers through their driver, whatever asked for them (the exec call,
 * the WebSocket shell, the SSH gateway), and records each one in the audit log: the event is written
 * before the command starts, so that a session is on record even if the control plane dies during it,
 * and completed when it ends.
 */
export class ExecService {
  private readonly open = new Set<AuditedSession>();

  constructor(private readonly deps: ExecServiceDependencies) {}

  /**
   * Marks the sessions left `running` by a previous process as `interrupted` (their commands died with
   * it: process sessions are its children, docker sessions lost their attach connection).
   */
  async recover(): Promise<void> {
    const count = await this.deps.store.interruptRunningAuditEvents(this.deps.clock.now());
    if (count > 0) {
      this.deps.logger.warn({ count }, "sessions inside workers were interrupted by the last shutdown");
    }
  }

  /**
   * Starts a session. Refuses an unknown worker (404), an external one (`exec_unsupported`) and one that is
   * not running (`worker_not_running`, recorded as a failed session).
   */
  async start(request: ExecSessionRequest): Promise<AuditedSession> {
    const { store, clock, workers } = this.deps;
    const worker = workers.get(request.endpointId, request.workerId);
    if (worker.driver === "external") {
      throw new ControlPlaneError(
        "exec_unsupported",
        `worker ${worker.id} is an external worker (run by your own supervisor): the control plane cannot enter it`,
      );
    }
    const driver = this.deps.driverOf(worker.id);
    if (driver?.exec === undefined) {
      throw new ControlPlaneError(
        "exec_unsupported",
        `worker ${worker.id} runs on the ${worker.driver} driver, which cannot run commands inside workers here`,
      );
    }
    const event: AuditEventRecord = {
      id: newId("ses"),
      action: "worker.exec",
      actor: request.actor,
      endpointId: worker.endpointId,
      workerId: worker.id,
      driver: worker.driver,
      command: request.command,
      tty: request.tty !== null,
      transport: request.transport,
      remoteAddress: request.remoteAddress,
      startedAt: clock.now(),
      endedAt: null,
      outcome: "running",
      exitCode: null,
      signal: null,
      error: null,
    };
    await store.insertAuditEvent(event);
    let session: ExecSession;
    try {
      if (worker.placement !== "active") {
        throw new Error(
          `worker ${worker.id} is ${worker.placement === "standby" ? "a paused standby" : "not started yet"}`,
        );
      }
      session = await driver.exec(worker.id, {
        command: request.command,
        tty: request.tty,
        onOutput: request.onOutput,
      });
    } catch (error) {
      const message = (error as Error).message;
      await store.updateAuditEvent({ ...event, outcome: "failed", endedAt: clock.now(), error: message });
      throw new ControlPlaneError("worker_not_running", `cannot run a command in worker ${worker.id}: ${message}`, {
        cause: error,
      });
    }
    this.deps.logger.info(
      { sessionId: event.id, workerId: worker.id, actor: event.actor.id, transport: event.transport },
      "session opened inside a worker",
    );
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      session.kill();
    };
    const limits = [request.timeoutMs, this.deps.maxDurationMs || undefined].filter((ms) => ms !== undefined);
    const timer = limits.length > 0 ? setTimeout(cancel, Math.min(...limits)) : undefined;
    timer?.unref();
    const ended = session.exited.then(async (exit): Promise<SessionEnd> => {
      clearTimeout(timer);
      const end: SessionEnd = { ...exit, outcome: cancelled ? "cancelled" : "exited", endedAt: clock.now() };
      await store
        .updateAuditEvent({
          ...event,
          outcome: end.outcome,
          endedAt: end.endedAt,
          exitCode: exit.exitCode,
          signal: exit.signal,
        })
        .catch((error) => this.deps.logger.error({ err: error, sessionId: event.id }, "audit event not completed"));
      this.open.delete(audited);
      this.deps.logger.info({ sessionId: event.id, ...exit, outcome: end.outcome }, "session inside a worker ended");
      return end;
    });
    const audited: AuditedSession = {
      id: event.id,
      startedAt: event.startedAt,
      write: (data) => session.write(data),
      closeInput: () => session.closeInput(),
      resize: (size) => session.resize(size),
      cancel,
      pause: () => session.pause(),
      resume: () => session.resume(),
      ended,
    };
    this.open.add(audited);
    return audited;
  }

  /** Ends every open session (on shutdown) and waits for their audit events. */
  async close(): Promise<void> {
    const sessions = [...this.open];
    for (const session of sessions) {
      session.cancel();
    }
    await Promise.all(sessions.map((session) => session.ended.catch(() => undefined)));
  }
}
