import { CopyButton } from "@/components/ui/copy-button";

/** A block of text to paste somewhere else, with its copy button. */
export function SetupSnippet({ title, text, language }: { title: string; text: string; language?: string }) {
  return (
    <figure className="space-y-1.5">
      <figcaption className="flex items-center justify-between gap-4 text-sm font-medium text-zinc-800">
        <span>{title}</span>
        <CopyButton text={text} label={title} />
      </figcaption>
      {/* Long lines wrap (no sideways scrolling on a phone; copying keeps them whole); focusable so a
          keyboard can scroll a tall one (axe: scrollable-region-focusable). */}
      <pre
        tabIndex={0}
        aria-label={title}
        data-language={language}
        className="max-h-80 overflow-auto rounded-md border border-zinc-200 bg-zinc-950 px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre-wrap wrap-anywhere text-zinc-100 focus-visible:outline-2 focus-visible:outline-sky-700"
      >
        {text}
      </pre>
    </figure>
  );
}

/** One value to paste into a form field (a URL, a content type), with its copy button. */
export function SetupValue({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <dt className="w-32 shrink-0 font-medium text-zinc-700">{label}</dt>
      <dd className="flex min-w-0 items-center gap-3">
        <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs break-all text-zinc-900">{value}</code>
        <CopyButton text={value} label={label} />
      </dd>
    </div>
  );
}
