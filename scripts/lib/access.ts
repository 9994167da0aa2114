/**
 * Who may call what: the AccessManager's function roles of every duty and configuration
 * function (`restricted`), the member actions (`whenOpen`), the module hooks (`onlyModule`), and
 * the module roles each ledger contract holds. `wireAccess` (scripts/lib/ledger.ts) applies
 * them; test/access.test.ts checks that every state-changing function is in this table, so
 * that none is left at the manager's default (admin only) by mistake. contracts/README.md
 * documents the same table.
 */
import type { LedgerName } from "./ledger";
import type { ModuleRole, RoleName } from "./roles";

/** Function names (or full signatures where overloaded) by role, per contract. */
export const FUNCTION_ROLES: Partial<Record<LedgerName, Partial<Record<RoleName, string[]>>>> = {
  members: { REGISTRAR: ["admit", "suspend", "reinstate", "rebind"] },
  registry: {
    ADMIN: ["setModules", "setBaseURI"],
    REGISTRAR: ["accept", "refuse", "confirm", "correct", "renew", "registrarCancel", "recoveryTransfer"],
  },
  office: { ADMIN: ["setRevealWindow"] },
  compliance: {
    REGULATOR: [
      "confirmGrade",
      "recordDeidentificationReview",
      "grantCrossBorderClearance",
      "revokeCrossBorderClearance",
      "approveSandbox",
      "revokeSandbox",
    ],
  },
  licenses: {
    COURT: ["courtRevoke"],
  },
  milestones: {
    AUDITOR: ["attestFinancialStatements"],
    OPENING_ATTESTER: ["attestOpening"],
    FINANCING_ATTESTER: ["attestFinancing"],
    REGISTRAR: ["annul"],
  },
  disputes: {
    ADMIN: ["setPledgeRegistry"],
    ADJUDICATOR: ["admit"],
    REGISTRAR: ["rule", "dismissSuspended"],
    COURT: ["courtRule", "freeze", "unfreeze", "orderTransfer", "orderCancel"],
  },
  tradeDesk: { EXCHANGE: ["list", "tradeHolding", "tradeLicense"] },
  valuations: { EVALUATOR: ["record"] },
  emergencyStop: { GUARDIAN: ["stop"] },
  incentives: { BUREAU: ["recordIncentive", "revokeIncentive"] },
  pledges: {
    COURT: ["courtEnforce"],
  },
};

/**
 * Member actions (`whenOpen`): open to every account, the function checks the party; stopped
 * when the admin closes the contract.
 */
export const OPEN_FUNCTIONS: Partial<Record<LedgerName, string[]>> = {
  registry: [
    "changeMetadata",
    "cancel",
    "transferFrom",
    "safeTransferFrom(address,address,uint256)",
    "safeTransferFrom(address,address,uint256,bytes)",
  ],
  office: ["submit", "submitBatch"],
  licenses: ["grant", "acceptOffer", "cancelNonce", "sublicense", "revoke", "revokeWithConsent", "surrender", "close"],
  disputes: ["object", "withdraw"],
  tradeDesk: ["placeOrder", "cancelNonce", "delist"],
  pledges: ["propose", "withdraw", "accept", "release", "enforce"],
};

/**
 * State-changing functions deliberately outside the manager: ERC-721 approvals move nothing
 * (every transfer is `whenOpen` and passes the rule), a commitment alone changes no record,
 * and the evidence anchor has no roles.
 */
export const UNMANAGED_FUNCTIONS: Partial<Record<LedgerName, string[]>> = {
  registry: ["approve", "setApprovalForAll"],
  office: ["commit"],
  evidence: ["anchor", "revoke"],
};

/**
 * Module hooks: called only by another ledger contract, with the module role fixed in the code
 * (`onlyModule`), not through the manager's function roles.
 */
export const MODULE_HOOKS: Partial<Record<LedgerName, Partial<Record<ModuleRole, string[]>>>> = {
  registry: {
    REGISTRATION_MODULE: ["openApplication"],
    DISPUTES_MODULE: ["setDisputeFlags", "setFrozen", "forceTransfer", "forceCancel"],
    PLEDGE_MODULE: ["setPledged", "enforcePledge"],
    COMPLIANCE_MODULE: ["setGrade"],
    TRADE_MODULE: ["tradeTransfer"],
    LICENSE_MODULE: ["openLicense", "closeLicenses"],
  },
  licenses: { DISPUTES_MODULE: ["endForCancellation"] },
  milestones: { MILESTONE_WRITER: ["recordAutomatic"] },
  pledges: { DISPUTES_MODULE: ["settleForCourt"] },
};

/** The module roles each ledger contract holds. */
export const MODULE_HOLDERS: Record<ModuleRole, LedgerName[]> = {
  DISPUTES_MODULE: ["disputes"],
  REGISTRATION_MODULE: ["office"],
  PLEDGE_MODULE: ["pledges"],
  COMPLIANCE_MODULE: ["compliance"],
  MILESTONE_WRITER: ["tradeDesk", "pledges"],
  TRADE_MODULE: ["tradeDesk"],
  LICENSE_MODULE: ["licenses"],
};
