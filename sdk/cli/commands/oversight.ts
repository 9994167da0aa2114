/** `drl compliance grade|deid|crossborder|sandbox` (regulator) and `drl court …` (court orders). */
import type { Command } from "commander";
import { EXPORT_MECHANISM, PLEDGE_ACTION, RULING, SECURITY_GRADE } from "../../api/enums";
import { UsageError } from "../exit";
import { formatTime } from "../output";
import { parseDate, parseEnum, parseHash, parseId } from "../parse";
import { account, assetId, contextOf, fileHash, hashText, printTx, signing, signingClient, type SigningFlags } from "./common";

const ids = (flag: string, raw: string | undefined): bigint[] =>
  raw === undefined ? [] : raw.split(",").map((s) => s.trim()).filter((s) => s !== "").map((s) => parseId(flag, s));

export function registerOversight(program: Command): void {
  const compliance = program.command("compliance").description("regulator records");
  signing(compliance.command("grade").description("confirm an asset's security grade").argument("<ref>", "the asset").requiredOption("--grade <g>", `${SECURITY_GRADE.join(", ")}`).requiredOption("--report <file>", "the grading report (fingerprinted)")).action(
    async (ref: string, f: { grade: string; report: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const grade = parseEnum("--grade", SECURITY_GRADE, f.grade);
      const report = await fileHash(ctx, "--report", f.report);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).confirmGrade({ assetId: id, grade, reportHash: report.hash });
      printTx(ctx, { ...tx, assetId: id }, `Confirmed asset ${id} as ${grade}.`);
    },
  );
  signing(
    compliance
      .command("deid")
      .description("record a de-identification review of content before it is applied for")
      .argument("<content>", "the data (file or directory, fingerprinted) or its 0x content hash")
      .requiredOption("--applicant <addr>", "who will apply")
      .option("--failed", "the review did not pass (default: passed)")
      .requiredOption("--report <file>", "the review report (fingerprinted)"),
  ).action(async (content: string, f: { applicant: string; failed?: boolean; report: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const contentHash = /^0x[0-9a-fA-F]{64}$/.test(content) ? parseHash("<content>", content) : (await fileHash(ctx, "<content>", content)).hash;
    const applicant = account(ctx, "--applicant", f.applicant);
    const report = await fileHash(ctx, "--report", f.report);
    const tx = await (await signingClient(ctx, f)).recordDeidentificationReview({ applicant, contentHash, passed: f.failed !== true, reportHash: report.hash });
    printTx(ctx, { ...tx, contentHash }, `Recorded a ${f.failed ? "failed" : "passed"} de-identification review of ${contentHash} for ${applicant}.`);
  });
  signing(
    compliance
      .command("crossborder")
      .description("grant a cross-border clearance for one recipient")
      .argument("<ref>", "the asset")
      .requiredOption("--recipient <addr>", "the foreign recipient")
      .requiredOption("--mechanism <m>", `${EXPORT_MECHANISM.join(", ")}`)
      .requiredOption("--route <text>", "the export route (stored hashed)")
      .requiredOption("--until <date>", "valid until"),
  ).action(async (ref: string, f: { recipient: string; mechanism: string; route: string; until: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const input = {
      recipient: account(ctx, "--recipient", f.recipient),
      mechanism: parseEnum("--mechanism", EXPORT_MECHANISM, f.mechanism),
      routeHash: hashText("--route", f.route),
      validUntil: parseDate("--until", f.until, { endOfDay: true }),
    };
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).grantCrossBorderClearance({ assetId: id, ...input });
    printTx(ctx, { ...tx, assetId: id }, `Cleared asset ${id} for ${input.recipient} until ${formatTime(input.validUntil)}.`);
  });
  signing(compliance.command("sandbox").description("approve sandbox delivery").argument("<ref>", "the asset").requiredOption("--approval <file>", "the approval (fingerprinted)").requiredOption("--until <date>", "valid until")).action(
    async (ref: string, f: { approval: string; until: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const validUntil = parseDate("--until", f.until, { endOfDay: true });
      const approval = await fileHash(ctx, "--approval", f.approval);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).approveSandbox({ assetId: id, approvalHash: approval.hash, validUntil });
      printTx(ctx, { ...tx, assetId: id }, `Approved sandbox delivery of asset ${id} until ${formatTime(validUntil)}.`);
    },
  );

  const court = program.command("court").description("court orders");
  for (const name of ["freeze", "unfreeze"] as const) {
    signing(court.command(name).description(`${name} an asset for a case`).argument("<ref>", "the asset").requiredOption("--case <text>", "the case (stored hashed)")).action(
      async (ref: string, f: { case: string } & SigningFlags, cmd: Command) => {
        const ctx = contextOf(cmd);
        const caseHash = hashText("--case", f.case);
        const id = await assetId(ctx, "<ref>", ref);
        const client = await signingClient(ctx, f);
        const tx = name === "freeze" ? await client.freeze({ assetId: id, caseHash }) : await client.unfreeze({ assetId: id, caseHash });
        printTx(ctx, { ...tx, assetId: id }, `${name === "freeze" ? "Froze" : "Unfroze"} asset ${id} for case "${f.case}".`);
      },
    );
  }
  signing(court.command("admit").description("admit an objection (the asset is disputed while it is open)").argument("<objection>", "the objection id")).action(
    async (raw: string, f: SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const objectionId = parseId("<objection>", raw);
      const tx = await (await signingClient(ctx, f)).admitObjection({ objectionId });
      printTx(ctx, { ...tx, objectionId }, `Admitted objection ${objectionId}.`);
    },
  );
  signing(
    court
      .command("rule")
      .description(`rule on an objection (${RULING.join(", ")})`)
      .argument("<objection>", "the objection id")
      .argument("<ruling>", RULING.join(", "))
      .requiredOption("--decision <file>", "the decision (fingerprinted)")
      .option("--licenses <ids>", "licences to end with a cancel ruling (comma-separated)")
      .option("--pledge-action <a>", `what happens to a pledge if the asset moves (${PLEDGE_ACTION.join(", ")})`)
      .option("--registrar", "rule as the registrar instead of a court"),
  ).action(async (raw: string, rulingRaw: string, f: { decision: string; licenses?: string; pledgeAction?: string; registrar?: boolean } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const objectionId = parseId("<objection>", raw);
    const ruling = parseEnum("<ruling>", RULING, rulingRaw);
    const licenseIds = ids("--licenses", f.licenses);
    const decision = await fileHash(ctx, "--decision", f.decision);
    const client = await signingClient(ctx, f);
    if (f.registrar && f.pledgeAction !== undefined) throw new UsageError("--pledge-action", "applies to a court's ruling only");
    const tx = f.registrar
      ? await client.rule({ objectionId, ruling, decisionHash: decision.hash, licenseIds })
      : await client.courtRule({ objectionId, ruling, decisionHash: decision.hash, licenseIds, pledgeAction: f.pledgeAction === undefined ? "none" : parseEnum("--pledge-action", PLEDGE_ACTION, f.pledgeAction) });
    printTx(ctx, { ...tx, objectionId }, `Ruled on objection ${objectionId}: ${ruling}.`);
  });
  signing(
    court
      .command("order-transfer")
      .description("order the holding right moved")
      .argument("<ref>", "the asset")
      .argument("<to>", "the new holder")
      .requiredOption("--case <text>", "the case (stored hashed)")
      .option("--pledge-action <a>", `carry or discharge a pledge (${PLEDGE_ACTION.join(", ")})`),
  ).action(async (ref: string, to: string, f: { case: string; pledgeAction?: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const dest = account(ctx, "<to>", to);
    const caseHash = hashText("--case", f.case);
    const pledgeAction = f.pledgeAction === undefined ? "none" : parseEnum("--pledge-action", PLEDGE_ACTION, f.pledgeAction);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).orderTransfer({ assetId: id, to: dest, caseHash, pledgeAction });
    printTx(ctx, { ...tx, assetId: id }, `Ordered asset ${id} transferred to ${dest} (case "${f.case}").`);
  });
  signing(
    court.command("order-cancel").description("order a registration cancelled").argument("<ref>", "the asset").requiredOption("--case <text>", "the case (stored hashed)").option("--licenses <ids>", "licences to end with it (comma-separated)"),
  ).action(async (ref: string, f: { case: string; licenses?: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const caseHash = hashText("--case", f.case);
    const licenseIds = ids("--licenses", f.licenses);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).orderCancel({ assetId: id, caseHash, licenseIds });
    printTx(ctx, { ...tx, assetId: id }, `Ordered asset ${id} cancelled (case "${f.case}").`);
  });
}
