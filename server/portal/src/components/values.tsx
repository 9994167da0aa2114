/**
 * Small renderings shared by the pages: addresses and hashes (monospace, wrapping anywhere so a
 * 66-character hash never forces sideways scrolling on a phone), parties, amounts, block places.
 */
import type { ComponentChildren } from "preact";
import type { Where } from "../../../../sdk/api/schemas";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";

export function Mono({ children, testId }: { children: ComponentChildren; testId?: string }) {
  return (
    <code class="mono" data-testid={testId}>
      {children}
    </code>
  );
}

/** An address with the member's name when the API knows it. */
export function PartyText({ party, testId }: { party: { address: string; name: string | null }; testId?: string }) {
  return (
    <span class="party">
      {party.name !== null && <span class="party-name">{party.name}</span>}
      {party.name !== null ? <a href={href.member(party.address)}><Mono testId={testId}>{party.address}</Mono></a> : <Mono testId={testId}>{party.address}</Mono>}
    </span>
  );
}

/** Minor units (fen, cents), as the contracts store amounts, shown with two decimals. */
export function formatAmount(minor: string, currency: string): string {
  if (!/^\d+$/.test(minor)) return `${minor} ${currency}`;
  const v = BigInt(minor);
  const whole = (v / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${whole}.${(v % 100n).toString().padStart(2, "0")} ${currency}`.trim();
}

/** Where an event happened: block, time (local and UTC), transaction. */
export function WhereText({ where }: { where: Where }) {
  const { t } = useI18n();
  return (
    <span class="where">
      <span>
        {t.block} {where.block}
      </span>
      {" · "}
      <Time unix={where.time} />
      {" · "}
      <span>
        {t.tx} <Mono>{where.tx}</Mono>
      </span>
    </span>
  );
}

export type Row = readonly [label: ComponentChildren, value: ComponentChildren] | false | null | undefined;

/** A description list of label–value rows; rows given as false/null are left out. */
export function Fields({ rows, class: cls }: { rows: readonly Row[]; class?: string }) {
  return (
    <dl class={cls ? `fields ${cls}` : "fields"}>
      {rows.map((r, i) =>
        r ? (
          <div class="field" key={i}>
            <dt>{r[0]}</dt>
            <dd>{r[1]}</dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}
