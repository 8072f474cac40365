import Docker from "dockerode";
import { startDockerSession } from "./docker-exec.js";
import type {
  DriverWorker,
  ExecOptions,
  ExecSession,
  VolumeMount,
  WorkerDriver,
  WorkerExit,
  WorkerLogLine,
  WorkerSpec,
} from "./worker-driver.js";

/** Labels that mark a container as a Runfleet worker, and whose. */
export const DOCKER_LABELS = {
  /** The control-plane instance that owns the container (kept in its data directory across restarts). */
  instance: "org.runfleet.instance",
  /** The endpoint the worker serves. */
  endpoint: "org.runfleet.endpoint",
  /** The worker's id, as the control plane's store knows it. */
  worker: "org.runfleet.worker",
  /** When the worker was started, in ms since the epoch (the engine's own `Created` has seconds only). */
  startedAt: "org.runfleet.started-at",
  /** On a named volume the engine created for a template's volume mount: the mount's name. */
  volume: "org.runfleet.volume",
} as const;

/** A user name and password for one registry, as `docker login` stores them. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Options of the Docker driver. */
export interface DockerDriverOptions {
  /**
   * Address of the Docker Engine: `unix:///path/to/docker.sock` or `tcp://host:port` (plain HTTP).
   * @defaultValue the `DOCKER_HOST` environment variable, else `unix:///var/run/docker.sock`
   */
  host?: string | undefined;
  /** Identifies this control plane's containers; the same on every restart, so that they are adopted. */
  instanceId: string;
  /**
   * Network mode of worker containers. With `host`, workers reach the control plane on 127.0.0.1; with a
   * bridge network, set the control plane's public URL to an address the containers can reach.
   * @defaultValue "host"
   */
  networkMode?: string | undefined;
  /** Credentials by registry host (`127.0.0.1:5000`, `docker.io`, ...), used when an image is pulled. */
  registryAuth?: Readonly<Record<string, RegistryCredentials>> | undefined;
  /** Log lines kept per ended worker (its container is removed), for the workers API. @defaultValue 200 */
  keptLogLines?: number | undefined;
  /**
   * Told what the driver had to leave out of a worker's container (once per cause), such as a disk size
   * the engine cannot enforce. @defaultValue nothing is reported
   */
  onWarning?: ((message: string) => void) | undefined;
}

/** The engine address used when neither the options nor `DOCKER_HOST` name one. */
const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
/** Ended workers whose last log lines are kept. */
const KEPT_ENDED_WORKERS = 500;

/** What is kept of an ended worker once its container is removed. */
interface Ended {
  exit: number | string | null;
  lines: WorkerLogLine[];
}

/**
 * Runs each worker as a Docker container, through the Engine API (dockerode). Containers carry labels
 * naming this control plane, their endpoint and worker, so that a restarted control plane finds and
 * adopts them (`list`) and the autoscaler stops those no worker record claims. Exits are watched through
 * the engine's event stream; an ended worker's container is removed once its exit and last log lines
 * are taken, so nothing is left behind. FlashBoot standbys are paused containers (the cgroup freezer).
 */
export class DockerDriver implements WorkerDriver {
  readonly kind = "docker" as const;
  readonly canPause = true;
  readonly schedulesGpus = false;
  /** The engine address in use, for messages. */
  readonly host: string;
  private readonly docker: Docker;
  private readonly instanceId: string;
  private readonly networkMode: string;
  private readonly registryAuth: Readonly<Record<string, RegistryCredentials>>;
  private readonly keptLogLines: number;
  private readonly onWarning: (message: string) => void;
  /**
   * Why the engine cannot limit a container's disk (`containerDiskInGb`), once it said so: its storage
   * driver cannot (overlay2 needs xfs with `pquota`). Workers then run without a limit.
   */
  private diskLimitUnsupported: string | undefined;
  private readonly listeners: ((exit: WorkerExit) => void)[] = [];
  private readonly ending = new Map<string, Promise<void>>();
  private readonly ended = new Map<string, Ended>();
  private readonly pulls = new Map<string, Promise<void>>();
  private events: NodeJS.ReadableStream | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(options: DockerDriverOptions) {
    this.host = options.host ?? process.env.DOCKER_HOST ?? DEFAULT_DOCKER_HOST;
    this.docker = new Docker(connectionOptions(this.host));
    this.instanceId = options.instanceId;
    this.networkMode = options.networkMode ?? "host";
    this.registryAuth = options.registryAuth ?? {};
    this.keptLogLines = options.keptLogLines ?? 200;
    this.onWarning = options.onWarning ?? (() => undefined);
  }

