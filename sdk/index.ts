/**
 * The Data Rights Ledger SDK: the ledger client, the provenance API client, fingerprints,
 * evidence batches, licence offers and sell orders. Everything public is exported here.
 */
export * from "./ledger/client";
export * from "./ledger/errors";
export * from "./ledger/deployment";
export * from "./ledger/events";
export * from "./ledger/batch";
export * from "./ledger/rpc";
export { ERROR_SENTENCES, sentenceFor } from "./ledger/sentences";
export { decodeRevert, translateError } from "./ledger/revert";
export * as inputs from "./ledger/inputs";
export { parseInput } from "./ledger/inputs";
export type { ApplicationInput, Application, LicenseTermsInput, LicenseTerms } from "./ledger/inputs";
export * from "./fingerprint/fingerprint";
export * from "./evidence/batch";
export * from "./evidence/court";
export { renderEvidenceReportPdf } from "./evidence/report-pdf";
export * from "./offers/domain";
export * from "./offers/offer";
export * from "./orders/order";
export { textHash } from "./text";
export { ProvenanceClient, ApiRequestError, ApiUnavailableError, allPages } from "./api/client";
export * as enums from "./api/enums";
export * as schemas from "./api/schemas";
export { checksumAddress } from "./address";
export { formatRegistrationNumber, isValidRegistrationNumber } from "./registration-number";
export * as certs from "./certs";
export {
  buildCertificate,
  buildLicenceCertificate,
  issueCertificate,
  issueLicenceCertificate,
  certificateHash,
  parseCertificate,
  signCertificate,
  recoverIssuer,
  encodeVerifyPayload,
  decodeVerifyPayload,
  verifyUrl,
  ChainRpc,
  ChainUnavailableError,
  verifyCertificate,
} from "./certs";
export type { Certificate, DataRightsCertificate, LicenceCertificate, UnsignedCertificate, VerifyPayload, VerificationReport } from "./certs";
// Node-only: hashes a data file or directory for check 6 (verify.ts itself stays browser-compatible).
export { dataFromPath, verifyCertificateFile } from "./certs/verify-node";
