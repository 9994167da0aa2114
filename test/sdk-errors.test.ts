/**
 * Every custom error in the ledger's ABIs has a sentence, and revert data of each decodes to a
 * LedgerError carrying its name, its arguments by name and that sentence. Plus URL redaction.
 */
import { expect } from "chai";
import { Interface, ZeroAddress, type ErrorFragment, type ParamType } from "ethers";
import { allErrorFragments } from "../sdk/ledger/abis";
import { ERROR_SENTENCES, LedgerError, decodeRevert, redactUrl, translateError, NodeUnavailableError } from "../sdk";

/** A plausible value of an ABI type, for encoding sample revert data. */
function sample(p: ParamType, i: number): unknown {
  if (p.type === "address") return "0x00000000000000000000000000000000000000a" + String(i);
  if (p.type === "bool") return true;
  if (p.type === "string") return "text";
  if (p.type === "bytes32") return `0x${"ab".repeat(32)}`;
  if (p.type === "bytes4") return "0x12345678";
  if (p.type.startsWith("uint")) return p.type === "uint8" ? 1 : 12 + i;
  throw new Error(`no sample for ${p.type}`);
}

describe("SDK error sentences", () => {
  const fragments: ErrorFragment[] = allErrorFragments();

  it("covers the ledger's errors, including the shared interfaces", () => {
    const names = new Set(fragments.map((f) => f.name));
    for (const n of ["AssetFrozen", "ZeroHash", "InvalidSignature", "BatchTooLarge", "AccessManagedUnauthorized", "NotTradable", "AlreadyAnchored"]) {
      expect(names.has(n), n).to.equal(true);
    }
    expect(fragments.length).to.be.greaterThan(120);
  });

  it("has a sentence for every custom error in the ABIs", () => {
    const missing = fragments.map((f) => f.name).filter((n) => !(n in ERROR_SENTENCES));
    expect(missing).to.deep.equal([]);
  });

  it("decodes revert data of every error into its name, named arguments and its sentence", () => {
    for (const f of fragments) {
      const data = new Interface([f]).encodeErrorResult(f, f.inputs.map(sample));
      const e = decodeRevert(data);
      expect(e, f.format()).to.be.instanceOf(LedgerError);
      expect(e?.errorName).to.equal(f.name);
      expect(Object.keys(e?.args ?? {})).to.deep.equal(f.inputs.map((p, i) => p.name || String(i)));
      expect(e?.message, f.format()).to.not.match(/\?|undefined|the contract refused with/);
    }
  });

  it("words the example of the issue, and names enum arguments", () => {
    const iface = new Interface(allErrorFragments());
    expect(decodeRevert(iface.encodeErrorResult("AssetFrozen", [12]))?.message).to.equal("asset 12 is frozen by court order");
    const e = decodeRevert(iface.encodeErrorResult("NotTradable", [7, 4]));
    expect(e?.args).to.deep.equal({ assetId: "7", reason: "Pledged" });
    expect(e?.message).to.equal("asset 7 cannot be traded: Pledged");
    const z = decodeRevert(iface.encodeErrorResult("ZeroAddress", [14]));
    expect(z?.args).to.deep.equal({ field: "to" });
    expect(z?.message).to.equal("to must not be the zero address");
    expect(ZeroAddress).to.match(/^0x0+$/);
  });

  it("keeps an unknown revert a LedgerError with its raw data, and a refused connection a NodeUnavailableError", () => {
    const unknown = translateError({ code: "CALL_EXCEPTION", data: "0xdeadbeef00" }, "http://x");
    expect(unknown).to.be.instanceOf(LedgerError);
    expect((unknown as LedgerError).errorName).to.equal("UnknownError");
    const refused = translateError({ code: "UNKNOWN_ERROR", error: { cause: { code: "ECONNREFUSED" } } }, "https://user:pw@node.example/v3/abcdefabcdefabcdefabcdef?key=secret");
    expect(refused).to.be.instanceOf(NodeUnavailableError);
    expect((refused as NodeUnavailableError).url).to.equal("https://***@node.example/v3/***?***");
    const bug = new RangeError("a bug");
    expect(translateError(bug, "http://x")).to.equal(bug);
  });

  it("redacts keys from URLs", () => {
    expect(redactUrl("http://127.0.0.1:8545")).to.equal("http://127.0.0.1:8545/");
    expect(redactUrl("https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef")).to.equal("https://mainnet.infura.io/v3/***");
    expect(redactUrl("https://node.example/rpc?apikey=s3cret")).to.not.include("s3cret");
    expect(redactUrl("not a url")).to.equal("<unparseable URL>");
  });
});