  /**
   * Connects to the engine and starts watching container exits. Fails with a message that says what to
   * start when no engine answers.
   */
  static async connect(options: DockerDriverOptions): Promise<DockerDriver> {
    const driver = new DockerDriver(options);
    try {
      await driver.docker.ping();
    } catch (error) {
      throw new Error(
        `the docker driver cannot reach a Docker Engine at ${driver.host} (${engineMessage(error)}): ` +
          "start dockerd (scripts/docker-engine.sh start) or point DOCKER_HOST at a running engine",
        { cause: error },
      );
    }
    await driver.watch();
    return driver;
  }

  async start(spec: WorkerSpec): Promise<DriverWorker> {
    if (!spec.image) {
      throw new Error("the template has no imageName: the docker driver runs the template's image");
    }
    await this.ensureImage(spec.image, spec.registryCredentials);
    const startedAt = Date.now();
    let container: Docker.Container;
    try {
      container = await this.createContainer(spec, startedAt);
    } catch (error) {
      throw new Error(`cannot create a container from image ${spec.image}: ${engineMessage(error)}`, { cause: error });
    }
    try {
      await container.start();
    } catch (error) {
      await container.remove({ force: true }).catch(() => undefined);
      throw new Error(`cannot start a container from image ${spec.image}: ${engineMessage(error)}`, { cause: error });
    }
    return { workerId: spec.workerId, endpointId: spec.endpointId, state: "running", exit: null, startedAt };
  }

  /**
   * Creates the worker's container. A disk size the engine refuses because its storage driver cannot
   * enforce one (`--storage-opt is supported only for overlay over xfs with 'pquota' mount option`) is
   * dropped, for this and every later worker, with one warning: the worker runs without the limit rather
   * than not at all, as a RunPod template always names a disk size.
   */
  private async createContainer(spec: WorkerSpec, startedAt: number): Promise<Docker.Container> {
    const settings = {
      instanceId: this.instanceId,
      networkMode: this.networkMode,
      startedAt,
      limitDisk: this.diskLimitUnsupported === undefined,
    };
    try {
      return await this.docker.createContainer(containerSpec(spec, settings));
    } catch (error) {
      const message = engineMessage(error);
      if (!settings.limitDisk || spec.containerDiskInGb === null || !/storage-opt|storage option/i.test(message)) {
        throw error;
      }
      this.diskLimitUnsupported = message;
      this.onWarning(
        `containerDiskInGb is not enforced: the Docker engine at ${this.host} cannot limit a container's disk (${message})`,
      );
      return await this.docker.createContainer(containerSpec(spec, { ...settings, limitDisk: false }));
    }
  }

  /** Why container disk sizes are not enforced, once the engine has said so; else `undefined`. */
  get diskLimitRefusal(): string | undefined {
    return this.diskLimitUnsupported;
  }

