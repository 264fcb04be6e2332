// The reader's colour scheme: light, dark, or whatever their system prefers. Kept in a cookie so
// the server renders <html> with the right class and the page never flashes the other scheme
// (an inline script would need the CSP nonce; a cookie needs no script at all).
import { z } from "zod";

export const THEME_COOKIE = "shiplog-theme";

export const themeChoices = ["system", "light", "dark"] as const;
export const themeChoiceSchema = z.enum(themeChoices);
export type ThemeChoice = z.infer<typeof themeChoiceSchema>;

/** A cookie's value as a choice; anything missing or unknown (an old or hand-edited cookie) is "system". */
export function parseThemeChoice(value: string | undefined): ThemeChoice {
  const parsed = themeChoiceSchema.safeParse(value);
  return parsed.success ? parsed.data : "system";
}

/** The class on <html>: app/globals.css remaps the palette under .dark, and under no class when the system prefers dark. */
export function themeClassName(choice: ThemeChoice): string | undefined {
  return choice === "system" ? undefined : choice;
}

/** The Set-Cookie value the toggle writes: a year, the whole site, readable by the page's script. */
export function themeCookie(choice: ThemeChoice): string {
  return `${THEME_COOKIE}=${choice}; Path=/; Max-Age=${365 * 24 * 3600}; SameSite=Lax`;
}
