/**
 * Splitting a batch of applications into as few `submitBatch` calls as the office's work bound
 * allows (RegistrationOffice: at most MAX_BATCH applications and MAX_BATCH_WORK work, where an
 * application costs APPLICATION_WORK plus PARENT_WORK per parent). Greedy in input order, so
 * ids come out in the order given; greedy is optimal here because every chunk is a prefix
 * boundary of a sequence with positive weights.
 */
import { InputError } from "./errors";

export interface BatchLimits {
  maxBatch: number;
  maxWork: number;
  applicationWork: number;
  parentWork: number;
}

export function workOf(app: { parents: readonly unknown[] }, limits: BatchLimits): number {
  return limits.applicationWork + app.parents.length * limits.parentWork;
}

export function planBatches<T extends { parents: readonly unknown[] }>(apps: readonly T[], limits: BatchLimits): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let work = 0;
  apps.forEach((app, i) => {
    const w = workOf(app, limits);
    if (w > limits.maxWork) throw new InputError(`applications.${i}.parents`, `is too many parents for one transaction (work ${w} > ${limits.maxWork})`);
    if (current.length > 0 && (current.length >= limits.maxBatch || work + w > limits.maxWork)) {
      chunks.push(current);
      current = [];
      work = 0;
    }
    current.push(app);
    work += w;
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
