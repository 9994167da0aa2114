/**
 * The ledger contracts' ABIs, from the typed bindings (typechain-types, which need ethers only),
 * and one Interface holding every custom error of all of them plus the shared error interfaces:
 * a revert bubbling up from a module (e.g. the registry's AssetFrozen under TradeDesk.list) is
 * decoded whichever contract the call went to.
 */
import { ErrorFragment, Interface, type InterfaceAbi } from "ethers";
import {
  AccessManager__factory,
  ComplianceRegistry__factory,
  DataAssetRegistry__factory,
  DisputeResolution__factory,
  EmergencyStop__factory,
  EvidenceAnchor__factory,
  IAssetRuleErrors__factory,
  ILedgerErrors__factory,
  IncentiveRegistry__factory,
  ISignatureErrors__factory,
  LicenseRegistry__factory,
  MemberRegistry__factory,
  MilestoneRegistry__factory,
  PledgeRegistry__factory,
  RegistrationOffice__factory,
  TradeDesk__factory,
  ValuationRegistry__factory,
} from "../../typechain-types";
import type { LedgerKey } from "./deployment-schema";

export const LEDGER_ABIS: Record<LedgerKey, InterfaceAbi> = {
  manager: AccessManager__factory.abi,
  members: MemberRegistry__factory.abi,
  registry: DataAssetRegistry__factory.abi,
  office: RegistrationOffice__factory.abi,
  compliance: ComplianceRegistry__factory.abi,
  licenses: LicenseRegistry__factory.abi,
  milestones: MilestoneRegistry__factory.abi,
  disputes: DisputeResolution__factory.abi,
  tradeDesk: TradeDesk__factory.abi,
  valuations: ValuationRegistry__factory.abi,
  pledges: PledgeRegistry__factory.abi,
  evidence: EvidenceAnchor__factory.abi,
  incentives: IncentiveRegistry__factory.abi,
  emergencyStop: EmergencyStop__factory.abi,
};

const SHARED_ERROR_ABIS: InterfaceAbi[] = [ILedgerErrors__factory.abi, IAssetRuleErrors__factory.abi, ISignatureErrors__factory.abi];

/** Every custom error of the ledger, once per selector. */
export function allErrorFragments(): ErrorFragment[] {
  const bySelector = new Map<string, ErrorFragment>();
  for (const abi of [...Object.values(LEDGER_ABIS), ...SHARED_ERROR_ABIS]) {
    new Interface(abi).forEachError((f) => {
      if (!bySelector.has(f.selector)) bySelector.set(f.selector, f);
    });
  }
  return [...bySelector.values()];
}

let errorsInterface: Interface | undefined;
/** One Interface with all the ledger's custom errors (for `parseError`). */
export function ledgerErrors(): Interface {
  errorsInterface ??= new Interface(allErrorFragments());
  return errorsInterface;
}
