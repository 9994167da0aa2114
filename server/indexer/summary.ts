/**
 * One plain-language sentence per event, for the provenance timeline that courts and
 * exchanges read. Parties are named by their member name where they are members.
 */
import { ZeroAddress } from "ethers";
import { DELIVERY_MODE, MILESTONE, RULING, SECURITY_GRADE, enumName, rightsOf } from "../../sdk/api/enums";
import type { DecodedEvent, Plain, PlainArgs } from "./decode";

type NameOf = (address: string) => string | null;

const short = (h: string): string => `${h.slice(0, 10)}…`;
const date = (t: Plain | undefined): string => new Date(Number(t ?? 0) * 1000).toISOString().slice(0, 10);
const asObj = (v: Plain | undefined): PlainArgs => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

export function summarize(ev: DecodedEvent, nameOf: NameOf): string {
  const a = ev.args;
  const who = (v: Plain | undefined): string => {
    const addr = String(v ?? "");
    const name = nameOf(addr);
    return name ? `${name} (${addr})` : addr;
  };
  const s = (v: Plain | undefined): string => String(v ?? "");
  switch (ev.event) {
    case "AssetApplied": {
      const app = asObj(a.application);
      const parents = Array.isArray(app.parents) && app.parents.length > 0 ? `, derived from asset ${app.parents.join(", ")}` : "";
      return `${who(a.applicant)} applied to register asset ${s(a.assetId)} (content ${short(s(a.contentHash))}${parents})`;
    }
    case "PublicityStarted":
      return `Registrar ${who(a.registrar)} accepted the application; publicity runs until ${date(a.publicityEnd)}`;
    case "ApplicationRefused":
      return `Registrar ${who(a.registrar)} refused the application (reason ${short(s(a.reasonHash))})`;
    case "AssetRegistered":
      return `Registered as ${s(a.registrationNumber)} to ${who(a.holder)} by registrar ${who(a.registrar)}, valid until ${date(a.validUntil)}`;
    case "Transfer":
      if (a.from === ZeroAddress) return `Holding right issued to ${who(a.to)}`;
      if (a.to === ZeroAddress) return `Holding right extinguished (held by ${who(a.from)})`;
      return `Holding right passed from ${who(a.from)} to ${who(a.to)}`;
    case "Approval":
      return a.approved === ZeroAddress ? `Holder ${who(a.owner)} cleared the transfer approval` : `Holder ${who(a.owner)} approved ${who(a.approved)} to transfer the asset`;
    case "MetadataChanged":
      return `Holder ${who(a.by)} changed the metadata (version ${s(a.version)})`;
    case "AssetCorrected":
      return `Registrar ${who(a.registrar)} corrected the metadata (version ${s(a.version)})`;
    case "AssetRenewed":
      return `Registrar ${who(a.registrar)} renewed the registration until ${date(a.newValidUntil)}`;
    case "RegistrationCancelled":
      return `Registration cancelled by ${who(a.by)}; last holder ${who(a.lastHolder)}`;
    case "DisputeCountChanged":
      return Number(a.openObjections) > 0 ? `${s(a.openObjections)} objection(s) open: the asset is disputed` : `No objection open any more`;
    case "FrozenChanged":
      return a.frozen ? "The asset is frozen" : "The asset is no longer frozen";
    case "PledgedChanged":
      return a.pledged ? "The asset is pledged" : "The asset is no longer pledged";
    case "GradeChanged":
      return `Security grade changed from ${enumName(SECURITY_GRADE, Number(a.previousGrade))} to ${enumName(SECURITY_GRADE, Number(a.newGrade))}`;
    case "ForcedTransfer":
      return `Holding right moved by order from ${who(a.from)} to ${who(a.to)} (case ${short(s(a.caseHash))})`;
    case "GradeConfirmed":
      return `Regulator ${who(a.regulator)} confirmed the grade ${enumName(SECURITY_GRADE, Number(a.grade))}`;
    case "CrossBorderCleared":
      return `Regulator ${who(a.regulator)} cleared cross-border provision until ${date(a.validUntil)}`;
    case "CrossBorderRevoked":
      return `Regulator ${who(a.regulator)} revoked the cross-border clearance`;
    case "SandboxApproved":
      return `Regulator ${who(a.regulator)} approved sandbox delivery until ${date(a.validUntil)}`;
    case "SandboxRevoked":
      return `Regulator ${who(a.regulator)} revoked the sandbox approval`;
    case "ObjectionFiled":
      return `${who(a.claimant)} filed objection ${s(a.objectionId)}`;
    case "ObjectionWithdrawn":
      return `${who(a.claimant)} withdrew objection ${s(a.objectionId)}`;
    case "ObjectionRuled":
      return `${who(a.adjudicator)} ruled on objection ${s(a.objectionId)}: ${enumName(RULING, Number(a.ruling))}`;
    case "AssetFrozenByCourt":
      return `Court ${who(a.court)} froze the asset (case ${short(s(a.caseHash))})`;
    case "AssetUnfrozenByCourt":
      return `Court ${who(a.court)} lifted the freeze (case ${short(s(a.caseHash))})`;
    case "TransferOrdered":
      return `Court ${who(a.court)} ordered the transfer to ${who(a.to)} (case ${short(s(a.caseHash))})`;
    case "CancellationOrdered":
      return `Court ${who(a.court)} ordered the cancellation (case ${short(s(a.caseHash))})`;
    case "LicenseGranted": {
      const t = asObj(a.terms);
      const rights = rightsOf(Number(t.rights)).join(" and ");
      const kind = s(a.parentId) === "0" ? "licence" : `sublicence (under licence ${s(a.parentId)})`;
      return `${who(a.licensor)} granted ${kind} ${s(a.licenseId)} of the ${rights} right to ${who(a.licensee)}, ${date(t.start)} to ${date(t.end)}`;
    }
    case "LicenseRevoked":
      return `Licence ${s(a.licenseId)} revoked by ${a.byCourt ? "court " : ""}${who(a.by)}`;
    case "Listed":
      return `Listed by exchange ${who(a.exchange)} for ${who(a.holder)}`;
    case "Delisted":
      return `Delisted from exchange ${who(a.exchange)}`;
    case "TradeRecorded": {
      const what = s(a.licenseId) === "0" ? "the holding right" : `licence ${s(a.licenseId)}`;
      return `Trade ${s(a.tradeId)} of ${what} from ${who(a.seller)} to ${who(a.buyer)} for ${s(a.price)} (${enumName(DELIVERY_MODE, Number(a.mode))} delivery)`;
    }
    case "MilestoneRecorded":
      return `First ${enumName(MILESTONE, Number(a.kind))} recorded for ${who(a.enterprise)} by ${who(a.attester)}`;
    case "ValuationRecorded":
      return `Evaluator ${who(a.evaluator)} valued the asset at ${s(a.value)}`;
    case "PledgeProposed":
      return `${who(a.pledgor)} proposed pledge ${s(a.pledgeId)} to ${who(a.pledgee)} securing ${s(a.securedAmount)}`;
    case "PledgeWithdrawn":
      return `Pledge ${s(a.pledgeId)} withdrawn`;
    case "PledgeActivated":
      return `Pledge ${s(a.pledgeId)} took effect (pledgee ${who(a.pledgee)})`;
    case "PledgeReleased":
      return `Pledge ${s(a.pledgeId)} released by ${who(a.pledgee)}`;
    case "PledgeEnforced":
      return `Pledge ${s(a.pledgeId)} enforced by ${a.byCourt ? "court " : ""}${who(a.by)}`;
    default:
      return `${ev.contract}.${ev.event}`;
  }
}
