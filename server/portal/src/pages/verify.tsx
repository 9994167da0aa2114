/**
 * Verify a certificate (`#/verify`; `/verify#cert=<payload>`, the URL in a certificate's QR
 * code, opens it with the certificate loaded and verifies at once).
 *
 * - The certificate: a JSON file (dropped or chosen), or a QR payload / verify URL pasted in.
 * - The dataset, optional: one file (its SHA-256) or several / a folder (the directory
 *   fingerprint), hashed in this browser, streaming, with a progress bar; never uploaded.
 * - The verification: GET /v1/config first. With a `browserRpcUrl`, the SDK's own verifier
 *   runs here against that JSON-RPC endpoint and the server's deployment, each check shown as
 *   it finishes; without one, POST /v1/verify (the server checks against its node; only the
 *   data's fingerprint is sent). The page says which.
 * - The verdict in words (VALID, VALID_BUT_SUPERSEDED, INVALID, ERROR), failures first, with
 *   the field a failed check names; every problem in an error box, never a blank page.
 */
import "../verify.css";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PortalConfig } from "../../../../sdk/api/schemas";
import type { CheckEntry, CheckId, VerificationReport } from "../../../../sdk/certs/report";
import { redactUrl } from "../../../../sdk/ledger/errors";
import { api, failureOf, type Failure } from "../api";
import { ErrorBox } from "../components/error-box";
import { VerifyAlert, type Problem } from "../components/verify-alert";
import { DataHashStatus, formatBytes, type HashState } from "../components/verify-data";
import { DropZone, FileField, dropContents } from "../components/verify-inputs";
import { CheckList, LoadedSummary, VerifyVerdict, type LoadedCert } from "../components/verify-report";
import type { DatasetFile, DatasetHash, HashProgress } from "../hash-files";
import { useI18n, type Messages } from "../i18n";

type BrowserVerifier = typeof import("../components/verify-browser");
type Hashing = typeof import("../hash-in-worker");

/** A script of its own, loaded once when first needed; a failed load (the network) is tried again next time. */
function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    if (loading === null) {
      const p = load();
      loading = p;
      p.catch(() => {
        if (loading === p) loading = null;
      });
    }
    return loading;
  };
}

/** The in-browser verifier and the payload decoder (the SDK's verifier carries the contracts' ABIs). */
const loadVerifier = lazy<BrowserVerifier>(() => import("../components/verify-browser"));
/** The dataset hashing (hash-wasm's SHA-256), only once a dataset is given. */
const loadHashing = lazy<Hashing>(() => import("../hash-in-worker"));

/** A certificate is a few kilobytes; anything this large is surely the dataset given in the wrong box. */
const MAX_CERT_BYTES = 5 * 1024 * 1024;

/** A problem described in whichever language the reader has chosen by the time it shows. */
interface Described {
  describe: (t: Messages) => Problem;
  /** The input it is about, marked aria-invalid. */
  target?: "cert" | "payload";
}

type VerifyPath = { kind: "browser"; url: string } | { kind: "server" };

type Run =
  | { state: "idle" }
  | { state: "preparing" }
  | { state: "running"; path: VerifyPath; withData: boolean; checks: Partial<Record<CheckId, CheckEntry>> }
  | { state: "done"; path: VerifyPath; withData: boolean; report: VerificationReport; source: LoadedCert["source"] }
  | { state: "failed"; path: VerifyPath; failure: Failure }
  | { state: "refused"; path: VerifyPath | null; problem: Described };