  async stop(workerId: string, graceMs: number, onSignalled?: () => void): Promise<void> {
    const container = this.docker.getContainer(containerName(workerId));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      if (statusOf(error) === 404) {
        await this.ending.get(workerId);
        return;
      }
      throw error;
    }
    let exit: number | null = info.State.ExitCode;
    if (info.State.Running) {
      // A paused container holds SIGTERM until it thaws.
      if (info.State.Paused) {
        await container.unpause().catch(() => undefined);
      }
      const waited = container.wait() as Promise<{ StatusCode: number }>;
      await container.kill({ signal: "SIGTERM" }).catch(() => undefined);
      onSignalled?.();
      // `docker stop` counts its grace period in whole seconds; this one is in ms.
      const timer = setTimeout(() => void container.kill({ signal: "SIGKILL" }).catch(() => undefined), graceMs);
      exit = await waited.then((result) => result.StatusCode).catch(() => null);
      clearTimeout(timer);
    }
    await this.finish(workerId, info.Config.Labels[DOCKER_LABELS.endpoint] ?? "", exit);
  }

  async pause(workerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerName(workerId)).pause();
    } catch (error) {
      throw new Error(`worker ${workerId} cannot be paused: ${engineMessage(error)}`, { cause: error });
    }
  }

  async resume(workerId: string): Promise<void> {
    try {
      await this.docker.getContainer(containerName(workerId)).unpause();
    } catch (error) {
      throw new Error(`worker ${workerId} cannot be resumed: ${engineMessage(error)}`, { cause: error });
    }
  }

  /**
   * This control plane's containers. Containers found ended whose end no exit event reported (they died
   * while no control plane watched) are listed as exited and removed.
   */
  async list(): Promise<DriverWorker[]> {
    const workers = await this.containers();
    for (const { worker, containerId } of workers) {
      if (worker.state === "exited") {
        await this.docker
          .getContainer(containerId)
          .remove({ force: true })
          .catch(() => undefined);
      }
    }
    return workers.map(({ worker }) => worker);
  }

  async inventory(): Promise<DriverWorker[]> {
    return (await this.containers()).map(({ worker }) => worker);
  }

  /** This control plane's containers (but those being ended), as workers; reads only. */
  private async containers(): Promise<{ worker: DriverWorker; containerId: string }[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${DOCKER_LABELS.instance}=${this.instanceId}`] },
    });
    const workers: { worker: DriverWorker; containerId: string }[] = [];
    for (const container of containers) {
      const workerId = container.Labels[DOCKER_LABELS.worker];
      if (workerId === undefined || this.ending.has(workerId)) {
        continue;
      }
      const state = STATE_OF_CONTAINER[container.State] ?? "exited";
      workers.push({
        containerId: container.Id,
        worker: {
          workerId,
          endpointId: container.Labels[DOCKER_LABELS.endpoint] ?? "",
          state,
          exit: state === "exited" ? exitCodeOf(container.Status) : null,
          startedAt: Number(container.Labels[DOCKER_LABELS.startedAt] ?? container.Created * 1000),
        },
      });
    }
    return workers;
  }

  async logs(workerId: string, tail: number): Promise<WorkerLogLine[]> {
    const ended = this.ended.get(workerId);
    if (ended) {
      return ended.lines.slice(-tail);
    }
    try {
      return await this.readLogs(workerId, tail);
    } catch (error) {
      if (statusOf(error) === 404) {
        return [];
      }
      throw error;
    }
  }

  async *followLogs(workerId: string, tail: number, signal: AbortSignal): AsyncGenerator<WorkerLogLine> {
    const ended = this.ended.get(workerId);
    if (ended) {
      yield* ended.lines.slice(-tail);
      return;
    }
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker
        .getContainer(containerName(workerId))
        .logs({ stdout: true, stderr: true, timestamps: true, tail, follow: true });
    } catch (error) {
      if (statusOf(error) === 404) {
        // Removed meanwhile: what was kept of it, if anything.
        yield* this.ended.get(workerId)?.lines.slice(-tail) ?? [];
        return;
      }
      throw error;
    }
    // The engine ends the stream when the container stops; a consumer that stops listening ends it here.
    const destroy = () => (stream as NodeJS.ReadableStream & { destroy: () => void }).destroy();
    signal.addEventListener("abort", destroy, { once: true });
    const decoder = new LogFrameDecoder();
    try {
      for await (const chunk of stream) {
        yield* decoder.push(chunk as Buffer);
      }
    } catch (error) {
      if (!signal.aborted) {
        throw error;
      }
    } finally {
      signal.removeEventListener("abort", destroy);
      destroy();
    }
  }

  /**
   * Runs a command in the worker's container through the engine's exec: the container's environment,
   * working directory and user, attached to the command's stdin, on a terminal when asked.
   */
  async exec(workerId: string, options: ExecOptions): Promise<ExecSession> {
    const container = this.docker.getContainer(containerName(workerId));
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      throw new Error(`worker ${workerId} has no container: ${engineMessage(error)}`, { cause: error });
    }
    if (!info.State.Running || info.State.Paused) {
      throw new Error(`worker ${workerId} is not running (its container is ${info.State.Status})`);
    }
    try {
      return await startDockerSession(container, options);
    } catch (error) {
      throw new Error(`the engine refused to run a command in worker ${workerId}: ${engineMessage(error)}`, {
        cause: error,
      });
    }
  }

  onExit(listener: (exit: WorkerExit) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    const events = this.events as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    events?.destroy?.();
    await Promise.all(this.ending.values());
  }

  /** Subscribes to the engine's `die` events of this control plane's containers. */
  private async watch(): Promise<void> {
    const stream = (await this.docker.getEvents({
      filters: {
        type: ["container"],
        event: ["die"],
        label: [`${DOCKER_LABELS.instance}=${this.instanceId}`],
      },
    })) as NodeJS.ReadableStream;
    this.events = stream;
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
        if (line.length > 0) {
          this.dieEvent(line);
        }
      }
    });
    const lost = () => {
      if (this.closed || this.events !== stream) {
        return;
      }
      this.events = undefined;
      this.rewatch();
    };
    stream.on("error", lost);
    stream.on("end", lost);
  }

  /**
   * The engine restarted or the connection dropped: watches again (every second until the engine
   * answers), then catches up with what ended meanwhile.
   */
  private rewatch(): void {
    this.reconnect = setTimeout(() => {
      this.watch().then(
        () => this.catchUp().catch(() => undefined),
        () => {
          if (!this.closed) {
            this.rewatch();
          }
        },
      );
    }, 1000);
    this.reconnect.unref();
  }

  private dieEvent(line: string): void {
    let event: { Actor?: { Attributes?: Record<string, string> } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return;
    }
    const attributes = event.Actor?.Attributes ?? {};
    const workerId = attributes[DOCKER_LABELS.worker];
    if (workerId === undefined) {
      return;
    }
    const code = Number(attributes.exitCode);
    void this.finish(workerId, attributes[DOCKER_LABELS.endpoint] ?? "", Number.isInteger(code) ? code : null);
  }

  /** After a lost event stream: reports the containers that ended while it was down. */
  private async catchUp(): Promise<void> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${DOCKER_LABELS.instance}=${this.instanceId}`], status: ["exited", "dead"] },
    });
    for (const container of containers) {
      const workerId = container.Labels[DOCKER_LABELS.worker];
      if (workerId !== undefined) {
        void this.finish(workerId, container.Labels[DOCKER_LABELS.endpoint] ?? "", exitCodeOf(container.Status));
      }
    }
  }

  /**
   * Takes an ended worker's last lines, removes its container and tells the listeners, once per worker
   * however many paths (the exit event, `stop`) report the end.
   */
  private finish(workerId: string, endpointId: string, exit: number | string | null): Promise<void> {
    if (this.ended.has(workerId)) {
      return Promise.resolve();
    }
    const pending = this.ending.get(workerId);
    if (pending) {
      return pending;
    }
    const done = (async () => {
      const lines = await this.readLogs(workerId, this.keptLogLines).catch(() => []);
      await this.docker
        .getContainer(containerName(workerId))
        .remove({ force: true })
        .catch(() => undefined);
      this.ended.set(workerId, { exit, lines });
      if (this.ended.size > KEPT_ENDED_WORKERS) {
        this.ended.delete(this.ended.keys().next().value as string);
      }
      this.ending.delete(workerId);
      // The errors explain a crash best; the last regular lines say where it was.
      const lastLines = [
        ...lines.filter((l) => l.stream === "stderr").slice(-5),
        ...lines.filter((l) => l.stream === "stdout").slice(-2),
      ].map((l) => l.line);
      for (const listener of this.listeners) {
        listener({ workerId, endpointId, exit, lastLines });
      }
    })();
    this.ending.set(workerId, done);
    return done;
  }

  private async readLogs(workerId: string, tail: number): Promise<WorkerLogLine[]> {
    const output = (await this.docker.getContainer(containerName(workerId)).logs({
      stdout: true,
      stderr: true,
      timestamps: true,
      tail,
      follow: false,
    })) as unknown as Buffer;
    return parseLogFrames(output).slice(-tail);
  }

  /**
   * Pulls the image unless the engine has it (Docker's "if not present"), with the template's credentials,
   * else those configured for its registry.
   */
  private async ensureImage(image: string, templateCredentials: RegistryCredentials | null): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (error) {
      if (statusOf(error) !== 404) {
        throw new Error(`cannot inspect image ${image}: ${engineMessage(error)}`, { cause: error });
      }
    }
    const credentials = templateCredentials ?? this.registryAuth[registryOf(image)];
    // Pulls of one image with the same credentials are shared; other credentials try for themselves.
    const key = `${image}\u0000${credentials?.username ?? ""}\u0000${credentials?.password ?? ""}`;
    let pull = this.pulls.get(key);
    if (!pull) {
      pull = this.pull(image, credentials).finally(() => this.pulls.delete(key));
      this.pulls.set(key, pull);
    }
    await pull;
  }

  private async pull(image: string, credentials: RegistryCredentials | undefined): Promise<void> {
    const registry = registryOf(image);
    const authconfig = credentials && { ...credentials, serveraddress: registry };
    try {
      const stream = await this.docker.pull(image, authconfig ? { authconfig } : {});
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve()));
      });
    } catch (error) {
      const as = credentials ? ` as ${credentials.username}` : " without credentials";
      throw new Error(`image ${image} cannot be pulled from ${registry}${as}: ${engineMessage(error)}`, {
        cause: error,
      });
    }
  }
}

