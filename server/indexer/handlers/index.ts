/**
 * Every contract's handler module, by deployment key, and the start-up check that they match
 * the deployment's ABIs.
 */
import { INDEXED_CONTRACTS, type ContractKey, type Deployment } from "../../deployment";
import compliance from "./compliance";
import { IndexInvariantError, checkAgainstAbi, type RuntimeHandler } from "./define";
import disputes from "./disputes";
import evidence from "./evidence";
import incentives from "./incentives";
import licenses from "./licenses";
import members from "./members";
import milestones from "./milestones";
import office from "./office";
import pledges from "./pledges";
import registry from "./registry";
import tradeDesk from "./trade-desk";
import valuations from "./valuations";

export { IndexInvariantError } from "./define";
export type { HandlerContext, RuntimeHandler } from "./define";

const MODULES = [members, registry, office, compliance, licenses, milestones, disputes, tradeDesk, valuations, pledges, evidence, incentives];

/** contract → event name → handler. */
export const HANDLERS: ReadonlyMap<ContractKey, ReadonlyMap<string, RuntimeHandler>> = new Map(MODULES.map((m) => [m.key, m.events]));

/**
 * Checks that every event of every indexed contract's ABI in the deployment has a handler
 * whose fields match it, and that every handler's event is in the ABI. Throws
 * IndexInvariantError naming the first event (and field) at fault.
 */
export function checkHandlers(deployment: Deployment): void {
  for (const key of INDEXED_CONTRACTS) {
    const handlers = HANDLERS.get(key);
    if (!handlers) throw new IndexInvariantError(key, "", "no handler module for this contract");
    const seen = new Set<string>();
    deployment.interfaces[key].forEachEvent((fragment) => {
      const label = `${key}.${fragment.name}`;
      const h = handlers.get(fragment.name);
      if (!h) throw new IndexInvariantError(label, "", "the deployment's ABI has this event but no handler is registered for it");
      checkAgainstAbi(label, h.fields, fragment.inputs);
      seen.add(fragment.name);
    });
    for (const name of handlers.keys()) {
      if (!seen.has(name)) throw new IndexInvariantError(`${key}.${name}`, "", "a handler is registered for an event the deployment's ABI does not have");
    }
  }
}
