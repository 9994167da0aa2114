import { expect } from "chai";
import fc from "fast-check";
import { ASSET_KIND, PERSONAL_INFO, SOURCE_TYPE, TERRITORY } from "../sdk/api/enums";
import { classify, EXIT, NegativeAnswer, UsageError } from "../sdk/cli/exit";
import { displayWidth, formatAmount, table } from "../sdk/cli/output";
import {
  parseAddress,
  parseAmount,
  parseAssetRef,
  parseCurrency,
  parseDate,
  parseDuration,
  parseEnum,
  parseHash,
  parseId,
  parseInteger,
  parsePort,
  parseRights,
  parseText,
} from "../sdk/cli/parse";
import { LedgerError, NodeUnavailableError } from "../sdk/ledger/errors";
import { formatRegistrationNumber } from "../sdk/registration-number";

/** Runs `f` and returns the UsageError it throws (fails the test on any other outcome). */
function usageError(f: () => unknown): UsageError {
  try {
    f();
  } catch (e) {
    expect(e, String(e)).to.be.instanceOf(UsageError);
    return e as UsageError;
  }
  expect.fail("expected a UsageError");
}

describe("drl's argument parsers", () => {
  it("durations: 30s, 10m, 2h, 7d and plain seconds", () => {
    expect(parseDuration("--publicity", "30s")).to.equal(30);
    expect(parseDuration("--publicity", "10m")).to.equal(600);
    expect(parseDuration("--publicity", "2h")).to.equal(7200);
    expect(parseDuration("--publicity", "7d")).to.equal(604_800);
    expect(parseDuration("--publicity", "86400")).to.equal(86_400);
    for (const bad of ["", "0", "1.5h", "-5s", "10y", "h", "99999999999d"]) {
      expect(usageError(() => parseDuration("--publicity", bad)).message).to.match(/^--publicity: /);
    }
  });

  it("dates: YYYY-MM-DD is local midnight, an end date includes the whole day, ISO-8601 needs an offset", () => {
    const start = parseDate("--from", "2026-03-01");
    expect(start).to.equal(new Date(2026, 2, 1).getTime() / 1000);
    expect(parseDate("--until", "2026-03-01", { endOfDay: true })).to.equal(new Date(2026, 2, 2).getTime() / 1000 - 1);
    expect(parseDate("--from", "2026-03-01T09:00:00+08:00")).to.equal(Date.UTC(2026, 2, 1, 1) / 1000);
    expect(parseDate("--from", "2026-03-01T01:00Z")).to.equal(Date.UTC(2026, 2, 1, 1) / 1000);
    for (const bad of ["2026-02-30", "2026-13-01", "2026-03-01T09:00:00", "01/03/2026", "tomorrow", "1969-12-31T00:00:00Z"]) {
      expect(usageError(() => parseDate("--from", bad)).message, bad).to.match(/^--from: /);
    }
  });

  it("addresses: any case, a wrong EIP-55 checksum is refused", () => {
    const a = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    expect(parseAddress("--to", a.toLowerCase())).to.equal(a);
    expect(parseAddress("--to", a)).to.equal(a);
    expect(usageError(() => parseAddress("--to", "0x70997970c51812dc3A010C7d01b50e0d17dc79C8")).message).to.contain("checksum");
    expect(usageError(() => parseAddress("--to", "0x123")).message).to.match(/^--to: /);
  });

  it("amounts are in the main unit with at most two decimals, returned in minor units", () => {
    expect(parseAmount("--price", "1200")).to.equal(120_000n);
    expect(parseAmount("--price", "99.5")).to.equal(9_950n);
    expect(parseAmount("--price", "0.01")).to.equal(1n);
    for (const bad of ["1.234", "-1", "1e6", "", "12,00"]) usageError(() => parseAmount("--price", bad));
    expect(formatAmount(120_000n, "CNY")).to.equal("1,200.00 CNY");
    expect(parseCurrency("--fee", "cny")).to.equal("CNY");
    usageError(() => parseCurrency("--fee", "RMB1"));
  });

  it("enum names are the API's, with kebab-case aliases, in any case", () => {
    expect(parseEnum("--source", SOURCE_TYPE, "selfCollected")).to.equal("selfCollected");
    expect(parseEnum("--source", SOURCE_TYPE, "self-collected")).to.equal("selfCollected");
    expect(parseEnum("--source", SOURCE_TYPE, "PUBLIC_AUTHORISATION")).to.equal("publicAuthorisation");
    expect(parseEnum("--personal-info", PERSONAL_INFO, "de-identified")).to.equal("deIdentified");
    expect(parseEnum("--territory", TERRITORY, "cross-border")).to.equal("crossBorder");
    const e = usageError(() => parseEnum("--kind", ASSET_KIND, "widget"));
    expect(e.message).to.equal('--kind: "widget" is not one of resource, product');
  });

  it("rights: a comma list of known names, each once", () => {
    expect(parseRights("--rights", "holding, processing")).to.deep.equal(["holding", "processing"]);
    expect(usageError(() => parseRights("--rights", "holding,flying")).message).to.match(/^--rights: "flying"/);
    expect(usageError(() => parseRights("--rights", "holding,holding")).message).to.contain("twice");
    expect(usageError(() => parseRights("--rights", "holding", ["processing", "operation"])).message).to.match(/^--rights: /);
    usageError(() => parseRights("--rights", ","));
  });

  it("asset refs: an id, a registration number with a correct check digit, or a content hash", () => {
    expect(parseAssetRef("<ref>", "12")).to.deep.equal({ kind: "id", id: 12n });
    const rn = formatRegistrationNumber(1_767_225_600, 440300, 1, 7n);
    expect(parseAssetRef("<ref>", rn)).to.deep.equal({ kind: "registrationNumber", value: rn });
    const broken = rn.slice(0, -1) + (rn.endsWith("0") ? "1" : "0");
    expect(usageError(() => parseAssetRef("<ref>", broken)).message).to.contain("check digit");
    const h = `0x${"ab".repeat(32)}`;
    expect(parseAssetRef("<ref>", h.toUpperCase().replace("0X", "0x"))).to.deep.equal({ kind: "contentHash", value: h });
    for (const bad of ["0", "-1", "abc", `0x${"00".repeat(32)}`, "DR-2026"]) usageError(() => parseAssetRef("<ref>", bad));
  });

  it("ids, ports, hashes and text", () => {
    expect(parseId("<license-id>", "7")).to.equal(7n);
    usageError(() => parseId("<license-id>", "07"));
    expect(parsePort("--port", "8080")).to.equal(8080);
    usageError(() => parsePort("--port", "70000"));
    expect(parseInteger("--at-block", "0", 0, 10)).to.equal(0);
    usageError(() => parseHash("--root", "0x12"));
    expect(usageError(() => parseText("--name", "   ")).message).to.equal("--name: must not be empty");
    usageError(() => parseText("--name", "长".repeat(50), 128));
  });

  it("random and hostile arguments only ever give a clean UsageError naming the flag", () => {
    const hostile = fc.oneof(
      fc.string(),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.constantFrom("", " ", "\u0000", "0x", "1e309", "NaN", "__proto__", "constructor", "9".repeat(400), "../../etc/passwd", "2026-02-29", "DR-0000-000000-1-0000000000-X", "holding,,", "-1d", "0x" + "g".repeat(40)),
    );
    const parsers: [string, (flag: string, raw: string) => unknown][] = [
      ["--publicity", parseDuration],
      ["--from", (f, r) => parseDate(f, r)],
      ["--until", (f, r) => parseDate(f, r, { endOfDay: true })],
      ["--to", parseAddress],
      ["--price", parseAmount],
      ["--fee", parseCurrency],
      ["--source", (f, r) => parseEnum(f, SOURCE_TYPE, r)],
      ["--rights", (f, r) => parseRights(f, r)],
      ["<ref>", parseAssetRef],
      ["<license-id>", parseId],
      ["--port", parsePort],
      ["--root", parseHash],
      ["--name", (f, r) => parseText(f, r, 128)],
    ];
    fc.assert(
      fc.property(hostile, fc.integer({ min: 0, max: parsers.length - 1 }), (raw, i) => {
        const [flag, parse] = parsers[i]!;
        try {
          parse(flag, raw);
        } catch (e) {
          if (!(e instanceof UsageError)) return false;
          // One line, naming the flag, and never a whole pasted input.
          return e.message.startsWith(`${flag}: `) && !e.message.includes("\n") && e.message.length < 600;
        }
        return true;
      }),
      { numRuns: Number(process.env.DRL_PROPERTY_RUNS ?? 2000) },
    );
  });
});

