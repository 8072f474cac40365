import type { SecretBox } from "../secrets/secret-box.js";
import { parseBody } from "./job-rows.js";
import type { JobRecord, RegistryAuthRecord } from "./records.js";

/**
 * Encryption at rest shared by the stores: the secret env values of templates and endpoints, and jobs'
 * `s3Config.accessSecret`, and the passwords of registry credentials, are sealed before they are written and opened when read back.
 */
export class RecordSealing {
  constructor(private readonly secrets: SecretBox) {}

  /** A secret value sealed for storage. */
  sealedValue(plain: string): string {
    return this.secrets.seal(plain);
  }

  /** A value sealed by {@link sealedValue}, opened. */
  openedValue(sealed: string): string {
    return this.secrets.open(sealed);
  }

  /** A template's or endpoint's JSON body, its secret env sealed. */
  sealedBody(record: { secretEnv?: Record<string, string> }): string {
    return JSON.stringify({ ...record, secretEnv: this.secrets.sealAll(record.secretEnv ?? {}) });
  }

  /** A template or endpoint read back, its secret env opened (records older than it get none). */
  openedBody<T extends { secretEnv: Record<string, string> }>(row: unknown): T | undefined {
    const record = parseBody<T>(row);
    if (record) {
      record.secretEnv = this.secrets.openAll(record.secretEnv ?? {});
    }
    return record;
  }

  /** Registry credentials' JSON body, the password sealed. */
  sealedRegistryAuth(auth: RegistryAuthRecord): string {
    return JSON.stringify({ ...auth, password: this.secrets.seal(auth.password) });
  }

  /** Registry credentials read back, the password opened. */
  openedRegistryAuth(row: unknown): RegistryAuthRecord | undefined {
    const record = parseBody<RegistryAuthRecord>(row);
    if (record) {
      record.password = this.secrets.open(record.password);
    }
    return record;
  }

  /** A job about to be written, its S3 secret sealed. */
  sealJob(job: JobRecord): JobRecord {
    const config = job.s3Config;
    return config?.accessSecret === undefined
      ? job
      : { ...job, s3Config: { ...config, accessSecret: this.secrets.seal(config.accessSecret) } };
  }

  /** A job read back, its S3 secret opened. */
  openJob(job: JobRecord | undefined): JobRecord | undefined {
    if (job?.s3Config?.accessSecret !== undefined) {
      job.s3Config = { ...job.s3Config, accessSecret: this.secrets.open(job.s3Config.accessSecret) };
    }
    return job;
  }
}
