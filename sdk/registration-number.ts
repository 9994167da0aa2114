/**
 * Registration numbers, as contracts/registry/RegistrationNumber.sol formats them:
 * `DR-YYYY-AAAAAA-T-NNNNNNNNNN-C` with an ISO 7064 MOD 11-2 check digit over the 21 digits.
 */
export const REGISTRATION_NUMBER_PATTERN = /^DR-(\d{4})-(\d{6})-([1-4])-(\d{10})-([0-9X])$/;

export function checkDigit(digits: string): string {
  let p = 0;
  for (const ch of digits) p = ((p + Number(ch)) * 2) % 11;
  const c = (12 - p) % 11;
  return c === 10 ? "X" : String(c);
}

export function formatRegistrationNumber(
  timestampSeconds: number,
  areaCode: number,
  registrantTypeCode: number,
  sequence: bigint,
): string {
  const year = new Date(timestampSeconds * 1000).getUTCFullYear().toString().padStart(4, "0");
  const area = areaCode.toString().padStart(6, "0");
  const seq = (sequence % 10_000_000_000n).toString().padStart(10, "0");
  const digits = `${year}${area}${registrantTypeCode}${seq}`;
  return `DR-${year}-${area}-${registrantTypeCode}-${seq}-${checkDigit(digits)}`;
}

/** Whether a string is a well-formed registration number with a correct check digit. */
export function isValidRegistrationNumber(value: string): boolean {
  const m = REGISTRATION_NUMBER_PATTERN.exec(value);
  if (!m) return false;
  const [, year, area, type, seq, check] = m;
  return checkDigit(`${year}${area}${type}${seq}`) === check;
}
