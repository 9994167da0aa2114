/**
 * Seeds of the property test that CI runs every time (a random one runs beside them, printed
 * so that a failure can be replayed). `npm run mutants` runs the property test with these only.
 */
export const PROPERTY_SEEDS = [1_000_003, 2_718_281, 3_141_592];
