/**
 * The verify page's file inputs: each is a normal labelled `<input type="file">` (focusable and
 * operable from the keyboard like any other), inside a box that also takes files dragged onto
 * it. A dropped folder is read through the drop's entries (`webkitGetAsEntry`), which must be
 * taken during the drop event itself.
 */
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useI18n } from "../i18n";

function carriesFiles(e: DragEvent): boolean {
  return e.dataTransfer?.types.includes("Files") ?? false;
}

/** The drop's entries and files, read synchronously (they are gone once the event returns). */
export function dropContents(dt: DataTransfer): { entries: FileSystemEntry[]; files: File[] } {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== "file") continue;
    const entry = typeof item.webkitGetAsEntry === "function" ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
  }
  return { entries, files: Array.from(dt.files) };
}

/** A box that takes dropped files; its children are the labelled inputs. */
export function DropZone({ testId, onDrop, children }: { testId: string; onDrop: (dt: DataTransfer) => void; children: ComponentChildren }) {
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  return (
    <div
      class={over ? "verify-drop verify-drop-over" : "verify-drop"}
      data-testid={testId}
      onDragEnter={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setOver(true);
      }}
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        depth.current = 0;
        setOver(false);
        if (e.dataTransfer) onDrop(e.dataTransfer);
      }}
    >
      {children}
      <p class="verify-drop-hint" aria-hidden="true">
        {t.verifyDropHere}
      </p>
    </div>
  );
}

/** A labelled file input with its help line; `directory` makes it choose a folder. */
export function FileField(props: {
  id: string;
  label: string;
  help: string;
  accept?: string;
  multiple?: boolean;
  directory?: boolean;
  inputRef?: RefObject<HTMLInputElement | null>;
  describedBy?: string;
  onFiles: (files: File[]) => void;
}) {
  const own = useRef<HTMLInputElement>(null);
  const ref = props.inputRef ?? own;
  // Not in Preact's attribute types: set as the DOM property (Chromium, Firefox and Safari have it).
  useEffect(() => {
    if (props.directory && ref.current) ref.current.webkitdirectory = true;
  }, [props.directory]);
  return (
    <div class="form-field verify-file-field">
      <label for={props.id}>{props.label}</label>
      <input
        ref={ref}
        id={props.id}
        name={props.id}
        type="file"
        accept={props.accept}
        multiple={props.multiple || props.directory}
        aria-describedby={[`${props.id}-help`, props.describedBy].filter(Boolean).join(" ")}
        onChange={(e) => props.onFiles(Array.from(e.currentTarget.files ?? []))}
      />
      <p id={`${props.id}-help`} class="help">
        {props.help}
      </p>
    </div>
  );
}
