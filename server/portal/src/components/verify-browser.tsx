/**
 * The verifier that runs in the browser, loaded by the verify page only when it needs it (a
 * script of its own: the SDK's verifier carries the ledger contracts' ABIs, which no other page
 * needs). It is the SDK's own `verifyCertificate` (sdk/certs/verify.ts, browser-compatible:
 * JSON-RPC over `fetch`, ethers and zod), against the server's deployment from GET /v1/config,
 * and `decodeVerifyPayload` for a QR payload.
 *
 * The trusted deployment is the server's, checked by the same schema as a deployment file
 * (sdk/ledger/deployment-schema.ts): a missing or malformed address is refused, naming it.
 */
import type { PortalConfig } from "../../../../sdk/api/schemas";
import { PayloadError, decodeVerifyPayload, type VerifyPayload } from "../../../../sdk/certs/payload";
import type { CheckEntry, VerificationReport } from "../../../../sdk/certs/report";
import { VerifyInputError, verifyCertificate } from "../../../../sdk/certs/verify";
import { parseDeployment, type Deployment } from "../../../../sdk/ledger/deployment-schema";
import { DeploymentError } from "../../../../sdk/ledger/errors";

export { PayloadError, VerifyInputError, decodeVerifyPayload, type VerifyPayload };

/** The server's deployment as the verifier's trusted one; throws naming a missing or bad address. */
export function deploymentOf(chain: PortalConfig["chain"]): Deployment {
  try {
    return parseDeployment(chain, "the server's configuration (GET /v1/config)");
  } catch (e) {
    if (e instanceof DeploymentError) throw new VerifyInputError("config.chain", e.message);
    throw e;
  }
}

/**
 * Verifies a certificate JSON (any parsed value) or `{ payload }` against `rpcUrl`, each check
 * reported through `onCheck` as it finishes. Throws only VerifyInputError.
 */
export function verifyInBrowser(
  input: unknown,
  opts: { chain: PortalConfig["chain"]; rpcUrl: string; contentHash?: string; onCheck: (entry: CheckEntry) => void }
): Promise<VerificationReport> {
  return verifyCertificate(input, {
    deployment: deploymentOf(opts.chain),
    rpcUrls: [opts.rpcUrl],
    data: opts.contentHash === undefined ? undefined : { contentHash: opts.contentHash },
    onCheck: opts.onCheck,
  });
}
