/** `drl asset …`: apply (one or a batch), review, and the rest of the lifecycle. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { ASSET_KIND, DATA_CATEGORY, PERSONAL_INFO, PRODUCT_FORM, SECURITY_GRADE, SOURCE_TYPE } from "../../api/enums";
import type { ApplicationInput } from "../../ledger/inputs";
import { textHash } from "../../text";
import { csvRecords } from "../csv";
import { UsageError } from "../exit";
import { formatTime } from "../output";
import { parseDate, parseDuration, parseEnum, parseId, parseRights, parseText } from "../parse";
import type { Context } from "../context";
import { assetId, contextOf, fileHash, hashText, printTx, progressBar, signing, signingClient, type SigningFlags } from "./common";

const collect = (v: string, prev: string[]) => [...prev, v];
/** Default validity: two years (the registry allows at most three). */
const DEFAULT_VALIDITY = 2 * 365 * 86_400;

interface ApplyFields {
  name: string;
  kind: string;
  form?: string;
  category: string;
  grade: string;
  rights: string;
  source: string;
  sourceEvidence: string;
  personalInfo?: string;
  parent: string[];
  parentLicense: string[];
  metadata?: string;
  metadataUri?: string;
  validUntil?: string;
}

/** One application from flags (or a CSV row using the same names); files are fingerprinted here. */
async function application(ctx: Context, data: string, f: ApplyFields, where = (flag: string) => flag, base = "."): Promise<ApplicationInput> {
  const content = await fileHash(ctx, where("<file-or-dir>"), path.resolve(base, data));
  const source = await fileHash(ctx, where("--source-evidence"), path.resolve(base, f.sourceEvidence));
  const metadataHash = f.metadata === undefined ? textHash(f.name) : (await fileHash(ctx, where("--metadata"), path.resolve(base, f.metadata))).hash;
  const kind = parseEnum(where("--kind"), ASSET_KIND, f.kind);
  const parents: bigint[] = [];
  for (const p of f.parent) parents.push(await assetId(ctx, where("--parent"), p));
  if (f.parentLicense.length > 0 && f.parentLicense.length !== parents.length) {
    throw new UsageError(where("--parent-license"), "give one per --parent (0 for a parent you hold)");
  }
  return {
    name: parseText(where("--name"), f.name, 128),
    kind,
    form: f.form === undefined ? (kind === "product" ? "dataset" : "none") : parseEnum(where("--form"), PRODUCT_FORM, f.form),
    category: parseEnum(where("--category"), DATA_CATEGORY, f.category),
    rights: parseRights(where("--rights"), f.rights),
    source: parseEnum(where("--source"), SOURCE_TYPE, f.source),
    grade: parseEnum(where("--grade"), SECURITY_GRADE, f.grade),
    personalInfo: f.personalInfo === undefined ? "none" : parseEnum(where("--personal-info"), PERSONAL_INFO, f.personalInfo),
    validUntil: f.validUntil === undefined ? Math.floor(Date.now() / 1000) + DEFAULT_VALIDITY : parseDate(where("--valid-until"), f.validUntil, { endOfDay: true }),
    sourceEvidenceHash: source.hash,
    contentHash: content.hash,
    metadataHash,
    // The registry needs a URI; without one, a URN naming the metadata by its hash.
    metadataUri: f.metadataUri ?? `urn:drl:metadata:${metadataHash.slice(2)}`,
    parents,
    ...(f.parentLicense.length > 0 ? { parentLicenses: f.parentLicense.map((l) => (l === "0" ? 0n : parseId(where("--parent-license"), l))) } : {}),
  };
}

