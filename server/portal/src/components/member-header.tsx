/**
 * The member page's header: the member's name, its address (monospace, wrapping anywhere),
 * type, jurisdiction and membership status, with the suspension or key rotation if any.
 */
import type { Member } from "../../../../sdk/api/schemas";
import { Time } from "../dates";
import { useI18n } from "../i18n";
import { href } from "../router";
import { Badge, type Tone } from "./badge";
import { Fields, Mono, WhereText } from "./values";

export function memberStatusTone(status: Member["status"]): Tone {
  switch (status) {
    case "active":
      return "ok";
    case "suspended":
      return "warn";
    case "retired":
      return "muted";
  }
}

export function MemberHeader({ member: m }: { member: Member }) {
  const { t } = useI18n();
  return (
    <header class="member-header">
      <p class="eyebrow">{t.memberTitle}</p>
      <h1 id="member-name" data-testid="member-name">
        {m.name}
      </h1>
      <p class="member-address">
        <span class="label">{t.memberAddress}: </span>
        <Mono testId="member-address">{m.address}</Mono>
      </p>
      <p class="member-facts">
        <span>
          <span class="label">{t.memberType}: </span>
          <span data-testid="member-type">{t.memberTypeName[m.memberType]}</span>
        </span>
        <span>
          <span class="label">{t.memberStatus}: </span>
          <Badge tone={memberStatusTone(m.status)} testId="member-status">
            {t.memberStatusName[m.status]}
          </Badge>
        </span>
        <span class="as-of">{t.asOfBlock(m.asOfBlock)}</span>
      </p>
      {m.status === "suspended" && <p class="note">{t.memberSuspendedNote}</p>}
      {m.status === "retired" && <p class="note">{t.memberRetiredNote}</p>}
      <Fields
        class="member-fields"
        rows={[
          [t.memberJurisdiction, t.memberJurisdictionName[m.jurisdiction]],
          [t.memberAdmitted, <WhereText where={m.admitted} />],
          [t.memberAdmittedBy, <Mono>{m.admittedBy}</Mono>],
          m.suspension && [
            t.memberSuspension,
            <>
              <Time unix={m.suspension.at} /> · {t.by} <Mono>{m.suspension.by}</Mono> · {t.reasonHash} <Mono>{m.suspension.reasonHash}</Mono>
            </>,
          ],
          m.rebound !== null &&
            m.rebound.to !== null && [
              t.memberReboundTo,
              <>
                <a href={href.member(m.rebound.to)} data-testid="member-rebound-to">
                  <Mono>{m.rebound.to}</Mono>
                </a>{" "}
                · <WhereText where={m.rebound.at} />
              </>,
            ],
          m.rebound !== null &&
            m.rebound.from !== null && [
              t.memberReboundFrom,
              <>
                <a href={href.member(m.rebound.from)} data-testid="member-rebound-from">
                  <Mono>{m.rebound.from}</Mono>
                </a>{" "}
                · <WhereText where={m.rebound.at} />
              </>,
            ],
        ]}
      />
    </header>
  );
}
