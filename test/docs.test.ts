import { expect } from "chai";
import { readFileSync } from "node:fs";
import { artifacts } from "hardhat";
import { LEDGER_CONTRACTS } from "../scripts/lib/ledger";

/** contracts/README.md is the public description of the events: it must name every one. */
describe("contracts/README.md", () => {
  it("documents every event of every ledger contract", async () => {
    const doc = readFileSync("contracts/README.md", "utf8");
    const missing: string[] = [];
    for (const name of Object.values(LEDGER_CONTRACTS)) {
      if (name === "AccessManager") continue; // OpenZeppelin's, documented upstream
      const { abi } = await artifacts.readArtifact(name);
      for (const item of abi as { type: string; name?: string }[]) {
        if (item.type === "event" && item.name && !doc.includes(`\`${item.name}\``)) missing.push(`${name}.${item.name}`);
      }
    }
    expect(missing, `undocumented events: ${missing.join(", ")}`).to.deep.equal([]);
  });
});
