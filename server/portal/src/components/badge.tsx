/**
 * A status badge: always words, with a colour (and a border) as a second cue, never alone.
 */
import type { ComponentChildren } from "preact";
import type { AssetResponse, License, Pledge } from "../../../../sdk/api/schemas";

export type Tone = "ok" | "info" | "warn" | "danger" | "muted" | "dark" | "special" | "teal";

export function Badge({ tone, children, testId }: { tone: Tone; children: ComponentChildren; testId?: string }) {
  return (
    <span class={`badge badge-${tone}`} data-testid={testId}>
      {children}
    </span>
  );
}

export function assetStatusTone(status: AssetResponse["status"]): Tone {
  switch (status) {
    case "registered":
      return "ok";
    case "applied":
    case "publicity":
      return "info";
    case "refused":
    case "cancelled":
      return "dark";
    case "none":
      return "muted";
  }
}

export function licenceStateTone(state: License["state"]): Tone {
  switch (state) {
    case "active":
      return "ok";
    case "notStarted":
      return "info";
    case "suspended":
      return "warn";
    case "revoked":
      return "danger";
    case "expired":
    case "ended":
    case "parentEnded":
    case "assetNotRegistered":
    case "none":
      return "muted";
  }
}

export function pledgeStateTone(state: Pledge["state"]): Tone {
  switch (state) {
    case "active":
      return "special";
    case "proposed":
      return "info";
    case "enforced":
      return "danger";
    case "released":
    case "withdrawn":
    case "discharged":
    case "none":
      return "muted";
  }
}
