/**
 * Search (`#/`, `#/?q=…`): one box over registration numbers, content-hash prefixes, holder
 * addresses, member names and asset names (GET /v1/assets?q=…). The query lives in the URL, so
 * a search can be linked, reloaded and gone back to; further pages follow the API's cursor.
 */
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import type { AssetList } from "../../../../sdk/api/schemas";
import { api, failureOf, type Failure } from "../api";
import { Badge, assetStatusTone } from "../components/badge";
import { ErrorBox } from "../components/error-box";
import { PartyText } from "../components/values";
import { useI18n } from "../i18n";
import { href } from "../router";

type Summary = AssetList["items"][number];
const PAGE_SIZE = 20;

interface Results {
  q: string;
  items: Summary[];
  cursor: string | null;
  partial: boolean;
}

type State =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "failed"; failure: Failure }
  | { state: "done"; results: Results; more: "idle" | "loading" | Failure };

export function SearchPage({ q }: { q: string | null }) {
  const { t } = useI18n();
  const [text, setText] = useState(q ?? "");
  const [attempt, setAttempt] = useState(0);
  const [s, setS] = useState<State>({ state: q === null ? "idle" : "loading" });

  useEffect(() => {
    document.title = `${q ? `${q} · ` : ""}${t.searchTitle} · 数据确权登记簿 · Data Rights Ledger`;
  }, [q, t]);

  // The box follows the URL (back and forward, a pasted link); in the same commit as the route
  // change, so a reader who starts typing at once never has the first keys overwritten.
  useLayoutEffect(() => setText(q ?? ""), [q]);

  useEffect(() => {
    if (q === null) {
      setS({ state: "idle" });
      return;
    }
    let current = true;
    setS({ state: "loading" });
    api.assets({ q, limit: PAGE_SIZE }).then(
      (page) => current && setS({ state: "done", results: { q, items: page.items, cursor: page.cursor, partial: page.partial }, more: "idle" }),
      (e: unknown) => current && setS({ state: "failed", failure: failureOf(e) }),
    );
    return () => {
      current = false;
    };
  }, [q, attempt]);

  function submit(e: Event) {
    e.preventDefault();
    const next = href.search(text.trim());
    // The same search again: the hash does not change, so ask again explicitly.
    if (window.location.hash === next) setAttempt((n) => n + 1);
    else window.location.hash = next;
  }

  async function more() {
    // aria-disabled (not disabled) keeps focus on the button while a page loads: guard here.
    if (s.state !== "done" || s.results.cursor === null || s.more === "loading") return;
    const { results } = s;
    const cursor = results.cursor;
    if (cursor === null) return;
    setS({ ...s, more: "loading" });
    try {
      const page = await api.assets({ q: results.q, limit: PAGE_SIZE, cursor });
      setS((prev) =>
        prev.state === "done" && prev.results === results
          ? { state: "done", results: { q: results.q, items: [...results.items, ...page.items], cursor: page.cursor, partial: page.partial }, more: "idle" }
          : prev,
      );
    } catch (e) {
      setS((prev) => (prev.state === "done" && prev.results === results ? { ...prev, more: failureOf(e) } : prev));
    }
  }

  return (
    <>
      <h1>{t.searchTitle}</h1>
      <form role="search" class="search-form" onSubmit={submit}>
        <label for="q">{t.searchLabel}</label>
        <div class="search-row">
          <input
            id="q"
            name="q"
            type="search"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            aria-describedby="q-help"
            autocomplete="off"
            spellcheck={false}
            maxLength={100}
          />
          <button type="submit">{t.searchButton}</button>
        </div>
        <p id="q-help" class="help">
          {t.searchHelp}
        </p>
      </form>

      <section class="results" aria-labelledby="results-heading">
        <h2 id="results-heading" class="visually-hidden">
          {t.resultsHeading}
        </h2>
        <div aria-live="polite" aria-busy={s.state === "loading" || (s.state === "done" && s.more === "loading")}>
          {s.state === "idle" && <p class="hint">{t.searchPrompt}</p>}
          {s.state === "loading" && <p class="loading">{t.searching}</p>}
          {s.state === "failed" && <ErrorBox failure={s.failure} onRetry={() => setAttempt((n) => n + 1)} />}
          {s.state === "done" && <ResultList results={s.results} more={s.more} onMore={more} />}
        </div>
      </section>
    </>
  );
}

function ResultList({ results, more, onMore }: { results: Results; more: "idle" | "loading" | Failure; onMore: () => void }) {
  const { t } = useI18n();
  const hasMore = results.cursor !== null;
  if (results.items.length === 0 && !hasMore) {
    return (
      <>
        <p class="empty">{t.noResults(results.q)}</p>
        <ul class="result-list" data-testid="search-results" />
      </>
    );
  }
  return (
    <>
      <p class="count">{t.resultsCount(results.items.length, hasMore)}</p>
      <ul class="result-list" data-testid="search-results">
        {results.items.map((a) => (
          <li class="result" key={a.id}>
            <a class="result-name" href={href.asset(a.registrationNumber ?? a.id)}>
              {a.name}
            </a>
            <p class="result-meta">
              <span class="mono">{a.registrationNumber ?? `#${a.id}`}</span> <Badge tone={assetStatusTone(a.status)}>{t.statusName[a.status]}</Badge>
            </p>
            <p class="result-holder">
              <span class="label">{t.holder}: </span>
              {a.holder ? <PartyText party={a.holder} /> : <span class="none">{t.none}</span>}
            </p>
          </li>
        ))}
      </ul>
      {results.partial && hasMore && <p class="note">{t.partialNote}</p>}
      {more !== "idle" && more !== "loading" && <ErrorBox failure={more} onRetry={onMore} />}
      {hasMore && (
        <p class="actions">
          <button type="button" onClick={onMore} aria-disabled={more === "loading"}>
            {more === "loading" ? t.loadingMore : t.moreResults}
          </button>
        </p>
      )}
    </>
  );
}
