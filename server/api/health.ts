/**
 * `/v1/health` and `/v1/ready`, for load balancers and operators. Health is 503 when the
 * indexer has halted or lags the head by more than the configured bound, so that a load
 * balancer takes the replica out of rotation; it always carries the full status body (with the
 * state digest, equal on every replica at the same block). Ready says whether this replica can
 * serve state answers now: also 503 while nothing is indexed yet, or the indexer is stopped.
 */
import type { Response } from "express";
import { checksumAddress as getAddress } from "../../sdk/address";
import type { Health, Ready } from "../../sdk/api/schemas";
import { modulesOf } from "../store/schema";
import type { Checkpoint } from "../store/store";
import type { ApiContext } from "./app";

interface Standing {
  cp: Checkpoint | null;
  lag: number | null;
  /** Why a load balancer should take this replica out of rotation (halted, too far behind), or null. */
  unhealthy: string | null;
  /** Why it cannot serve state answers now (the above, or nothing indexed, or stopped), or null. */
  unready: string | null;
}

async function standing(ctx: ApiContext, maxLag: number): Promise<Standing> {
  const s = ctx.status();
  const cp = (await ctx.store.checkpoint()) ?? null;
  const lag = s.head !== null && cp ? Math.max(0, s.head - cp.number) : null;
  let unhealthy: string | null = null;
  if (s.state === "halted") unhealthy = `the indexer halted${s.lastError ? `: ${s.lastError}` : ""}`;
  else if (lag !== null && lag > maxLag) unhealthy = `the index lags the head by ${lag} blocks (more than ${maxLag})`;
  const unready = unhealthy ?? (!cp ? "nothing is indexed yet" : s.state === "stopped" ? "the indexer is stopped" : null);
  return { cp, lag, unhealthy, unready };
}

export async function answerHealth(ctx: ApiContext, maxLag: number, scrub: (t: string) => string, res: Response): Promise<void> {
  const s = ctx.status();
  const { cp, lag, unhealthy } = await standing(ctx, maxLag);
  const modules = await modulesOf(ctx.store, ctx.deployment.defaultModules);
  const state: Health["status"] =
    s.state === "halted" ? "halted" : s.lastError ? "degraded" : s.state === "following" && lag !== null && lag <= ctx.confirmations + 1 ? "ok" : "syncing";
  const body: Health = {
    status: state,
    serving: unhealthy === null,
    chainId: ctx.deployment.chainId,
    node: ctx.rpc.url,
    head: s.head,
    indexedBlock: cp?.number ?? null,
    digest: cp?.digest ?? null,
    lag,
    maxLagBlocks: maxLag,
    confirmations: ctx.confirmations,
    deployBlock: ctx.deployment.deployBlock,
    contracts: ctx.deployment.addresses,
    modules: { compliance: getAddress(modules.compliance), licenses: getAddress(modules.licenses) },
    lastError: s.lastError === null ? null : scrub(s.lastError),
    asOfBlock: cp?.number ?? 0,
  };
  // Halted, or too far behind: out of rotation.
  res.status(unhealthy === null ? 200 : 503).json(body);
}

export async function answerReady(ctx: ApiContext, maxLag: number, scrub: (t: string) => string, res: Response): Promise<void> {
  const { cp, unready } = await standing(ctx, maxLag);
  const body: Ready = { ready: unready === null, reason: unready === null ? null : scrub(unready), indexedBlock: cp?.number ?? null };
  res.status(unready === null ? 200 : 503).json(body);
}
