/**
 * The SDK's input schemas against random and hostile values (fast-check): the only thing that
 * may come back is a parsed value or an InputError naming a field, never another throw.
 */
import { expect } from "chai";
import fc from "fast-check";
import type { z } from "zod";
import { InputError, inputs as I, parseInput, licenseOfferFromFile, sellOrderFromFile, EvidenceProofFile } from "../sdk";

const SCHEMAS: Record<string, z.ZodType> = {
  ApplicationInput: I.ApplicationInput,
  ApplicationBatchInput: I.ApplicationBatchInput,
  AcceptInput: I.AcceptInput,
  ReasonedAsset: I.ReasonedAsset,
  ChangeInput: I.ChangeInput,
  CorrectInput: I.CorrectInput,
  RenewInput: I.RenewInput,
  TransferInput: I.TransferInput,
  AdmitMemberInput: I.AdmitMemberInput,
  SuspendMemberInput: I.SuspendMemberInput,
  ObjectInput: I.ObjectInput,
  RuleInput: I.RuleInput,
  CourtRuleInput: I.CourtRuleInput,
  LicenseTermsInput: I.LicenseTermsInput,
  GrantLicenseInput: I.GrantLicenseInput,
  LicenseOfferInput: I.LicenseOfferInput,
  SellOrderInput: I.SellOrderInput,
  TradeLicenseInput: I.TradeLicenseInput,
  ValuationInput: I.ValuationInput,
  ProposePledgeInput: I.ProposePledgeInput,
  MilestoneInput: I.MilestoneInput,
  CrossBorderInput: I.CrossBorderInput,
  OrderTransferInput: I.OrderTransferInput,
  OrderCancelInput: I.OrderCancelInput,
  AnchorInput: I.AnchorInput,
  EmergencyStopInput: I.EmergencyStopInput,
};

const FIELD_NAMES = ["name", "kind", "form", "category", "rights", "source", "grade", "validUntil", "contentHash", "assetId", "to", "terms", "licensee", "start", "end", "fee", "price", "currency", "deadline", "nonce", "pledgeAction", "parents", "detail", "root", "itemCount"];

/** Values a hostile or careless caller might pass in a field. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything(),
  fc.constantFrom(
    "",
    "0x",
    `0x${"0".repeat(64)}`,
    `0x${"f".repeat(64)}`,
    `0x${"g".repeat(40)}`,
    "1e400",
    "-1",
    "9".repeat(100),
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    2 ** 53,
    2n ** 300n,
    -1n,
    new Date(Number.NaN),
    new Date(8.64e15),
    ["holding", "holding"],
    ["holding", 1],
    "__proto__",
    { toString: () => "x" },
    "\u0000\uFFFF\uD800",
    "é".repeat(200),
  ),
  fc.string({ maxLength: 300 }),
  fc.bigInt(),
  fc.double(),
  fc.array(fc.anything(), { maxLength: 5 }),
);

/** Objects of the schemas' own field names with hostile values (reach deeper than random objects). */
const hostileObject: fc.Arbitrary<unknown> = fc.dictionary(fc.constantFrom(...FIELD_NAMES), hostileValue, { maxKeys: 12 });

function onlyInputError(schema: z.ZodType, value: unknown): void {
  try {
    parseInput(schema, value);
  } catch (e) {
    if (!(e instanceof InputError)) throw new Error(`not an InputError: ${String(e)}`);
    expect(e.message.length).to.be.greaterThan(0);
    expect(e.field.length).to.be.greaterThan(0);
  }
}

describe("SDK input schemas under random and hostile input", () => {
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    it(`${name}: only InputError`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.anything(), hostileObject, hostileValue), (v) => onlyInputError(schema, v)),
        { numRuns: 300 },
      );
    });
  }

  it("values whose getters or proxies throw are InputErrors too", () => {
    const getterThrows = Object.defineProperty({}, "assetId", {
      enumerable: true,
      get() {
        throw new Error("boom");
      },
    });
    const proxy = new Proxy({}, { get: () => { throw new Error("trap"); }, ownKeys: () => { throw new Error("trap"); } });
    for (const v of [getterThrows, proxy]) {
      for (const schema of Object.values(SCHEMAS)) onlyInputError(schema, v);
    }
  });

  it("the signed-file parsers (offers, sell orders, proofs) only give InputErrors", () => {
    const files = fc.oneof(
      fc.anything(),
      fc.record({ type: fc.constantFrom("drl.licenseOffer", "drl.sellOrder", "drl.evidenceProof"), version: fc.constantFrom(1, 2, "1"), domain: fc.anything(), offer: fc.anything(), order: fc.anything(), signer: hostileValue, signature: hostileValue }),
    );
    fc.assert(
      fc.property(files, (v) => {
        for (const parse of [licenseOfferFromFile, sellOrderFromFile, (x: unknown) => parseInput(EvidenceProofFile, x)]) {
          try {
            parse(v);
          } catch (e) {
            if (!(e instanceof InputError)) throw new Error(`not an InputError: ${String(e)}`);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a missing field is named as required", () => {
    const e = (() => {
      try {
        parseInput(I.TransferInput, { assetId: 1 });
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).message).to.equal("to: is required");
  });

  it("a valid application parses to the contracts' numbers", () => {
    const parsed = parseInput(I.ApplicationInput, {
      name: "Port throughput",
      kind: "product",
      form: "dataset",
      category: "enterprise",
      rights: ["holding", "processing"],
      source: "publicAuthorisation",
      grade: "important",
      personalInfo: "deIdentified",
      validUntil: new Date("2030-01-01T00:00:00Z"),
      sourceEvidenceHash: `0x${"11".repeat(32)}`,
      contentHash: `0x${"AB".repeat(32)}`,
      metadataHash: `0x${"33".repeat(32)}`,
      metadataUri: "ipfs://bafy",
      parents: ["7", 8n],
    });
    expect(parsed).to.deep.include({ kind: 1, productForm: 1, category: 1, rights: 3, sourceType: 3, grade: 1, personalInfo: 1, validUntil: 1893456000 });
    expect(parsed.contentHash).to.equal(`0x${"ab".repeat(32)}`);
    expect(parsed.parents).to.deep.equal([7n, 8n]);
    expect(parsed.parentLicenses).to.deep.equal([0n, 0n]);
  });
});
