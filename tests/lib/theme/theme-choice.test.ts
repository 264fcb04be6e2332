// The colour-scheme cookie (lib/theme/theme-choice.ts): what the server makes of whatever the
// cookie holds, the class it puts on <html>, and the cookie the toggle writes.
import { describe, expect, it } from "vitest";
import { THEME_COOKIE, parseThemeChoice, themeClassName, themeCookie } from "../../../lib/theme/theme-choice";

describe("parseThemeChoice", () => {
  it("takes the three choices as they are", () => {
    expect(["system", "light", "dark"].map((value) => parseThemeChoice(value))).toEqual(["system", "light", "dark"]);
  });

  it("reads a missing, unknown or differently cased cookie as the system's scheme", () => {
    for (const value of [undefined, "", "Dark", "dark ", "sepia", "light; dark"]) expect(parseThemeChoice(value), String(value)).toBe("system");
  });
});

describe("themeClassName", () => {
  it("forces light or dark with a class and leaves <html> without one to follow the system", () => {
    expect([themeClassName("light"), themeClassName("dark"), themeClassName("system")]).toEqual(["light", "dark", undefined]);
  });
});

describe("themeCookie", () => {
  it("writes a year-long, site-wide, Lax cookie that parseThemeChoice reads back", () => {
    const cookie = themeCookie("dark");
    expect(cookie).toBe(`${THEME_COOKIE}=dark; Path=/; Max-Age=31536000; SameSite=Lax`);
    const value = cookie.split(";")[0]!.split("=")[1];
    expect(parseThemeChoice(value)).toBe("dark");
  });
});
