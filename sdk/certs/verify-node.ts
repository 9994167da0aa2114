/**
 * The Node side of verification: a file or directory given as the certificate's data is
 * fingerprinted with sdk/fingerprint (the same SHA-256 as `sha256sum`, or the directory
 * manifest's), and a certificate file is read as JSON. verify.ts itself stays browser-compatible.
 */
import { readFile } from "node:fs/promises";
import { fingerprint, FingerprintError } from "../fingerprint/fingerprint";
import { VerifyInputError, verifyCertificate, type DataInput, type VerifyOptions } from "./verify";
import type { VerificationReport } from "./report";

/** A data input that fingerprints `target` (a file or a directory) when check 6 asks for it. */
export function dataFromPath(target: string): DataInput {
  return async () => {
    try {
      const fp = await fingerprint(target);
      return { contentHash: fp.hash };
    } catch (e) {
      if (e instanceof FingerprintError) throw new VerifyInputError("data", e.message);
      throw e;
    }
  };
}

/** Reads a certificate file as JSON; a missing file or one that is not JSON is a VerifyInputError. */
export async function readCertificateFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new VerifyInputError("certificate", `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VerifyInputError("certificate", `${file} is not JSON`);
  }
}

/** verifyCertificate over a certificate file and, optionally, a data path. */
export async function verifyCertificateFile(file: string, opts: Omit<VerifyOptions, "data"> & { dataPath?: string }): Promise<VerificationReport> {
  const { dataPath, ...rest } = opts;
  return verifyCertificate(await readCertificateFile(file), { ...rest, ...(dataPath === undefined ? {} : { data: dataFromPath(dataPath) }) });
}