describe("drl's exit codes and output", () => {
  it("maps each kind of failure to its exit code, in one line", () => {
    expect(classify(new UsageError("--rights", "bad")).code).to.equal(EXIT.usage);
    expect(classify(new NegativeAnswer("not tradable")).code).to.equal(EXIT.negative);
    const refusal = classify(new LedgerError("AssetFrozen", { assetId: "12" }, "asset 12 is frozen by court order"));
    expect(refusal).to.deep.equal({ code: EXIT.negative, message: "refused: asset 12 is frozen by court order" });
    expect(classify(new NodeUnavailableError("http://127.0.0.1:1/", "ECONNREFUSED")).code).to.equal(EXIT.network);
  });

  it("redacts a provider key in any URL of an unexpected error", () => {
    const e = Object.assign(new Error("request to https://mainnet.example.io/v3/abcdefghijklmnopqrstuvwxyz123456 failed"), { code: "ECONNREFUSED" });
    const r = classify(e);
    expect(r.code).to.equal(EXIT.network);
    expect(r.message).not.to.contain("abcdefghijklmnopqrstuvwxyz123456");
  });

  it("aligns tables with Chinese text by display width", () => {
    expect(displayWidth("港口ab")).to.equal(6);
    const t = table(["name", "id"], [["港口", 1], ["ab", 2]]).split("\n");
    expect(displayWidth(t[2]!.slice(0, t[2]!.indexOf("1")))).to.equal(displayWidth(t[3]!.slice(0, t[3]!.indexOf("2"))));
  });
});
