/** Role ids of contracts/access/Roles.sol. Keep the two in step (test/access.test.ts checks). */
export const ROLES = {
  ADMIN: 0n,
  REGISTRAR: 1n,
  EXCHANGE: 2n,
  EVALUATOR: 3n,
  AUDITOR: 4n,
  REGULATOR: 5n,
  COURT: 6n,
  GUARDIAN: 17n,
  BUREAU: 18n,
  ADJUDICATOR: 7n,
  OPENING_ATTESTER: 8n,
  FINANCING_ATTESTER: 9n,
  DISPUTES_MODULE: 10n,
  REGISTRATION_MODULE: 11n,
  PLEDGE_MODULE: 12n,
  COMPLIANCE_MODULE: 13n,
  MILESTONE_WRITER: 14n,
  TRADE_MODULE: 15n,
  LICENSE_MODULE: 16n,
  PUBLIC: 2n ** 64n - 1n,
} as const;

export type RoleName = keyof typeof ROLES;

/** Roles that people and institutions hold (the deployment config names their accounts). */
export const PERSON_ROLES = ["REGISTRAR", "EXCHANGE", "EVALUATOR", "AUDITOR", "REGULATOR", "COURT", "GUARDIAN", "BUREAU"] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

/**
 * Capability roles: a duty two kinds of institution perform has a role of its own, granted
 * (and revoked) together with the institution's role.
 */
export const CAPABILITIES: Record<PersonRole, RoleName[]> = {
  REGISTRAR: ["ADJUDICATOR", "OPENING_ATTESTER"],
  EXCHANGE: ["FINANCING_ATTESTER"],
  EVALUATOR: [],
  AUDITOR: ["FINANCING_ATTESTER"],
  REGULATOR: ["OPENING_ATTESTER"],
  COURT: ["ADJUDICATOR"],
  GUARDIAN: [],
  BUREAU: [],
};

/** Roles held by ledger contracts only. */
export const MODULE_ROLES = [
  "DISPUTES_MODULE",
  "REGISTRATION_MODULE",
  "PLEDGE_MODULE",
  "COMPLIANCE_MODULE",
  "MILESTONE_WRITER",
  "TRADE_MODULE",
  "LICENSE_MODULE",
] as const satisfies readonly RoleName[];
export type ModuleRole = (typeof MODULE_ROLES)[number];
