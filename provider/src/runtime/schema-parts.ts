import { z } from "zod";

/** An id as the contract defines it (`components.schemas.Id`). */
export const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be 1-128 letters, digits, '_' or '-'");

/** A name of an endpoint, template or API key. */
export const nameSchema = z.string().min(1).max(191);

/** Environment variables for workers (`components.schemas.EnvMap`). */
export const envSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a valid environment variable name"),
  z.string().max(32768),
);
