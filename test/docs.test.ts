import { expect } from "chai";
import { readFileSync } from "node:fs";
import { artifacts } from "hardhat";
import { LEDGER_CONTRACTS } from "../scripts/lib/ledger";
import * as E from "../sdk/api/enums";

/** One documented event: its field names in order, `indexed` kept as a prefix. */
type Documented = Map<string, string[]>;

/** Drops parenthesised explanations, including nested ones: "terms (a, b (c))" → "terms". */
function withoutParentheses(text: string): string {
  let out = "";
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

function fieldList(cell: string): string[] {
  const text = withoutParentheses(cell).trim();
  if (text === "") return [];
  return text.split(",").map((f) => f.trim().replace(/\s+/g, " "));
}

/**
 * The event tables of contracts/README.md, by section ("### Contract"): event name → fields.
 * A row may document several events ("`A`, `B`") with "`A`: fields; `B`: fields".
 */
function parseEventTables(doc: string): Map<string, Documented> {
  const sections = new Map<string, Documented>();
  const events = doc.slice(doc.indexOf("## Events"));
  let current: Documented | null = null;
  for (const line of events.split("\n")) {
    const heading = /^### (.+)$/.exec(line);
    if (heading?.[1]) {
      current = new Map();
      sections.set(heading[1].trim(), current);
      continue;
    }
    if (!current || !line.startsWith("| `")) continue;
    const cells = line.split("|").map((c) => c.trim());
    const names = [...(cells[1] ?? "").matchAll(/`([A-Za-z0-9_]+)`/g)].map((m) => m[1] ?? "");
    const fields = cells[3] ?? "";
    if (names.length === 1) {
      current.set(names[0] ?? "", fieldList(fields));
    } else {
      for (const part of fields.split(";")) {
        const m = /^\s*`([A-Za-z0-9_]+)`:\s*(.*)$/.exec(part);
        if (m?.[1]) current.set(m[1], fieldList(m[2] ?? ""));
      }
    }
  }
  return sections;
}

interface AbiEvent {
  type: string;
  name?: string;
  inputs?: { name: string; indexed?: boolean }[];
}

/** contracts/README.md is the public description of the events: every event, with exactly its fields. */
describe("contracts/README.md", () => {
  const doc = readFileSync("contracts/README.md", "utf8");
  const sections = parseEventTables(doc);

  it("documents every event of every ledger contract, with every field in ABI order and its indexed flag", async () => {
    const problems: string[] = [];
    for (const name of Object.values(LEDGER_CONTRACTS)) {
      if (name === "AccessManager") continue; // OpenZeppelin's, documented upstream
      const { abi } = await artifacts.readArtifact(name);
      for (const item of abi as AbiEvent[]) {
        if (item.type !== "event" || !item.name) continue;
        const expected = (item.inputs ?? []).map((i) => `${i.indexed ? "indexed " : ""}${i.name}`);
        const documented = sections.get(name)?.get(item.name) ?? sections.get("From OpenZeppelin")?.get(item.name);
        if (!documented) {
          problems.push(`${name}.${item.name}: not documented`);
        } else if (JSON.stringify(documented) !== JSON.stringify(expected)) {
          problems.push(`${name}.${item.name}: documented [${documented.join(", ")}], ABI [${expected.join(", ")}]`);
        }
      }
    }
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("documents no event that a contract does not emit", async () => {
    const known = new Set<string>();
    for (const name of Object.values(LEDGER_CONTRACTS)) {
      const { abi } = await artifacts.readArtifact(name);
      for (const item of abi as AbiEvent[]) if (item.type === "event" && item.name) known.add(`${name}.${item.name}`);
    }
    const stale: string[] = [];
    for (const [section, events] of sections) {
      if (section === "From OpenZeppelin") continue;
      for (const event of events.keys()) if (!known.has(`${section}.${event}`)) stale.push(`${section}.${event}`);
    }
    expect(stale, `documented but not in the ABI: ${stale.join(", ")}`).to.deep.equal([]);
  });

  it("the parser catches a missing or misordered field", () => {
    const sample = [
      "## Events",
      "### X",
      "| event | when | fields |",
      "|---|---|---|",
      "| `E` | when | indexed a, b (explained (nested)), c |",
      "| `F`, `G` | when | `F`: x; `G`: indexed y, z |",
    ].join("\n");
    const parsed = parseEventTables(sample).get("X");
    expect(parsed?.get("E")).to.deep.equal(["indexed a", "b", "c"]);
    expect(parsed?.get("F")).to.deep.equal(["x"]);
    expect(parsed?.get("G")).to.deep.equal(["indexed y", "z"]);
  });
});

/**
 * The SDK's enums (sdk/api/enums.ts) are the contracts' enums by name: value i of each is the
 * uint8 i in the ABI, so every enum of the Solidity sources must list the same names in order.
 */
describe("sdk/api/enums.ts", () => {
  const sources = [
    "contracts/common/DataTypes.sol",
    "contracts/membership/MemberRegistry.sol",
    "contracts/milestones/MilestoneRegistry.sol",
    "contracts/exchange/TradeDesk.sol",
    "contracts/finance/ValuationRegistry.sol",
    "contracts/disputes/DisputeResolution.sol",
    "contracts/finance/PledgeRegistry.sol",
    "contracts/compliance/ComplianceRegistry.sol",
    "contracts/licensing/LicenseRegistry.sol",
  ];
  const solidity = new Map<string, string[]>();
  for (const file of sources) {
    for (const m of readFileSync(file, "utf8").matchAll(/enum (\w+) \{([^}]*)\}/g)) {
      const body = (m[2] ?? "").replace(/\/\/[^\n]*/g, "");
      solidity.set(m[1] ?? "", body.split(",").map((v) => v.trim()).filter(Boolean));
    }
  }
  const camel = (v: string) => (v[0] ?? "").toLowerCase() + v.slice(1);
  const pairs: [string, readonly string[], (v: string) => string][] = [
    ["AssetStatus", E.ASSET_STATUS, camel],
    ["AssetKind", E.ASSET_KIND, camel],
    ["ProductForm", E.PRODUCT_FORM, camel],
    ["DataCategory", E.DATA_CATEGORY, camel],
    ["SourceType", E.SOURCE_TYPE, camel],
    ["SecurityGrade", E.SECURITY_GRADE, camel],
    ["PersonalInfo", E.PERSONAL_INFO, camel],
    ["MemberType", E.MEMBER_TYPE, camel],
    ["MemberStatus", E.MEMBER_STATUS, camel],
    ["Jurisdiction", E.JURISDICTION, camel],
    ["Territory", E.TERRITORY, camel],
    ["Milestone", E.MILESTONE, camel],
    ["Treatment", E.TREATMENT, camel],
    ["DeliveryMode", E.DELIVERY_MODE, camel],
    ["Method", E.VALUATION_METHOD, camel],
    ["Ruling", E.RULING, camel],
    ["ObjectionStatus", E.OBJECTION_STATUS, camel],
    ["PledgeStatus", E.PLEDGE_STATUS, camel],
    ["PledgeAction", E.PLEDGE_ACTION, camel],
    ["ExportMechanism", E.EXPORT_MECHANISM, camel],
    ["EndCause", E.LICENSE_END_CAUSE, camel],
    ["Reason", E.REASON, (v) => v],
    ["Field", E.FIELD, camel],
  ];
  for (const [name, names, spell] of pairs) {
    it(`${name} lists the contract's values in order`, () => {
      const values = solidity.get(name);
      expect(values, `enum ${name} not found`).to.not.equal(undefined);
      expect([...names]).to.deep.equal((values ?? []).map(spell));
    });
  }

  it("LicenseState names follow the contract's, one to one (parent not in force is parentEnded)", () => {
    const values = (solidity.get("LicenseState") ?? []).map(camel).map((v) => (v === "parentNotInForce" ? "parentEnded" : v));
    expect([...E.LICENSE_STATE]).to.deep.equal(values);
  });
});
