/** `drl member admit|suspend|reinstate`: the registrar's member registry. */
import type { Command } from "commander";
import { JURISDICTION, MEMBER_TYPE } from "../../api/enums";
import { parseEnum, parseText } from "../parse";
import { account, contextOf, hashText, printTx, signing, signingClient } from "./common";

export function registerMembers(program: Command): void {
  const member = program.command("member").description("membership (registrar)");
  signing(
    member
      .command("admit")
      .description("admit a member")
      .argument("<address>", "the member's account")
      .requiredOption("--name <n>", "the organisation's name")
      .requiredOption("--org-id <id>", "its organisation id (e.g. the unified social credit code; stored hashed)")
      .requiredOption("--type <t>", `member type (${MEMBER_TYPE.join(", ")})`)
      .requiredOption("--jurisdiction <j>", `domestic or foreign`),
  ).action(async (raw: string, f: { name: string; orgId: string; type: string; jurisdiction: string; as?: string; keystore?: string }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const input = {
      account: account(ctx, "<address>", raw),
      name: parseText("--name", f.name, 128),
      orgIdHash: hashText("--org-id", f.orgId),
      type: parseEnum("--type", MEMBER_TYPE, f.type),
      jurisdiction: parseEnum("--jurisdiction", JURISDICTION, f.jurisdiction),
    };
    const tx = await (await signingClient(ctx, f)).admitMember(input);
    printTx(ctx, { ...tx, account: input.account }, `Admitted ${input.account} (${input.name}) as a member (${input.type}, ${input.jurisdiction}).`);
  });
  signing(
    member.command("suspend").description("suspend a member").argument("<address>", "the member's account").requiredOption("--reason <text>", "why (stored hashed)"),
  ).action(async (raw: string, f: { reason: string; as?: string; keystore?: string }, cmd: Command) => {
    const ctx = contextOf(cmd);
    const a = account(ctx, "<address>", raw);
    const tx = await (await signingClient(ctx, f)).suspendMember({ account: a, reasonHash: hashText("--reason", f.reason) });
    printTx(ctx, { ...tx, account: a }, `Suspended ${a}.`);
  });
  signing(member.command("reinstate").description("reinstate a suspended member").argument("<address>", "the member's account")).action(
    async (raw: string, f: { as?: string; keystore?: string }, cmd: Command) => {
      const ctx = contextOf(cmd);
      const a = account(ctx, "<address>", raw);
      const tx = await (await signingClient(ctx, f)).reinstateMember({ account: a });
      printTx(ctx, { ...tx, account: a }, `Reinstated ${a}.`);
    },
  );
}
