/** Role ids of contracts/access/Roles.sol. Keep the two in step. */
export const ROLES = {
  ADMIN: 0n,
  REGISTRAR: 1n,
  EXCHANGE: 2n,
  EVALUATOR: 3n,
  AUDITOR: 4n,
  REGULATOR: 5n,
  COURT: 6n,
  DISPUTES_MODULE: 10n,
  PLEDGE_MODULE: 12n,
  COMPLIANCE_MODULE: 13n,
  MILESTONE_WRITER: 14n,
} as const;

export type RoleName = keyof typeof ROLES;

/** Roles that people and institutions hold (the deployment config names their accounts). */
export const PERSON_ROLES = ["REGISTRAR", "EXCHANGE", "EVALUATOR", "AUDITOR", "REGULATOR", "COURT"] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];
