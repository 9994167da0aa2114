/**
 * An event's decoded arguments as named fields: nested structs become nested lists of fields,
 * arrays of plain values a comma list, hashes and addresses monospace (and wrapping).
 *
 * Plain functions that return elements, not components: the timeline shows hundreds of events
 * with several fields each, and a component (with its own context subscription) per value was
 * most of the asset page's render time.
 */
import { useI18n, type Messages } from "../i18n";
import { Mono } from "./values";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isPlain(v: Json): v is string | number | boolean | null {
  return v === null || typeof v !== "object";
}

const HEX = /^0x[0-9a-fA-F]+$/;

function valueElement(value: Json, t: Messages) {
  if (value === null) return <span class="none">—</span>;
  if (typeof value === "boolean") return value ? t.yes : t.no;
  if (typeof value === "number") return String(value);
  // Mono has no hooks: called as a function it gives the same element, without a component.
  if (typeof value === "string") return HEX.test(value) ? Mono({ children: value }) : value;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="none">[]</span>;
    if (value.every(isPlain)) {
      return value.map((v, i) => (
        <span key={i}>
          {i > 0 && ", "}
          {valueElement(v, t)}
        </span>
      ));
    }
    return (
      <ol class="json-list">
        {value.map((v, i) => (
          <li key={i}>{valueElement(v, t)}</li>
        ))}
      </ol>
    );
  }
  return fieldsElement(value, t);
}

/** The fields as a `<dl>`, or null when there are none. */
export function fieldsElement(fields: { [key: string]: Json }, t: Messages) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return null;
  return (
    <dl class="fields args">
      {entries.map(([k, v]) => (
        <div class="field" key={k}>
          <dt>{k}</dt>
          <dd>{valueElement(v, t)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** fieldsElement in the reader's language. */
export function JsonFields({ fields }: { fields: { [key: string]: Json } }) {
  const { t } = useI18n();
  return fieldsElement(fields, t);
}