interface Dataset {
  files: DatasetFile[];
  kind: "file" | "directory";
  label: string;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The certificate or the payload decoded, or what is wrong with it. */
async function decodePayload(text: string): Promise<{ cert: LoadedCert } | { problem: Described }> {
  let mod: BrowserVerifier;
  try {
    mod = await loadVerifier();
  } catch (e) {
    return { problem: { describe: (t) => ({ text: t.verifyLoadFailed, detail: errText(e) }) } };
  }
  try {
    return { cert: { source: "payload", text: text.trim(), payload: mod.decodeVerifyPayload(text) } };
  } catch (e) {
    const field = e instanceof mod.PayloadError ? (e.field ? `payload.${e.field}` : null) : null;
    return { problem: { describe: (t) => ({ text: t.verifyPayloadBroken(field), detail: errText(e) }), target: "payload" } };
  }
}

export function VerifyPage({ payload }: { payload: string | null }) {
  const { t } = useI18n();
  const [cert, setCert] = useState<LoadedCert | null>(null);
  const [certProblem, setCertProblem] = useState<Described | null>(null);
  const [payloadText, setPayloadText] = useState(payload ?? "");
  const [data, setData] = useState<Dataset | null>(null);
  const [hash, setHash] = useState<HashState>({ state: "idle" });
  const [run, setRun] = useState<Run>({ state: "idle" });

  // Each counter makes a slower answer of an older request drop itself.
  const certId = useRef(0);
  const hashId = useRef(0);
  const runId = useRef(0);
  const hashPromise = useRef<Promise<DatasetHash | null> | null>(null);
  /** Stops the hashing of a dataset that was replaced or removed. */
  const hashAbort = useRef<AbortController | null>(null);
  const config = useRef<PortalConfig | null>(null);
  const certInput = useRef<HTMLInputElement>(null);
  const dataInput = useRef<HTMLInputElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t.verifyTitle} · 数据确权登记簿 · Data Rights Ledger`;
  }, [t]);

  // A file dropped beside the boxes would make the browser leave the page to open it.
  useEffect(() => {
    const keep = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    window.addEventListener("dragover", keep);
    window.addEventListener("drop", keep);
    return () => {
      window.removeEventListener("dragover", keep);
      window.removeEventListener("drop", keep);
      // Whatever is still running answers into nothing.
      certId.current++;
      hashId.current++;
      runId.current++;
      hashAbort.current?.abort();
    };
  }, []);

  // The QR code's URL: decode the payload and verify at once (it has no data file: check 6 is not run).
  useEffect(() => {
    if (payload === null) return;
    setPayloadText(payload);
    const id = ++certId.current;
    void decodePayload(payload).then((r) => {
      if (id !== certId.current) return;
      if ("cert" in r) {
        setCert(r.cert);
        void verify(r.cert);
      } else setCertProblem(r.problem);
    });
  }, [payload]);

  function resetRun() {
    runId.current++;
    setRun({ state: "idle" });
  }

  // ─── The certificate ───────────────────────────────────────────────────────────────────

  async function loadCertFile(file: File) {
    resetRun();
    const id = ++certId.current;
    setPayloadText("");
    setCert(null);
    setCertProblem(null);
    const fail = (describe: Described["describe"]) => id === certId.current && setCertProblem({ describe, target: "cert" });
    if (file.size > MAX_CERT_BYTES) return fail((t) => ({ text: t.verifyTooLarge(file.name, formatBytes(file.size)) }));
    let text: string;
    try {
      text = await file.text();
    } catch (e) {
      return fail((t) => ({ text: t.verifyUnreadable(file.name), detail: errText(e) }));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail((t) => ({ text: t.verifyNotJson(file.name), detail: errText(e) }));
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) return fail((t) => ({ text: t.verifyNotObject(file.name) }));
    if (id === certId.current) setCert({ source: "file", name: file.name, json });
  }

  function onPayloadInput(text: string) {
    setPayloadText(text);
    resetRun();
    const id = ++certId.current;
    if (certInput.current) certInput.current.value = "";
    setCert(null);
    setCertProblem(null);
    if (text.trim() === "") return;
    void decodePayload(text).then((r) => {
      if (id !== certId.current) return;
      if ("cert" in r) setCert(r.cert);
      else setCertProblem(r.problem);
    });
  }

  function onCertDrop(dt: DataTransfer) {
    const file = dt.files[0];
    if (!file) return;
    // The input shows the dropped file's name, as if it had been chosen.
    try {
      if (certInput.current) certInput.current.files = dt.files;
    } catch {
      // Older browsers cannot set `files`; the summary below still names the file.
    }
    void loadCertFile(file);
  }

  // ─── The dataset ───────────────────────────────────────────────────────────────────────

  function clearData() {
    resetRun();
    hashId.current++;
    hashAbort.current?.abort();
    hashAbort.current = null;
    hashPromise.current = null;
    setData(null);
    setHash({ state: "idle" });
    if (dataInput.current) dataInput.current.value = "";
    if (dirInput.current) dirInput.current.value = "";
  }

  function takeDataset(d: Dataset) {
    resetRun();
    if (d.files.length === 0) return clearData();
    setData(d);
    const id = ++hashId.current;
    hashAbort.current?.abort();
    const abort = new AbortController();
    hashAbort.current = abort;
    const totalBytes = d.files.reduce((n, f) => n + f.file.size, 0);
    setHash({ state: "hashing", progress: { bytes: 0, totalBytes, files: 0, totalFiles: d.files.length }, label: d.label });
    let shown = 0;
    const onProgress = (progress: HashProgress) => {
      // At most ten repaints a second, however small the files.
      const now = performance.now();
      if (id !== hashId.current || now - shown < 100) return;
      shown = now;
      setHash({ state: "hashing", progress, label: d.label });
    };
    hashPromise.current = loadHashing()
      .then((m) => m.hashDatasetInWorker(d.files, d.kind, onProgress, abort.signal))
      .then(
        (result) => {
          if (id === hashId.current) setHash({ state: "done", result, label: d.label });
          return result;
        },
        (e: unknown) => {
          if (id === hashId.current) setHash({ state: "failed", detail: errText(e) });
          return null;
        }
      );
  }

  function onDataFiles(files: File[]) {
    if (dirInput.current) dirInput.current.value = "";
    const one = files.length === 1 ? files[0] : undefined;
    takeDataset({
      files: files.map((f) => ({ file: f, path: f.name })),
      kind: one ? "file" : "directory",
      label: one ? one.name : String(files.length),
    });
  }

  /** Files whose paths need the hashing module first (a chosen or a dropped folder). */
  function takeDatasetOf(list: (m: Hashing) => Promise<Omit<Dataset, "label">> | Omit<Dataset, "label">, label: () => string) {
    resetRun();
    const id = ++hashId.current;
    hashAbort.current?.abort();
    // A Verify pressed meanwhile waits for this dataset's fingerprint, not the previous one's.
    hashPromise.current = loadHashing()
      .then(list)
      .then(
        (r) => {
          if (id !== hashId.current) return null;
          takeDataset({ ...r, label: label() });
          return hashPromise.current;
        },
        (e: unknown) => {
          if (id === hashId.current) setHash({ state: "failed", detail: errText(e) });
          return null;
        }
      );
  }

  function onDirFiles(files: File[]) {
    if (dataInput.current) dataInput.current.value = "";
    takeDatasetOf(
      (m) => ({ files: files.map((f) => ({ file: f, path: m.pathInFolder(f.webkitRelativePath || f.name) })), kind: "directory" }),
      () => files[0]?.webkitRelativePath.split("/")[0] ?? ""
    );
  }

  function onDataDrop(dt: DataTransfer) {
    const { entries, files } = dropContents(dt);
    if (dataInput.current) dataInput.current.value = "";
    if (dirInput.current) dirInput.current.value = "";
    takeDatasetOf(
      (m) => m.filesOfDrop(entries, files),
      () => entries[0]?.name ?? files[0]?.name ?? ""
    );
  }

  // ─── Verifying ─────────────────────────────────────────────────────────────────────────

  async function verify(c: LoadedCert, via?: "server") {
    const id = ++runId.current;
    const live = () => id === runId.current;
    setRun({ state: "preparing" });
    try {
      let contentHash: string | undefined;
      const hashing = hashPromise.current;
      if (hashing) {
        const r = await hashing;
        if (!live()) return;
        // The dataset could not be read: its error box says so; verifying without it would hide that.
        if (r === null) return setRun({ state: "idle" });
        contentHash = r.hash;
      }
      const withData = contentHash !== undefined;

      if (config.current === null && via !== "server") {
        try {
          config.current = await api.config();
        } catch {
          // No config: the server's own verification needs none.
        }
        if (!live()) return;
      }
      const cfg = config.current;
      const rpcUrl = via === "server" || cfg === null || cfg.browserRpcUrl === null ? null : new URL(cfg.browserRpcUrl, window.location.href).toString();

      if (cfg !== null && rpcUrl !== null) {
        const path: VerifyPath = { kind: "browser", url: redactUrl(rpcUrl) };
        const checks: Partial<Record<CheckId, CheckEntry>> = {};
        setRun({ state: "running", path, withData, checks: {} });
        let mod: BrowserVerifier;
        try {
          mod = await loadVerifier();
        } catch (e) {
          if (live()) setRun({ state: "refused", path, problem: { describe: (t) => ({ text: t.verifyLoadFailed, detail: errText(e) }) } });
          return;
        }
        if (!live()) return;
        try {
          const report = await mod.verifyInBrowser(c.source === "file" ? c.json : { payload: c.text }, {
            chain: cfg.chain,
            rpcUrl,
            contentHash,
            onCheck: (entry) => {
              if (!live()) return;
              checks[entry.id] = entry;
              setRun({ state: "running", path, withData, checks: { ...checks } });
            },
          });
          if (live()) setRun({ state: "done", path, withData, report, source: c.source });
        } catch (e) {
          const refused = e instanceof mod.VerifyInputError;
          if (live()) setRun({ state: "refused", path, problem: { describe: (t) => ({ text: refused ? t.verifyRefused : t.verifyFailedToRun, detail: errText(e) }) } });
        }
        return;
      }

      const path: VerifyPath = { kind: "server" };
      setRun({ state: "running", path, withData, checks: {} });
      try {
        const report = await api.verify(c.source === "file" ? { certificate: c.json } : { payload: c.text }, contentHash);
        if (live()) setRun({ state: "done", path, withData, report, source: c.source });
      } catch (e) {
        if (live()) setRun({ state: "failed", path, failure: failureOf(e) });
      }
    } catch (e) {
      if (live()) setRun({ state: "refused", path: null, problem: { describe: (t) => ({ text: t.verifyFailedToRun, detail: errText(e) }) } });
    }
  }

  const busy = run.state === "preparing" || run.state === "running";

  function submit(e: Event) {
    e.preventDefault();
    if (cert !== null && !busy) void verify(cert);
  }

  // ─── What the page shows ───────────────────────────────────────────────────────────────

  const path = run.state === "running" || run.state === "done" || run.state === "failed" || run.state === "refused" ? run.path : null;
  // The browser could not decide (its endpoint unreachable, a refusal): the server may still.
  const askServer =
    cert !== null && path?.kind === "browser" && ((run.state === "done" && run.report.verdict === "ERROR") || run.state === "refused") ? (
      <button type="button" id="verify-via-server" onClick={() => void verify(cert, "server")}>
        {t.verifyAskServer}
      </button>
    ) : null;

  // One error box at a time: the input's problem first, then the dataset's, then the run's.
  const wellFormed = run.state === "done" ? run.report.checks.find((c) => c.id === "wellFormed") : undefined;
  let alert = null;
  if (certProblem) alert = <VerifyAlert id="verify-error" problem={certProblem.describe(t)} />;
  else if (hash.state === "failed")
    alert = (
      <VerifyAlert
        id="verify-error"
        problem={{ text: t.verifyHashFailed, detail: hash.detail }}
        action={
          <button type="button" onClick={clearData}>
            {t.verifyRemoveData}
          </button>
        }
      />
    );
  else if (run.state === "failed") alert = <ErrorBox failure={run.failure} onRetry={cert ? () => void verify(cert) : undefined} />;
  else if (run.state === "refused") alert = <VerifyAlert id="verify-error" problem={run.problem.describe(t)} action={askServer ?? undefined} />;
  else if (run.state === "done" && run.source === "file" && wellFormed?.status === "failed")
    alert = <VerifyAlert id="verify-error" problem={{ text: t.verifyNotCertificate(wellFormed.field ?? null), detail: wellFormed.reason }} />;

  const shownChecks = run.state === "running" ? run.checks : run.state === "done" ? Object.fromEntries(run.report.checks.map((c) => [c.id, c])) : null;
  const invalid = (target: "cert" | "payload") => (certProblem?.target === target ? true : undefined);

  return (
    <>
      <h1>{t.verifyTitle}</h1>
      <p class="hint verify-intro">{t.verifyIntro}</p>

      <form class="verify-form" onSubmit={submit} noValidate>
        <fieldset class="verify-group">
          <legend>{t.verifyCertHeading}</legend>
          <DropZone testId="verify-cert-drop" onDrop={onCertDrop}>
            <FileField
              id="verify-cert"
              label={t.verifyCertLabel}
              help={t.verifyCertHelp}
              accept=".json,application/json,application/ld+json"
              inputRef={certInput}
              describedBy={invalid("cert") ? "verify-error" : undefined}
              onFiles={(files) => {
                const file = files[0];
                if (file) void loadCertFile(file);
              }}
            />
          </DropZone>
          <div class="form-field">
            <label for="verify-payload-text">{t.verifyPayloadLabel}</label>
            <input
              id="verify-payload-text"
              name="payload"
              type="text"
              class="mono-input"
              value={payloadText}
              onInput={(e) => onPayloadInput(e.currentTarget.value)}
              aria-describedby={["verify-payload-text-help", invalid("payload") && "verify-error"].filter(Boolean).join(" ")}
              aria-invalid={invalid("payload")}
              autocomplete="off"
              spellcheck={false}
              maxLength={8192}
            />
            <p id="verify-payload-text-help" class="help">
              {t.verifyPayloadHelp}
            </p>
          </div>
        </fieldset>

        <fieldset class="verify-group">
          <legend>{t.verifyDataHeading}</legend>
          <DropZone testId="verify-data-drop" onDrop={onDataDrop}>
            <FileField id="verify-data" label={t.verifyDataLabel} help={t.verifyDataHelp} multiple inputRef={dataInput} onFiles={onDataFiles} />
            <FileField id="verify-dir" label={t.verifyDirLabel} help={t.verifyDirHelp} directory inputRef={dirInput} onFiles={onDirFiles} />
          </DropZone>
          {data !== null && (
            <p class="actions">
              <button type="button" class="verify-secondary" onClick={clearData}>
                {t.verifyRemoveData}
              </button>
            </p>
          )}
          <DataHashStatus hash={hash} />
        </fieldset>

        <p class="actions verify-actions">
          <button id="verify-run" type="submit" disabled={cert === null} aria-disabled={busy ? "true" : undefined}>
            {busy ? t.verifyRunning : t.verifyRun}
          </button>
        </p>
      </form>

      {cert !== null && <LoadedSummary cert={cert} />}

      {alert}

      <section class="verify-result" aria-labelledby={run.state === "done" ? "verify-verdict-heading" : "verify-result-heading"}>
        {run.state !== "done" && (
          <h2 id="verify-result-heading" class="visually-hidden">
            {t.verifyVerdictHeading}
          </h2>
        )}
        <div data-testid="verify-result" aria-live="polite" aria-busy={busy}>
          {run.state === "idle" && cert === null && <p class="hint">{t.verifyPrompt}</p>}
          {run.state === "preparing" && <p class="loading">{t.verifyPreparing}</p>}
          {path !== null && (
            <p class="verify-path" data-testid="verify-path" data-path={path.kind}>
              {path.kind === "browser" ? t.verifyPathBrowser(path.url) : t.verifyPathServer}
              {(run.state === "running" || run.state === "done") && run.withData && ` ${path.kind === "browser" ? t.verifyDataStayedBrowser : t.verifyDataStayedServer}`}
            </p>
          )}
          {run.state === "running" && <p class="loading">{t.verifyRunning}</p>}
          {run.state === "done" && <VerifyVerdict report={run.report} />}
          {askServer !== null && run.state === "done" && <p class="actions">{askServer}</p>}
          {shownChecks !== null && <CheckList checks={shownChecks} />}
        </div>
      </section>
    </>
  );
}
