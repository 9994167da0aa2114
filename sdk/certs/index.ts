/**
 * Rights certificates (issue 11): W3C VC 2.0 documents of an asset's or a licence's state at a
 * block, signed with EIP-712 by a registrar, hashed with JCS, verifiable from the chain alone.
 */
export * from "./schema";
export * from "./eip712";
export * from "./canonical";
export * from "./payload";
export * from "./rpc";
export * from "./chain-state";
export * from "./build";
// The verifier (VERIFY's modules): the report schema and verifyCertificate. since.ts stays
// internal (its log types would clash with chain-state's); pdf.ts and verify-node.ts are
// Node-only and imported from their own paths, so this index stays browser-compatible.
export * from "./report";
export * from "./verify";
