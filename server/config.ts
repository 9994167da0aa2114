/**
 * Server settings, from the environment (DRL_*), validated with zod so that a typo stops the
 * server with a message naming the variable.
 */
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number({ error: "must be a number" }).int("must be an integer").min(min).max(max);

export const ServerConfigSchema = z.object({
  DRL_RPC_URL: z.url({ error: "must be an http(s) URL" }).default("http://127.0.0.1:8545"),
  DRL_DEPLOYMENT: z.string().min(1).default("deployments/localhost.json"),
  DRL_INDEX_DIR: z.string().min(1).default(".drl/index"),
  DRL_API_HOST: z.string().min(1).default("127.0.0.1"),
  DRL_API_PORT: int(0, 65535).default(8080),
  DRL_CONFIRMATIONS: int(0, 1000).default(0),
  DRL_REORG_WINDOW: int(2, 100_000).default(256),
  DRL_MAX_BLOCK_RANGE: int(1, 1_000_000).default(5_000),
  DRL_TARGET_LOGS: int(10, 1_000_000).default(2_000),
  DRL_MAX_ANSWER_MB: int(1, 4_096).default(8),
  DRL_POLL_MS: int(10, 60_000).default(100),
  DRL_RPC_TIMEOUT_MS: int(100, 600_000).default(10_000),
  DRL_HEAP_BUDGET_MB: int(0, 65_536).default(0),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export function loadServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const r = ServerConfigSchema.safeParse(env);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new ConfigError(`${issue?.path.join(".") ?? "environment"}: ${issue?.message ?? "invalid"}`);
}
