// Issue 16 in a real browser against `next start`: the header's search box suggests while typing
// (services of the seeded fleet, as the suggestions API ranks them), arrow keys and Enter open
// the highlighted one, and `/` focuses the box from anywhere but a text field; the account page
// changes one's password (a mismatched confirmation is explained first), and the new password
// then signs in on the sign-in page.
import { describe, expect, it } from "vitest";
import { getDb } from "../../lib/db/client";
import { accessibilityViolations, saveScreenshot, useBrowser } from "../support/browser";
import { signIn } from "../support/sign-in";

const browser = useBrowser();
const BOX = { name: "Search services, commits, pull requests and tickets" } as const;

describe("the header's search box", () => {
  it("suggests services while typing; ArrowDown and Enter open the highlighted one; / focuses it", { timeout: 120_000 }, async () => {
    // A fragment several seeded services share, and the second of them in the box's order.
    const names = (await getDb().service.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((service) => service.name);
    const fragment = names.map((name) => name.slice(0, 3)).find((prefix, _index, all) => all.filter((other) => other === prefix).length >= 2) ?? names[0]!.slice(0, 2);
    // The box's order (exact name, then names starting with the text, then by name) in the database's collation.
    const expected = (
      await getDb().$queryRaw<{ name: string }[]>`
        SELECT name FROM services WHERE name ILIKE ${`%${fragment}%`}
        ORDER BY lower(name) = lower(${fragment}) DESC, name ILIKE ${`${fragment}%`} DESC, name LIMIT 6`
    ).map((row) => row.name);
    expect(expected.length).toBeGreaterThanOrEqual(2);

    const { page, problems } = await browser.openPage({ width: 1280, height: 800 });
    await page.goto("/timeline");
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    const box = page.getByRole("combobox", BOX);
    await page.locator("main").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("/");
    await expect.poll(() => box.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await box.inputValue()).toBe(""); // the slash focused the box and was not typed

    await box.pressSequentially(fragment, { delay: 40 });
    const listbox = page.getByRole("listbox", { name: "Suggestions" });
    await listbox.waitFor({ timeout: 10_000 });
    const options = listbox.getByRole("option");
    await expect.poll(async () => (await options.allInnerTexts()).filter((text) => text.startsWith("Service")).length, { timeout: 10_000 }).toBe(expected.length);
    const serviceLabels = (await options.allInnerTexts()).filter((text) => text.startsWith("Service")).map((text) => text.split("\n")[1]);
    expect(serviceLabels).toEqual(expected);
    expect(await box.getAttribute("aria-expanded")).toBe("true");
    expect(await accessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, "search-suggestions");

    await box.press("ArrowDown");
    await box.press("ArrowDown");
    const highlighted = await box.getAttribute("aria-activedescendant");
    expect(highlighted).toBeTruthy();
    expect(await page.locator(`[id="${highlighted}"]`).innerText()).toContain(expected[1]!);
    await box.press("Enter");
    await page.waitForURL((url) => url.pathname === `/services/${encodeURIComponent(expected[1]!)}`, { timeout: 15_000 });
    await page.getByRole("heading", { level: 1, name: expected[1]! }).waitFor({ timeout: 15_000 });

    // Choosing a suggestion empties the box; in a text field, `/` is just a character.
    expect(await box.inputValue()).toBe("");
    // Typed again should the new page's render still be settling and take a keystroke (a character
    // lost to it is not what this checks: that `/` is typed, not caught).
    await expect
      .poll(async () => {
        await box.fill("");
        await box.pressSequentially("a/b");
        return box.inputValue();
      }, { timeout: 15_000 })
      .toBe("a/b");

    // Enter with suggestions open but none highlighted searches for the text, as before suggestions.
    await box.fill(fragment);
    await listbox.waitFor({ timeout: 10_000 });
    await box.press("Enter");
    // /search lists the matches (or, were the fragment a service's whole name, sends to its page).
    await page.waitForURL((url) => (url.pathname === "/search" && url.searchParams.get("q") === fragment) || url.pathname === `/services/${encodeURIComponent(fragment)}`, { timeout: 15_000 });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("the account page", () => {
  it("changes one's password, explaining a mismatch first; the new password then signs in", { timeout: 120_000 }, async () => {
    const user = await signIn([{ role: "engineer", teamId: null }], { name: "Pat Password" });
    const { page, problems } = await browser.openPage({ as: user });
    await page.goto("/");
    await page.getByTestId("user-menu").getByRole("link", { name: "Pat Password" }).click();
    await page.waitForURL((url) => url.pathname === "/settings/account");
    await page.getByRole("heading", { level: 1, name: "Your account" }).waitFor();

    const form = page.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password").fill(user.password);
    await form.getByLabel("New password", { exact: true }).fill("my own new password 1");
    await form.getByLabel("Confirm new password").fill("my own new password 2");
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("alert").filter({ hasText: "The new password and its confirmation differ." }).waitFor();
    expect(await form.getByLabel("Confirm new password").getAttribute("aria-invalid")).toBe("true");
    expect(await accessibilityViolations(page)).toEqual([]);

    await form.getByLabel("Confirm new password").fill("my own new password 1");
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByRole("status").filter({ hasText: "Password changed." }).waitFor({ timeout: 15_000 });
    await saveScreenshot(page, "account-password-changed");
    expect(problems).toEqual([]);
    await page.context().close();

    const anonymous = await browser.openPage({ as: null });
    await anonymous.page.goto("/sign-in?next=%2Fsettings%2Faccount");
    await anonymous.page.getByRole("textbox", { name: "Email" }).fill(user.email);
    await anonymous.page.getByLabel("Password", { exact: true }).fill("my own new password 1");
    await anonymous.page.getByRole("button", { name: "Sign in", exact: true }).click();
    await anonymous.page.waitForURL((url) => url.pathname === "/settings/account", { timeout: 15_000 });
    await expect.poll(() => anonymous.page.getByTestId("user-menu").textContent()).toContain("Pat Password");
    expect(anonymous.problems.filter((problem) => !/net::ERR_ABORTED$/.test(problem))).toEqual([]);
    await anonymous.page.context().close();
  });
});
