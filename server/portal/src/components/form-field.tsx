/**
 * A labelled input of a form: its label, the input, a help line (`<id>-help`) and, when there is
 * one, the field's own error (`<id>-error`), which the input's aria-describedby names.
 */
import type { ComponentChildren } from "preact";

export function FormField(props: {
  id: string;
  name: string;
  label: string;
  help: string;
  type: "text" | "date";
  value: string;
  onInput: (v: string) => void;
  describedBy: string | undefined;
  invalid: boolean;
  /** A text input's own rules: required, at most this many characters, monospace. */
  text?: { required?: boolean; maxLength?: number; mono?: boolean };
  /** The field's error, rendered after the help line. */
  error?: ComponentChildren;
}) {
  const common = {
    id: props.id,
    name: props.name,
    value: props.value,
    onInput: (e: { currentTarget: HTMLInputElement }) => props.onInput(e.currentTarget.value),
    "aria-describedby": props.describedBy,
    "aria-invalid": props.invalid ? true : undefined,
  };
  const text = props.text ?? {};
  return (
    <div class="form-field">
      <label for={props.id}>{props.label}</label>
      {props.type === "date" ? (
        <input type="date" {...common} />
      ) : (
        <input
          type="text"
          {...common}
          required={text.required}
          autocomplete="off"
          spellcheck={false}
          maxLength={text.maxLength}
          class={text.mono ? "mono-input" : undefined}
        />
      )}
      <p id={`${props.id}-help`} class="help">
        {props.help}
      </p>
      {props.error}
    </div>
  );
}
