import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

describe("createLogger", () => {
  it("never writes secret env values, bucket secrets, worker environments or tokens", () => {
    const lines: string[] = [];
    const logger = createLogger("info", { write: (line: string) => lines.push(line) });
    logger.info(
      {
        template: { name: "t", env: { PLAIN: "p" }, secretEnv: { HF_TOKEN: "hf_secret_value" } },
        job: { id: "j", s3Config: { accessId: "AKIA", accessSecret: "bucket_secret_value" } },
        spec: { workerId: "w", env: { HF_TOKEN: "hf_secret_value" } },
        token: "worker_token_value",
      },
      "something happened",
    );
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    for (const secret of ["hf_secret_value", "bucket_secret_value", "worker_token_value"]) {
      expect(line).not.toContain(secret);
    }
    expect(JSON.parse(line)).toMatchObject({
      template: { name: "t", secretEnv: "[redacted]" },
      job: { id: "j", s3Config: { accessId: "AKIA", accessSecret: "[redacted]" } },
      msg: "something happened",
    });
  });
});