async function applyBatch(ctx: Context, manifest: string, f: SigningFlags): Promise<void> {
  let text: string;
  try {
    text = await readFile(manifest, "utf8");
  } catch (e) {
    throw new UsageError("<manifest.csv>", `cannot read ${manifest} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const base = path.dirname(path.resolve(manifest));
  const records = csvRecords("<manifest.csv>", text);
  if (records.length === 0) throw new UsageError("<manifest.csv>", "has no applications (one row per application after the header)");
  const apps: ApplicationInput[] = [];
  const hashing = progressBar(ctx, "fingerprinting");
  try {
    for (const r of records) {
      const where = (flag: string) => `${manifest} line ${r.line} (${flag.replace(/^--/, "").replace(/^<file-or-dir>$/, "path")})`;
      const need = (col: string) => {
        const v = r.get(col);
        if (v === undefined) throw new UsageError(where(`--${col}`), "is required");
        return v;
      };
      const opt = (col: string) => r.get(col);
      const split = (v: string | undefined) => (v === undefined ? [] : v.split(/[;|]/).map((s) => s.trim()).filter((s) => s !== ""));
      apps.push(
        await application(
          ctx,
          need("path"),
          {
            name: need("name"),
            kind: need("kind"),
            category: need("category"),
            grade: need("grade"),
            rights: need("rights").replace(/[;|]/g, ","),
            source: need("source"),
            sourceEvidence: need("source-evidence"),
            parent: split(opt("parents")),
            parentLicense: split(opt("parent-licenses")),
            ...(opt("form") === undefined ? {} : { form: opt("form") as string }),
            ...(opt("personal-info") === undefined ? {} : { personalInfo: opt("personal-info") as string }),
            ...(opt("metadata") === undefined ? {} : { metadata: opt("metadata") as string }),
            ...(opt("metadata-uri") === undefined ? {} : { metadataUri: opt("metadata-uri") as string }),
            ...(opt("valid-until") === undefined ? {} : { validUntil: opt("valid-until") as string }),
          },
          where,
          base,
        ),
      );
      hashing.update(apps.length, records.length);
    }
  } finally {
    hashing.stop();
  }
  const client = await signingClient(ctx, f);
  const bar = progressBar(ctx, "applying");
  let result;
  try {
    result = await client.applyBatch(apps, { onProgress: (p) => bar.update(p.done, p.total) });
  } finally {
    bar.stop();
  }
  const last = result.transactions.at(-1);
  ctx.out.result(
    { txHash: last?.txHash, blockNumber: last?.blockNumber, events: result.transactions.flatMap((t) => t.events), assetIds: result.assetIds, transactions: result.transactions.map((t) => ({ txHash: t.txHash, commitTxHash: t.commitTxHash, blockNumber: t.blockNumber, firstId: t.firstId, count: t.count })) },
    () => `Applied ${result.assetIds.length} assets (ids ${result.assetIds[0]}…${result.assetIds.at(-1)}) in ${result.transactions.length} reveal transaction${result.transactions.length === 1 ? "" : "s"}.`,
  );
}

export function registerAssets(program: Command): void {
  const asset = program.command("asset").description("apply for registration and the lifecycle of an asset");
  signing(
    asset
      .command("apply")
      .description("fingerprint the data and apply (commit, wait a block, reveal); prints the asset id and the content hash")
      .argument("<file-or-dir>", "the data: a file, or a directory (hashed through its manifest)")
      .requiredOption("--name <n>", "the asset's name")
      .requiredOption("--kind <k>", `resource or product`)
      .option("--form <f>", `product form (${PRODUCT_FORM.join(", ")}); default dataset for a product`)
      .requiredOption("--category <c>", `data category (${DATA_CATEGORY.join(", ")})`)
      .requiredOption("--grade <g>", `security grade (${SECURITY_GRADE.join(", ")})`)
      .requiredOption("--rights <r,...>", "rights claimed: holding, processing, operation")
      .requiredOption("--source <s>", `source type (${SOURCE_TYPE.join(", ")})`)
      .requiredOption("--source-evidence <file>", "evidence of the source (fingerprinted)")
      .option("--personal-info <p>", `personal information (${PERSONAL_INFO.join(", ")})`)
      .option("--parent <ref>", "a parent asset (repeat for each)", collect, [])
      .option("--parent-license <id>", "the licence to use each parent (repeat, in --parent order; 0 for one you hold)", collect, [])
      .option("--metadata <file>", "metadata file (fingerprinted; default: the hash of --name)")
      .option("--metadata-uri <uri>", "where the metadata can be read (default: urn:drl:metadata:<hash>)")
      .option("--valid-until <date>", "end of validity (default: two years from now; at most three)"),
  ).action(async (data: string, f: ApplyFields & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const input = await application(ctx, data, f);
    const tx = await (await signingClient(ctx, f)).apply(input);
    printTx(ctx, tx, `Applied: asset ${tx.assetId}.`, [["asset id", tx.assetId], ["content hash", tx.contentHash]]);
  });
  signing(asset.command("apply-batch").description("many applications from a CSV (columns as the apply flags: path,name,kind,…), in as few transactions as the gas cap allows").argument("<manifest.csv>", "the manifest")).action(
    async (manifest: string, f: SigningFlags, cmd: Command) => applyBatch(contextOf(cmd), manifest, f),
  );
  signing(asset.command("accept").description("registrar: accept an application and open its publicity period").argument("<ref>", "the asset").requiredOption("--publicity <duration>", "publicity period (30s, 10m, 2h, 7d)")).action(
    async (ref: string, f: { publicity: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const publicityPeriod = parseDuration("--publicity", f.publicity);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).accept({ assetId: id, publicityPeriod });
      const block = await ctx.rpc().getBlock(tx.blockNumber);
      printTx(ctx, { ...tx, assetId: id }, `Accepted asset ${id}; publicity runs until ${block ? formatTime(block.timestamp + publicityPeriod) : `${publicityPeriod} s from now`}.`);
    },
  );
  signing(asset.command("refuse").description("registrar: refuse an application").argument("<ref>", "the asset").requiredOption("--reason <text>", "why (stored hashed)")).action(
    async (ref: string, f: { reason: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const reasonHash = hashText("--reason", f.reason);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).refuse({ assetId: id, reasonHash });
      printTx(ctx, { ...tx, assetId: id }, `Refused asset ${id}.`);
    },
  );
  signing(asset.command("confirm").description("registrar: confirm after publicity; prints the registration number").argument("<ref>", "the asset")).action(
    async (ref: string, f: SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).confirm({ assetId: id });
      printTx(ctx, tx, `Registered asset ${id}: ${tx.registrationNumber}`, [["registration number", tx.registrationNumber]]);
    },
  );
  signing(asset.command("object").description("file an objection against an asset").argument("<ref>", "the asset").requiredOption("--evidence <file>", "the objection's evidence (fingerprinted)")).action(
    async (ref: string, f: { evidence: string } & SigningFlags, cmd: Command) => {
      const ctx = contextOf(cmd);
      const evidence = await fileHash(ctx, "--evidence", f.evidence);
      const id = await assetId(ctx, "<ref>", ref);
      const tx = await (await signingClient(ctx, f)).object({ assetId: id, evidenceHash: evidence.hash });
      printTx(ctx, tx, `Filed objection ${tx.objectionId} against asset ${id}.`, [["objection id", tx.objectionId]]);
    },
  );
  signing(
    asset.command("change").description("holder: change the metadata").argument("<ref>", "the asset").requiredOption("--metadata <file>", "the new metadata (fingerprinted)").option("--metadata-uri <uri>", "where it can be read", ""),
  ).action(async (ref: string, f: { metadata: string; metadataUri: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const m = await fileHash(ctx, "--metadata", f.metadata);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).change({ assetId: id, metadataHash: m.hash, metadataUri: f.metadataUri || `urn:drl:metadata:${m.hash.slice(2)}` });
    printTx(ctx, { ...tx, assetId: id }, `Changed the metadata of asset ${id}.`);
  });
  signing(
    asset
      .command("correct")
      .description("registrar: correct the record")
      .argument("<ref>", "the asset")
      .requiredOption("--metadata <file>", "the corrected metadata (fingerprinted)")
      .option("--metadata-uri <uri>", "where it can be read", "")
      .requiredOption("--reason <text>", "why (stored hashed)"),
  ).action(async (ref: string, f: { metadata: string; metadataUri: string; reason: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const m = await fileHash(ctx, "--metadata", f.metadata);
    const reasonHash = hashText("--reason", f.reason);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).correct({ assetId: id, metadataHash: m.hash, metadataUri: f.metadataUri || `urn:drl:metadata:${m.hash.slice(2)}`, reasonHash });
    printTx(ctx, { ...tx, assetId: id }, `Corrected the record of asset ${id}.`);
  });
  signing(
    asset.command("renew").description("registrar: renew to a new end of validity").argument("<ref>", "the asset").requiredOption("--valid-until <date>", "the new end").requiredOption("--evidence <file>", "the renewal's evidence (fingerprinted)"),
  ).action(async (ref: string, f: { validUntil: string; evidence: string } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const validUntil = parseDate("--valid-until", f.validUntil, { endOfDay: true });
    const e = await fileHash(ctx, "--evidence", f.evidence);
    const id = await assetId(ctx, "<ref>", ref);
    const tx = await (await signingClient(ctx, f)).renew({ assetId: id, validUntil, evidenceHash: e.hash });
    printTx(ctx, { ...tx, assetId: id }, `Renewed asset ${id} until ${formatTime(validUntil)}.`);
  });
  signing(
    asset.command("cancel").description("cancel a registration (holder; --registrar to cancel as the registrar)").argument("<ref>", "the asset").requiredOption("--reason <text>", "why (stored hashed)").option("--registrar", "cancel as the registrar"),
  ).action(async (ref: string, f: { reason: string; registrar?: boolean } & SigningFlags, cmd: Command) => {
    const ctx = contextOf(cmd);
    const reasonHash = hashText("--reason", f.reason);
    const id = await assetId(ctx, "<ref>", ref);
    const client = await signingClient(ctx, f);
    const tx = f.registrar ? await client.registrarCancel({ assetId: id, reasonHash }) : await client.cancel({ assetId: id, reasonHash });
    printTx(ctx, { ...tx, assetId: id }, `Cancelled asset ${id}.`);
  });
}
