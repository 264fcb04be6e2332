"use client";

import { useEffect, useState } from "react";

/**
 * Copies `text` to the clipboard and says so next to the button ("Copied", announced to screen
 * readers). Falls back to a hidden textarea and execCommand where the Clipboard API is missing
 * (pages served over plain HTTP on another host are not a secure context).
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2500);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      if (navigator.clipboard?.writeText) await navigator.clipboard.writeText(text);
      else copyWithTextarea(text);
      setState("copied");
    } catch {
      // A refused permission: the reader can still select the text shown beside the button.
      setState("failed");
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        onClick={copy}
        aria-label={`Copy ${label}`}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-xs font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700"
      >
        Copy
      </button>
      <span role="status" className="text-xs font-medium text-emerald-800">
        {state === "copied" ? "Copied" : state === "failed" ? <span className="text-red-800">Copy failed: select the text instead</span> : ""}
      </span>
    </span>
  );
}

function copyWithTextarea(text: string): void {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const copied = document.execCommand("copy");
  area.remove();
  if (!copied) throw new Error("execCommand('copy') refused");
}
