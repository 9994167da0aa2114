/**
 * The pre-trade check (`#/check`, `#/check?asset=…&buyer=…&rights=…`): an exchange asks, before
 * a trade, whether the ledger's rules let the current holder sell the asset (or license a right
 * of it) to a buyer. The check lives in the URL, as a search does, so it can be linked and
 * reloaded; a link naming both the asset and the buyer runs it at once.
 */
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { RIGHTS, type AssetResponse, type Tradability } from "../../../../sdk/api/schemas";
import { api, failureOf, type Failure } from "../api";
import { ErrorBox } from "../components/error-box";
import { Verdict } from "../components/verdict";
import { useI18n } from "../i18n";
import { href, isRights, type CheckParams, type Rights } from "../router";
import { FormField } from "../components/form-field";

const DEFAULT_RIGHTS: Rights = "holding";

interface Answer {
  check: Tradability;
  /** For the freeze and pledge details only: null if it could not be read (the verdict stands without it). */
  asset: AssetResponse | null;
}

type State = { state: "idle" } | { state: "loading" } | { state: "failed"; failure: Failure } | { state: "done"; answer: Answer };

type Field = "asset" | "buyer" | "rights";
/** The API's own messages are English; the portal's are in the reader's language. */
type FieldMessage = { text: string; fromApi: boolean };

/** The form field a failure is about, so its message can sit next to that field. */
function fieldOf(f: Failure): Field | null {
  if (f.kind === "notFound") return "asset";
  if (f.kind !== "badRequest") return null;
  if (f.field === "buyer") return "buyer";
  if (f.field === "ref") return "asset";
  if (f.field === "rights") return "rights";
  return null;
}

export function CheckPage({ params }: { params: CheckParams }) {
  const { t } = useI18n();
  const rights = params.rights ?? DEFAULT_RIGHTS;
  const [asset, setAsset] = useState(params.asset);
  const [buyer, setBuyer] = useState(params.buyer);
  const [rightsText, setRightsText] = useState<Rights>(rights);
  const [attempt, setAttempt] = useState(0);
  const ready = params.asset !== "" && params.buyer !== "";
  const [s, setS] = useState<State>({ state: ready ? "loading" : "idle" });

  useEffect(() => {
    document.title = `${params.asset ? `${params.asset} · ` : ""}${t.checkTitle} · 数据确权登记簿 · Data Rights Ledger`;
  }, [params.asset, t]);

  // The form follows the URL (back and forward, a pasted link), in the route change's own commit.
  useLayoutEffect(() => {
    setAsset(params.asset);
    setBuyer(params.buyer);
    setRightsText(rights);
  }, [params.asset, params.buyer, rights]);

  useEffect(() => {
    if (!ready) {
      setS({ state: "idle" });
      return;
    }
    let current = true;
    setS({ state: "loading" });
    Promise.all([
      api.tradability(params.asset, { buyer: params.buyer, rights }),
      // Only to explain a freeze or a pledge: its failure must not hide the verdict.
      api.asset(params.asset).catch(() => null),
    ]).then(
      ([check, a]) => current && setS({ state: "done", answer: { check, asset: a } }),
      (e: unknown) => current && setS({ state: "failed", failure: failureOf(e) }),
    );
    return () => {
      current = false;
    };
  }, [params.asset, params.buyer, rights, ready, attempt]);

  function submit(e: Event) {
    e.preventDefault();
    const next = href.check({ asset: asset.trim(), buyer: buyer.trim(), rights: rightsText });
    // The same check again: the hash does not change, so ask again explicitly.
    if (window.location.hash === next) setAttempt((n) => n + 1);
    else window.location.hash = next;
  }

  const failure = s.state === "failed" ? s.failure : null;
  const bad = failure ? fieldOf(failure) : null;
  const fieldMessage = (f: Field): FieldMessage | null => {
    if (!failure || bad !== f) return null;
    if (failure.kind === "notFound") return { text: t.assetNotFound(params.asset), fromApi: false };
    return failure.kind === "badRequest" ? { text: failure.message, fromApi: true } : null;
  };
  const describedBy = (f: Field, help: boolean) => [help && `check-${f}-help`, fieldMessage(f) !== null && `check-${f}-error`].filter(Boolean).join(" ") || undefined;

  return (
    <>
      <h1>{t.checkTitle}</h1>
      <p class="hint">{t.checkIntro}</p>
      <form class="check-form" onSubmit={submit}>
        <TextField
          field="asset"
          label={t.checkAsset}
          help={t.checkAssetHelp}
          value={asset}
          onInput={setAsset}
          describedBy={describedBy("asset", true)}
          invalid={bad === "asset"}
          message={fieldMessage("asset")}
        />
        <TextField
          field="buyer"
          label={t.checkBuyer}
          help={t.checkBuyerHelp}
          value={buyer}
          onInput={setBuyer}
          describedBy={describedBy("buyer", true)}
          invalid={bad === "buyer"}
          message={fieldMessage("buyer")}
          mono
        />
        <div class="form-field">
          <label for="check-rights">{t.checkRights}</label>
          <select
            id="check-rights"
            name="rights"
            value={rightsText}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (isRights(v)) setRightsText(v);
            }}
            aria-describedby={describedBy("rights", false)}
            aria-invalid={bad === "rights" ? true : undefined}
          >
            {RIGHTS.map((r) => (
              <option key={r} value={r}>
                {t.rightName[r]}
              </option>
            ))}
          </select>
          <FieldError id="check-rights-error" message={fieldMessage("rights")} />
        </div>
        <p class="actions">
          <button type="submit">{t.checkButton}</button>
        </p>
      </form>

      <section class="check-result" aria-labelledby={s.state === "done" ? "check-verdict-heading" : "check-result-heading"}>
        {s.state !== "done" && (
          <h2 id="check-result-heading" class="visually-hidden">
            {t.verdictHeading}
          </h2>
        )}
        <div data-testid="check-verdict" aria-live="polite" aria-busy={s.state === "loading"}>
          {s.state === "idle" && <p class="hint">{t.checkPrompt}</p>}
          {s.state === "loading" && <p class="loading">{t.checking}</p>}
          {s.state === "failed" && <ErrorBox failure={s.failure} notFoundText={t.assetNotFound(params.asset)} onRetry={() => setAttempt((n) => n + 1)} />}
          {s.state === "done" && <Verdict check={s.answer.check} asset={s.answer.asset} />}
        </div>
      </section>
    </>
  );
}

/** A field's own error, referenced by the field's aria-describedby (the error box says it too). */
function FieldError({ id, message }: { id: string; message: FieldMessage | null }) {
  if (message === null) return null;
  return (
    <p id={id} class="field-error" lang={message.fromApi ? "en" : undefined}>
      {message.text}
    </p>
  );
}

/** A labelled text input of the form, with its help line and, after a refusal, the API's message. */
function TextField(props: {
  field: "asset" | "buyer";
  label: string;
  help: string;
  value: string;
  onInput: (v: string) => void;
  describedBy: string | undefined;
  invalid: boolean;
  message: FieldMessage | null;
  mono?: boolean;
}) {
  const id = `check-${props.field}`;
  return (
    <FormField
      id={id}
      name={props.field}
      label={props.label}
      help={props.help}
      type="text"
      value={props.value}
      onInput={props.onInput}
      describedBy={props.describedBy}
      invalid={props.invalid}
      text={{ required: true, maxLength: 100, mono: props.mono }}
      error={<FieldError id={`${id}-error`} message={props.message} />}
    />
  );
}
