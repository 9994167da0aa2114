/**
 * The indexer's status as the API, the metrics and the wiring see it. Kept apart from
 * server/indexer so that the read path does not import the writer.
 */
export type IndexerState = "starting" | "syncing" | "following" | "halted" | "stopped";

export interface IndexerStatus {
  state: IndexerState;
  head: number | null;
  indexedBlock: number | null;
  indexedTimestamp: number | null;
  lastError: string | null;
  eventsApplied: number;
  reorgs: number;
  rpcFaults: number;
  range: number;
  /**
   * The state digest at `indexedBlock` (hex SHA-256, chained over every state write in chain
   * order): replicas at the same block have the same digest. Null before the first commit, or
   * for an index written before digests were kept.
   */
  digest: string | null;
}