/** Settings of the container a worker runs in, besides its spec. */
export interface ContainerSettings {
  /** The owning control plane (a label). */
  instanceId: string;
  /** `host`, `bridge`, or a network's name. */
  networkMode: string;
  /** When the worker is started, in ms since the epoch (a label). */
  startedAt: number;
  /** Whether to ask the engine to limit the container's disk (`containerDiskInGb`). @defaultValue true */
  limitDisk?: boolean;
}

/**
 * The Engine API create request for a worker: pure, so that what reaches the engine (GPU device
 * requests, limits, ports, labels) is table-tested without one.
 */
export function containerSpec(spec: WorkerSpec, settings: ContainerSettings): Docker.ContainerCreateOptions {
  const env = { ...spec.env };
  if (spec.gpuIds.length > 0) {
    // Inside the container the requested GPUs are numbered from 0, whatever their host ids.
    env.CUDA_VISIBLE_DEVICES = spec.gpuIds.map((_, index) => String(index)).join(",");
  }
  const exposed = spec.ports.map((port) => port.replace(/\/http$/, "/tcp"));
  const host: Docker.HostConfig = {
    NetworkMode: settings.networkMode,
    // A small init as PID 1 forwards the stop signal to the worker and reaps the helpers it forks.
    Init: true,
  };
  if (spec.cpuLimit !== null) {
    host.NanoCpus = Math.round(spec.cpuLimit * 1e9);
  }
  if (spec.memoryLimitMb !== null) {
    host.Memory = spec.memoryLimitMb * 1024 * 1024;
  }
  if (spec.containerDiskInGb !== null && settings.limitDisk !== false) {
    host.StorageOpt = { size: `${spec.containerDiskInGb}G` };
  }
  if (spec.volumeMounts.length > 0) {
    host.Mounts = spec.volumeMounts.map(engineMount);
  }
  if (spec.gpuIds.length > 0) {
    host.DeviceRequests = [{ Driver: "nvidia", DeviceIDs: spec.gpuIds, Capabilities: [["gpu"]] }];
  }
  if (settings.networkMode !== "host" && exposed.length > 0) {
    // Published on loopback only, on a port the engine picks: exposing a worker is the operator's choice.
    host.PortBindings = Object.fromEntries(exposed.map((port) => [port, [{ HostIp: "127.0.0.1", HostPort: "" }]]));
  }
  return {
    name: containerName(spec.workerId),
    Image: spec.image ?? undefined,
    Cmd: spec.command.length > 0 ? spec.command : undefined,
    Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
    Labels: {
      [DOCKER_LABELS.instance]: settings.instanceId,
      [DOCKER_LABELS.endpoint]: spec.endpointId,
      [DOCKER_LABELS.worker]: spec.workerId,
      [DOCKER_LABELS.startedAt]: String(settings.startedAt),
    },
    ExposedPorts: exposed.length > 0 ? Object.fromEntries(exposed.map((port) => [port, {}])) : undefined,
    HostConfig: host,
  };
}

