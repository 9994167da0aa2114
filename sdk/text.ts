/**
 * The ONE hashing of text given on the command line or in a form (`--case`, `--reason`,
 * `--org-id`, ...): keccak256 of the UTF-8 bytes of the text after Unicode NFC normalisation.
 * It is what the contracts' tests already use (`ethers.id`, i.e. keccak256 of UTF-8), with NFC
 * added so that "é" typed as one code point or as e + combining accent hashes the same.
 *
 * Reproduce: `printf '%s' "$TEXT" | uconv -x any-nfc | keccak-256sum` (any keccak-256 tool;
 * note keccak-256, not SHA3-256), or in ethers `id(text.normalize("NFC"))`.
 */
import { keccak256, toUtf8Bytes } from "ethers";
import { InputError } from "./ledger/errors";

export function textHash(text: string, field = "text"): string {
  if (typeof text !== "string" || text.length === 0) throw new InputError(field, "must not be empty");
  return keccak256(toUtf8Bytes(text.normalize("NFC")));
}
