/**
 * An event's decoded arguments as named fields: nested structs become nested lists of fields,
 * arrays of plain values a comma list, hashes and addresses monospace (and wrapping).
 */
import { useI18n } from "../i18n";
import { Mono } from "./values";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isPlain(v: Json): v is string | number | boolean | null {
  return v === null || typeof v !== "object";
}

function Value({ value }: { value: Json }) {
  const { t } = useI18n();
  if (value === null) return <span class="none">—</span>;
  if (typeof value === "boolean") return <>{value ? t.yes : t.no}</>;
  if (typeof value === "number") return <>{String(value)}</>;
  if (typeof value === "string") return /^0x[0-9a-fA-F]+$/.test(value) ? <Mono>{value}</Mono> : <>{value}</>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="none">[]</span>;
    if (value.every(isPlain)) {
      return (
        <>
          {value.map((v, i) => (
            <span key={i}>
              {i > 0 && ", "}
              <Value value={v} />
            </span>
          ))}
        </>
      );
    }
    return (
      <ol class="json-list">
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} />
          </li>
        ))}
      </ol>
    );
  }
  return <JsonFields fields={value} />;
}

export function JsonFields({ fields }: { fields: { [key: string]: Json } }) {
  const entries = Object.entries(fields);
  if (entries.length === 0) return null;
  return (
    <dl class="fields args">
      {entries.map(([k, v]) => (
        <div class="field" key={k}>
          <dt>{k}</dt>
          <dd>
            <Value value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
