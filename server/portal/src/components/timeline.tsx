/**
 * The provenance timeline (GET /v1/assets/:id/history), oldest first: every event's block,
 * time, transaction, plain-sentence summary and decoded fields. Pages are followed on their
 * own up to a bound (so an asset with a long history still renders quickly), then on request.
 */
import { Component } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { History, HistoryEvent } from "../../../../sdk/api/schemas";
import { api, failureOf, type Failure } from "../api";
import { HISTORY_PAGE_SIZE } from "../early-answers";
import { timeElement } from "../dates";
import { useI18n, type Messages } from "../i18n";
import { ErrorBox } from "./error-box";
import { fieldsElement } from "./json-fields";
import { Mono } from "./values";

/** The first page is the one early-answers.ts may have asked for already. */
export const PAGE_SIZE = HISTORY_PAGE_SIZE;
/** Pages loaded without asking: 1,000 events. */
const AUTO_PAGES = 5;

/**
 * One event. A class for shouldComponentUpdate: a page appended later, or the loading line
 * changing, leaves the events already shown alone (their objects do not change). Inside, plain
 * elements only (timeElement, fieldsElement): hundreds of events, each with a component per
 * value, were most of the asset page's render time.
 */
class TimelineEvent extends Component<{ ev: HistoryEvent; t: Messages }> {
  override shouldComponentUpdate(next: { ev: HistoryEvent; t: Messages }): boolean {
    return next.ev !== this.props.ev || next.t !== this.props.t;
  }

  override render() {
    const { ev, t } = this.props;
    return (
      <li class="event">
        <p class="event-summary" lang="en">
          {ev.summary}
        </p>
        <p class="event-where">
          <span class="event-name">
            {ev.contract}.{ev.event}
          </span>
          {" · "}
          <span>
            {t.block} {ev.block}
          </span>
          {" · "}
          {timeElement(ev.time, t.localTime)}
        </p>
        <p class="event-tx">
          {t.tx} {Mono({ children: ev.tx })}
          {ev.actor !== null && (
            <>
              {" · "}
              {t.actor} {Mono({ children: ev.actor })}
            </>
          )}
        </p>
        {fieldsElement(ev.args, t)}
      </li>
    );
  }
}

interface State {
  items: HistoryEvent[];
  /** Where the next page starts; null once the last page is in. */
  cursor: string | null;
  loading: boolean;
  failure: Failure | null;
  /** No page has arrived yet. */
  initial: boolean;
}

/** The state the timeline starts in: with its first page when it came with the asset. */
function initialState(first: History | null): State {
  if (first === null) return { items: [], cursor: null, loading: true, failure: null, initial: true };
  return { items: first.items, cursor: first.nextCursor, loading: first.nextCursor !== null, failure: null, initial: false };
}

/**
 * `firstPage`: the first page, fetched with the asset itself (the asset page does), so that
 * both show in one render; null or another asset's: asked for here.
 */
export function Timeline({ assetId, firstPage = null }: { assetId: string; firstPage?: History | null }) {
  const { t } = useI18n();
  const first = firstPage !== null && firstPage.assetId === assetId ? firstPage : null;
  const [s, setS] = useState<State>(() => initialState(first));
  // A new object asks for more: the cursor to start from and how many pages to follow. With
  // the first page given, the rest of the automatic pages follow from its cursor.
  const [request, setRequest] = useState<{ from: string | undefined; pages: number; n: number }>(() =>
    first === null ? { from: undefined, pages: AUTO_PAGES, n: 0 } : { from: first.nextCursor ?? undefined, pages: first.nextCursor === null ? 0 : AUTO_PAGES - 1, n: 0 },
  );

  useEffect(() => {
    if (request.pages === 0) return;
    let current = true;
    (async () => {
      setS((p) => ({ ...p, loading: true, failure: null }));
      let cursor = request.from;
      const seen = new Set<string>(cursor === undefined ? [] : [cursor]);
      for (let i = 0; i < request.pages; i++) {
        let page;
        try {
          page = await api.history(assetId, { limit: PAGE_SIZE, cursor });
        } catch (e) {
          if (current) setS((p) => ({ ...p, loading: false, failure: failureOf(e) }));
          return;
        }
        if (!current) return;
        const next = page.nextCursor;
        // A cursor seen twice would loop on a misbehaving server: stop there.
        const end = next === null || seen.has(next);
        if (next !== null) seen.add(next);
        setS((p) => ({ items: [...p.items, ...page.items], cursor: end ? null : next, loading: !end && i + 1 < request.pages, failure: null, initial: false }));
        if (end) return;
        cursor = next;
      }
    })();
    return () => {
      current = false;
    };
  }, [assetId, request]);

  const loadMore = () => {
    if (s.loading) return;
    // After a failure, start again from where the last good page ended.
    const from = s.cursor ?? undefined;
    if (s.initial) setS({ items: [], cursor: null, loading: true, failure: null, initial: true });
    setRequest((r) => ({ from, pages: AUTO_PAGES, n: r.n + 1 }));
  };

  return (
    <div aria-busy={s.loading}>
      {/* Only the count is announced: a screen reader reading out every arriving event would drown the page. */}
      <p aria-live="polite">
        {s.initial ? (s.loading ? t.loading : "") : s.items.length === 0 ? t.noEvents : t.eventsCount(s.items.length, s.cursor !== null)}
      </p>
      <ol class="timeline" data-testid="timeline">
        {s.items.map((ev) => (
          <TimelineEvent key={`${ev.block}-${ev.logIndex}`} ev={ev} t={t} />
        ))}
      </ol>
      {s.failure && <ErrorBox failure={s.failure} onRetry={loadMore} />}
      {!s.failure && s.cursor !== null && (
        <p class="actions">
          <button type="button" onClick={loadMore} aria-disabled={s.loading}>
            {s.loading ? t.loadingMore : t.loadMore}
          </button>
        </p>
      )}
    </div>
  );
}