/** The prefix of the Docker volume behind a named volume mount, so that Runfleet's volumes are told apart. */
export const VOLUME_PREFIX = "runfleet-";

/**
 * A template's volume mount as the engine takes it: a named volume (`runfleet-<name>`, created by the
 * engine on first use and labelled as Runfleet's) or a bind mount of a host directory.
 */
function engineMount(mount: VolumeMount): Docker.MountSettings {
  const readOnly = mount.readOnly ?? false;
  if (mount.type === "volume") {
    return {
      Type: "volume",
      Source: `${VOLUME_PREFIX}${mount.name}`,
      Target: mount.mountPath,
      ReadOnly: readOnly,
      // The engine's defaults (local driver, image content copied into a new volume), plus a label.
      VolumeOptions: {
        NoCopy: false,
        Labels: { [DOCKER_LABELS.volume]: mount.name },
        DriverConfig: { Name: "local", Options: {} },
      },
    };
  }
  return { Type: "bind", Source: mount.hostPath, Target: mount.mountPath, ReadOnly: readOnly };
}

/** The registry an image reference pulls from, as credentials are keyed (`docker.io` for Docker Hub). */
export function registryOf(image: string): string {
  const slash = image.indexOf("/");
  const first = slash < 0 ? "" : image.slice(0, slash);
  return first.includes(".") || first.includes(":") || first === "localhost" ? first : "docker.io";
}

