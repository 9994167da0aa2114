/**
 * Loading one API answer into a component: loading → done | failed, with a retry. An answer
 * that arrives after the inputs changed (or the page was left) is dropped, so a slow reply
 * never overwrites a newer page.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { failureOf, type Failure } from "./api";

export type Loaded<T> = { state: "loading" } | { state: "done"; value: T } | { state: "failed"; failure: Failure };

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setResult({ state: "loading" });
    load().then(
      (value) => current && setResult({ state: "done", value }),
      (e: unknown) => current && setResult({ state: "failed", failure: failureOf(e) }),
    );
    return () => {
      current = false;
    };
    // `load` is a fresh closure each render; the caller's deps say when it means something new.
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [result, retry];
}
