"use client";

import { useCombobox } from "downshift";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { SearchSuggestions, Suggestion } from "@/lib/search/suggest-search";
import { searchBoxTarget } from "@/lib/trace/route-search-query";

/** Pause in typing before suggestions are asked for: one request per word, not per key. */
const DEBOUNCE_MS = 150;

const KIND_LABEL: Record<Suggestion["kind"], string> = { service: "Service", release: "Release", commit: "Commit" };

/**
 * The header's search: a service name, a commit SHA or prefix, a pull request or a ticket key.
 * While typing it suggests services, recent releases and commits (GET /api/v1/search/suggestions,
 * an ARIA 1.2 combobox from downshift: arrows move, Enter opens the highlighted one, Escape closes);
 * `/` anywhere outside a text field focuses it. Enter without a highlighted suggestion goes to
 * /search, which sends an exact service name to its page and a commit, pull request or ticket to
 * the commit page, and lists near matches otherwise.
 */
export function SearchBox() {
  const router = useRouter();
  const messageId = useId();
  const hintId = useId();
  // Found by id, not a ref: downshift's getInputProps would read a ref passed to it during render.
  const inputId = useId();
  const [message, setMessage] = useState<string | null>(null);
  const [inputValue, setInputValue] = useState("");
  const [suggestions, setSuggestions] = useState<{ query: string; items: Suggestion[] }>({ query: "", items: [] });

  /** Cancels the suggestion request waiting or under way: leaving for a page needs none. */
  const cancelPending = useRef<() => void>(() => undefined);

  const query = inputValue.trim();
  useEffect(() => {
    if (query === "") return;
    const aborter = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/search/suggestions?q=${encodeURIComponent(query)}`, { signal: aborter.signal, headers: { accept: "application/json" } });
        // Suggestions are a convenience: without them (signed out, a hiccup) the box still searches on Enter.
        if (!response.ok) return;
        const answer = (await response.json()) as SearchSuggestions;
        setSuggestions({ query, items: answer.items });
      } catch (error) {
        if ((error as Error).name !== "AbortError") setSuggestions({ query, items: [] });
      }
    }, DEBOUNCE_MS);
    const cancel = () => {
      clearTimeout(timer);
      aborter.abort();
    };
    cancelPending.current = cancel;
    return cancel;
  }, [query]);

  // `/` focuses the box, as on GitHub, unless someone is typing somewhere else.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      const input = document.getElementById(inputId);
      if (!(input instanceof HTMLInputElement)) return;
      event.preventDefault();
      input.focus();
      input.select();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [inputId]);

  // Only the answer for what is in the box now: an older answer would offer the wrong things.
  const items = query !== "" && suggestions.query === query ? suggestions.items : [];
  const { isOpen, highlightedIndex, closeMenu, getMenuProps, getInputProps, getItemProps, getLabelProps } = useCombobox<Suggestion>({
    items,
    inputId,
    inputValue,
    selectedItem: null,
    itemToString: (item) => item?.label ?? "",
    // Choosing a suggestion opens its page and empties the box, rather than leaving the label in it.
    stateReducer: (_state, { type, changes }) =>
      changes.selectedItem && (type === useCombobox.stateChangeTypes.InputKeyDownEnter || type === useCombobox.stateChangeTypes.ItemClick)
        ? { ...changes, inputValue: "" }
        : changes,
    onInputValueChange: ({ inputValue: value }) => {
      setInputValue(value);
      setMessage(null);
    },
    onSelectedItemChange: ({ selectedItem }) => {
      if (!selectedItem) return;
      cancelPending.current();
      document.getElementById(inputId)?.blur();
      router.push(selectedItem.href);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    cancelPending.current();
    const route = searchBoxTarget(inputValue);
    if (route.kind === "go") {
      setMessage(null);
      router.push(route.href);
    } else if (route.kind === "unrecognised") {
      setMessage(route.message);
    }
  }

  const open = isOpen && items.length > 0;
  return (
    <form role="search" action="/search" onSubmit={submit} className="relative flex items-center lg:ml-auto">
      <label {...getLabelProps()} className="sr-only">
        Search services, commits, pull requests and tickets
      </label>
      <input
        {...getInputProps({
          name: "q",
          type: "search",
          spellCheck: false,
          placeholder: "Service, SHA, owner/repo#123 or PAY-123",
          "aria-describedby": message ? `${hintId} ${messageId}` : hintId,
          "aria-invalid": message ? true : undefined,
          onKeyDown: (event) => {
            // Enter without a highlighted suggestion searches for the text (the form's submit), which
            // downshift would otherwise swallow while its menu is open.
            if (event.key !== "Enter" || highlightedIndex >= 0) return;
            (event.nativeEvent as KeyboardEvent & { preventDownshiftDefault?: boolean }).preventDownshiftDefault = true;
            closeMenu();
          },
        })}
        className="w-full rounded-md border border-zinc-300 bg-white py-1.5 pr-8 pl-3 text-sm text-zinc-900 placeholder:text-zinc-500 lg:w-44 xl:w-52"
      />
      <kbd aria-hidden="true" className="pointer-events-none absolute right-2 rounded border border-zinc-300 px-1.5 font-mono text-xs text-zinc-500">
        /
      </kbd>
      <span id={hintId} className="sr-only">
        Suggestions appear while you type. Press slash anywhere to come back here.
      </span>
      <ul
        {...getMenuProps({ "aria-label": "Suggestions" })}
        className={`absolute top-full right-0 z-20 mt-1 max-h-96 w-96 overflow-y-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg ${open ? "" : "hidden"}`}
      >
        {open
          ? items.map((item, index) => (
              <li
                key={`${item.kind}:${item.href}`}
                {...getItemProps({ item, index })}
                className={`flex cursor-pointer items-baseline gap-2 px-3 py-1.5 text-sm ${highlightedIndex === index ? "bg-sky-50" : ""}`}
              >
                <span className="w-14 shrink-0 text-xs font-medium text-zinc-500">{KIND_LABEL[item.kind]}</span>
                <span className="min-w-0">
                  <span className="block truncate font-medium text-zinc-900" title={item.label}>
                    {item.label}
                  </span>
                  <span className="block truncate text-xs text-zinc-600">{item.detail}</span>
                </span>
              </li>
            ))
          : null}
      </ul>
      <p
        id={messageId}
        role="status"
        className={`absolute top-full right-0 z-10 mt-1 w-full rounded-md border border-amber-200 bg-amber-50 px-3 py-1.5 text-xs text-amber-900 shadow-sm ${message ? "" : "sr-only"}`}
      >
        {message}
      </p>
    </form>
  );
}