/**
 * Reads registry credentials from a Docker CLI configuration (`~/.docker/config.json`, as `docker login`
 * writes it): each `auths` entry holds `auth`, base64 of `user:password`, or `username` and `password`.
 */
export function parseDockerAuths(text: string): Record<string, RegistryCredentials> {
  const config = JSON.parse(text) as {
    auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  };
  const result: Record<string, RegistryCredentials> = {};
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    // Docker Hub is stored under its legacy index URL.
    const registry = key.replace(/^https?:\/\//, "").replace(/\/.*$/, "");
    const host = registry === "index.docker.io" ? "docker.io" : registry;
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon > 0) {
        result[host] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
    } else if (entry.username && entry.password) {
      result[host] = { username: entry.username, password: entry.password };
    }
  }
  return result;
}

/**
 * Splits the engine's multiplexed log stream (8-byte frame headers: stream, then payload size) into lines,
 * as it arrives: a frame cut between two chunks waits for the rest.
 */
export class LogFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** The lines of the complete frames received so far. */
  push(chunk: Buffer): WorkerLogLine[] {
    const output = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const lines: WorkerLogLine[] = [];
    let offset = 0;
    while (offset + 8 <= output.length) {
      const size = output.readUInt32BE(offset + 4);
      if (offset + 8 + size > output.length) {
        break;
      }
      const stream = output[offset] === 2 ? "stderr" : "stdout";
      const payload = output.subarray(offset + 8, offset + 8 + size).toString("utf8");
      offset += 8 + size;
      for (const raw of payload.split("\n")) {
        if (raw.length === 0) {
          continue;
        }
        // With `timestamps`, each line starts with its RFC 3339 instant and a space.
        const space = raw.indexOf(" ");
        const at = space > 0 ? new Date(raw.slice(0, space)) : new Date(Number.NaN);
        if (Number.isNaN(at.getTime())) {
          lines.push({ at: new Date().toISOString(), stream, line: raw });
        } else {
          lines.push({ at: at.toISOString(), stream, line: raw.slice(space + 1) });
        }
      }
    }
    this.pending = output.subarray(offset);
    return lines;
  }
}

/** The lines of a whole multiplexed log output, as the engine answers a request without `follow`. */
export function parseLogFrames(output: Buffer): WorkerLogLine[] {
  return new LogFrameDecoder().push(output);
}

/** The container of a worker: named after it, so that it is found without a lookup. */
function containerName(workerId: string): string {
  return `runfleet-${workerId}`;
}

const STATE_OF_CONTAINER: Record<string, DriverWorker["state"]> = {
  running: "running",
  restarting: "running",
  paused: "paused",
  created: "exited",
  exited: "exited",
  dead: "exited",
  removing: "exited",
};

/** The exit code in a container's status text (`Exited (3) 2 seconds ago`). */
function exitCodeOf(status: string): number | null {
  const match = /Exited \((-?\d+)\)/.exec(status);
  return match ? Number(match[1]) : null;
}

function connectionOptions(host: string): Docker.DockerOptions {
  if (host.startsWith("unix://")) {
    return { socketPath: host.slice("unix://".length) };
  }
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return { protocol: url.protocol === "https:" ? "https" : "http", host: url.hostname, port: Number(url.port || 2375) };
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** The engine's own words for a failure, without dockerode's `(HTTP code 404) unexpected -` prefix. */
function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } | null }).json;
  if (typeof json === "object" && json?.message) {
    return json.message.trim();
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}
