"use client";

import { useId, useState } from "react";
import { type ThemeChoice, parseThemeChoice, themeChoices, themeClassName, themeCookie } from "@/lib/theme/theme-choice";

const labels: Record<ThemeChoice, string> = { system: "System", light: "Light", dark: "Dark" };

/**
 * Light, dark or the system's scheme. The choice is stored in a cookie the server reads on the
 * next page (app/layout.tsx), and applied to this page at once by swapping <html>'s class.
 */
export function ThemeToggle({ initial }: { initial: ThemeChoice }) {
  const id = useId();
  const [choice, setChoice] = useState(initial);
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor={id} className="text-zinc-600 lg:sr-only">
        Theme
      </label>
      <select
        id={id}
        value={choice}
        data-testid="theme-toggle"
        onChange={(event) => {
          const next = parseThemeChoice(event.target.value);
          setChoice(next);
          document.cookie = themeCookie(next);
          const root = document.documentElement;
          root.classList.remove(...themeChoices);
          const className = themeClassName(next);
          if (className) root.classList.add(className);
        }}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm text-zinc-900"
      >
        {themeChoices.map((value) => (
          <option key={value} value={value}>
            {labels[value]}
          </option>
        ))}
      </select>
    </div>
  );
}
