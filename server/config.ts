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
  // ── Exposure limits (server/api/limits.ts); 0 turns a rate limit off ──
  /** Requests per minute per client (by IP; see DRL_TRUST_PROXY behind a load balancer). */
  DRL_RATE_LIMIT: int(0, 10_000_000).default(1_200),
  /** `confirm=chain` requests per minute per client: each one costs the node two eth_calls. */
  DRL_CONFIRM_RATE_LIMIT: int(0, 1_000_000).default(60),
  /** Certificate previews and verifications per minute per client: each one reads the chain (and may render a PDF). */
  DRL_CERT_RATE_LIMIT: int(0, 1_000_000).default(60),
  /** A request not answered within this many ms gets a 503 `timeout`. */
  DRL_REQUEST_TIMEOUT_MS: int(100, 600_000).default(10_000),
  /** Requests being answered at once; more get a 503 `overloaded`. */
  DRL_MAX_IN_FLIGHT: int(1, 100_000).default(512),
  /** Largest request body accepted (only POST /v1/verify takes one: see below), in KiB; more gets a 413. */
  DRL_MAX_BODY_KB: int(0, 102_400).default(16),
  /** Largest body of POST /v1/verify (a certificate JSON), in KiB; more gets a 413. */
  DRL_MAX_VERIFY_BODY_KB: int(1, 102_400).default(256),
  /** Comma-separated origins allowed by CORS; empty = no CORS headers (the portal is same-origin). */
  DRL_CORS_ORIGINS: z
    .string()
    .default("")
    .transform((s) => s.split(",").map((o) => o.trim()).filter((o) => o !== ""))
    .pipe(z.array(z.url({ error: "must list origins such as https://portal.example" }).refine((o) => new URL(o).origin === o, "must be bare origins (scheme://host[:port], no path)"))),
  /**
   * A JSON-RPC endpoint of the chain that browsers may call directly (the portal's verify page
   * then checks certificates itself, trusting no server); empty = verify through POST /v1/verify.
   * It is shown to every visitor: never a URL carrying a provider key.
   */
  DRL_PORTAL_RPC_URL: z
    .string()
    .default("")
    .pipe(z.union([z.literal(""), z.url({ error: "must be an http(s) URL, or empty" }).refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL, or empty")])),
  /** The matching-fund rule file (default deployments/config/matching-funds.json of the package). */
  DRL_MATCHING_RULE: z.string().default(""),
  /** Proxy hops in front of the API whose X-Forwarded-For is trusted for the client address (0 = none). */
  DRL_TRUST_PROXY: int(0, 10).default(0),
  /** /v1/health answers 503 when the index lags the head by more blocks than this. */
  DRL_MAX_LAG_BLOCKS: int(0, 1_000_000).default(50),
  /** The admin listener (/metrics): loopback by default; port 0 picks a free one (logged at start). */
  DRL_ADMIN_HOST: z.string().min(1).default("127.0.0.1"),
  DRL_ADMIN_PORT: int(0, 65535).default(0),
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
